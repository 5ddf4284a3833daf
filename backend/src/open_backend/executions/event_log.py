"""The batching writer of an execution's event log and of its projections.

The engine calls :meth:`EventLog.append` (synchronously) for every event. Events are buffered
and written in batches, at least every ``interval_s`` seconds (``OPEN_EVENT_FLUSH_INTERVAL_S``,
at most 0.1) and once more at the end: each batch inserts its ``execution_events`` rows and
updates the ``executions`` and ``node_executions`` projections in ONE transaction, so the rows
never disagree with the log they were folded from. Large results are moved to artifacts first
(:mod:`open_backend.executions.artifacts`) and the stored event carries the marker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import Event, RunState, event_from_dict, event_to_dict
from core_engine.replay import apply
from open_backend.db.ids import new_id
from open_backend.db.models import Execution, ExecutionEvent, NodeExecution
from open_backend.executions.artifacts import ArtifactStore
from open_backend.executions.projection import (
    ExecutionRow,
    NodeKey,
    NodeRow,
    execution_row,
    node_rows,
    to_datetime,
)

logger = logging.getLogger(__name__)


class EventLog:
    """Buffers one execution's events and writes them with their projections in batches.

    Use it as an async context manager around the run: entering starts the periodic flusher,
    leaving stops it and flushes what remains (also when the block raises or is cancelled).

    Args:
        sessions: the session factory; each batch uses its own session and transaction.
        execution_id: the execution whose events these are.
        artifacts: where results above the inline limit go.
        interval_s: seconds between flushes.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        execution_id: uuid.UUID,
        artifacts: ArtifactStore,
        interval_s: float,
    ) -> None:
        self.sessions = sessions
        self.execution_id = execution_id
        self.artifacts = artifacts
        self.interval_s = interval_s
        self.state = RunState()
        self._pending: list[Event] = []
        self._unwritten: list[dict[str, Any]] = []  # folded into ``state``, not committed yet
        self._rows: dict[NodeKey, NodeRow] = {}
        self._row_ids: dict[NodeKey, uuid.UUID] = {}
        self._execution: ExecutionRow | None = None
        self._lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    def append(self, event: Event) -> None:
        """Buffer ``event`` for the next batch (the engine's ``on_event`` callback)."""
        self._pending.append(event)

    async def __aenter__(self) -> EventLog:
        self._closing.clear()
        self._flusher = asyncio.create_task(self._flush_periodically())
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing.set()  # never cancel the flusher: a batch half-written would be retried, not lost
        if self._flusher is not None:
            await self._flusher
        await self.flush()

    async def _flush_periodically(self) -> None:
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.interval_s)
            try:
                await self.flush()
            except Exception:  # the batch stays buffered: the next flush retries it
                logger.exception("writing the events of execution %s failed", self.execution_id)

    async def flush(self) -> None:
        """Write the buffered events and the projection rows they changed, in one transaction.

        Events are folded into :attr:`state` once, then kept until their transaction commits:
        a failed or cancelled flush leaves them (and the rows they change) for the next one.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: the batch could not be written (it is rolled back).
            OSError: a large result could not be written to the artifact folder.
        """
        async with self._lock:
            if self._pending:
                batch = list(self._pending)
                payloads = await asyncio.to_thread(self._payloads, batch)
                for payload in payloads:
                    self.state.last_seq = payload["seq"]
                    apply(self.state, event_from_dict(payload))
                self._unwritten.extend(payloads)
                del self._pending[: len(batch)]
            if self._unwritten:
                await self._write(self._unwritten, self.state)
                self._unwritten = []

    def _payloads(self, batch: list[Event]) -> list[dict[str, Any]]:
        out = []
        for event in batch:
            payload = event_to_dict(event)
            if "result" in payload:
                payload["result"] = self.artifacts.store_if_large(
                    self.execution_id, payload["node_id"], payload.get("map_index"), payload["result"]
                )
            out.append(payload)
        return out

    async def _write(self, payloads: list[dict[str, Any]], state: RunState) -> None:
        rows = node_rows(state)
        changed = {key: row for key, row in rows.items() if self._rows.get(key) != row}
        execution = execution_row(state)
        new_ids = {key: new_id() for key in changed if key not in self._row_ids}
        async with self.sessions() as session, session.begin():
            await session.exec(
                sa.insert(ExecutionEvent),
                params=[
                    {
                        "id": new_id(),
                        "execution_id": self.execution_id,
                        "sequence": payload["seq"],
                        "kind": payload["kind"],
                        "ts": to_datetime(payload["ts"]),
                        "payload": payload,
                    }
                    for payload in payloads
                ],
            )
            inserted = [
                {"id": row_id, "execution_id": self.execution_id, "node_id": key[0], "map_index": key[1]}
                | changed[key].values()
                for key, row_id in new_ids.items()
            ]
            if inserted:
                await session.exec(sa.insert(NodeExecution), params=inserted)
            updated = [
                {"id": self._row_ids[key]} | row.values()
                for key, row in changed.items()
                if key not in new_ids
            ]
            if updated:  # an executemany UPDATE by primary key
                await session.exec(sa.update(NodeExecution), params=updated)
            if execution != self._execution:
                await session.exec(
                    sa.update(Execution)
                    .where(col(Execution.id) == self.execution_id)
                    .values(
                        status=execution.status,
                        started_at=execution.started_at,
                        finished_at=execution.finished_at,
                    )
                )
        self._row_ids.update(new_ids)
        self._rows.update(changed)
        self._execution = execution
