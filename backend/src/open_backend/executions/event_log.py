"""The batching writer of an execution's event log and of its projections.

The engine calls :meth:`EventLog.append` (synchronously) for every event. Events are buffered
and written in batches, at least every ``interval_s`` seconds (``OPEN_EVENT_FLUSH_INTERVAL_S``,
at most 0.1) and once more at the end: each batch inserts its ``execution_events`` rows and
updates the ``executions`` and ``node_executions`` projections in ONE transaction, so the rows
never disagree with the log they were folded from. Large results are moved to artifacts first
(:mod:`open_backend.executions.artifacts`) and the stored event carries the marker.

Under a worker's :class:`~open_backend.executions.lease.Lease`, every batch renews the lease in
its own transaction, so a holder that lost the lease has its late events refused (the batch
rolls back and the log stops writing); while nothing is written, the flusher renews the lease
every ``heartbeat_s`` seconds. A failed batch is retried with backoff (up to 1 s apart) until the
database is back.

Taking over a run (:meth:`EventLog.restore`): the log continues the stored one. It reads the
stored events and rows, assigns the next sequence numbers itself, and leaves out what the new
engine run repeats: its ``run_started`` and the ``node_succeeded`` of nodes resumed from
results already stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import Event, NodeState, RunState, event_from_dict, event_to_dict
from core_engine.events import NodeSucceeded, RunStarted
from core_engine.replay import apply, replay
from open_backend.db.ids import new_ids
from open_backend.db.models import Execution, ExecutionEvent, NodeExecution
from open_backend.executions.artifacts import ArtifactStore
from open_backend.executions.batch_rows import insert_events, insert_nodes, update_nodes
from open_backend.executions.lease import Lease, LeaseLost
from open_backend.executions.projection import (
    ExecutionRow,
    NodeKey,
    NodeRow,
    execution_row,
    node_rows,
    node_rows_of,
)
from open_backend.executions.stored_json import escape_task_text
from open_backend.live.bus import NullPublisher, Publisher
from open_backend.live.publish import publish_events, publish_execution
from open_backend.observability import metrics

logger = logging.getLogger(__name__)

#: Longest wait, in seconds, between retries of a batch the database refused or could not take.
_MAX_RETRY_DELAY_S = 1.0


class EventLog:
    """Buffers one execution's events and writes them with their projections in batches.

    Use it as an async context manager around the run: entering starts the periodic flusher,
    leaving stops it and flushes what remains (also when the block raises or is cancelled).

    Args:
        sessions: the session factory; each batch uses its own session and transaction.
        execution_id: the execution whose events these are.
        artifacts: where results above the inline limit go.
        interval_s: seconds between flushes.
        organization_id: the execution's organization (for its live channel).
        bus: where committed events and status changes are announced.
        lease: the holder's lease, renewed with every batch (``None``: no lease is checked).
        heartbeat_s: seconds between renewals while no batch is written.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        execution_id: uuid.UUID,
        artifacts: ArtifactStore,
        interval_s: float,
        *,
        organization_id: uuid.UUID,
        bus: Publisher | None = None,
        lease: Lease | None = None,
        heartbeat_s: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.organization_id = organization_id
        self.bus: Publisher = bus if bus is not None else NullPublisher()
        self.execution_id = execution_id
        self.artifacts = artifacts
        self.interval_s = interval_s
        self.lease = lease
        self.heartbeat_s = heartbeat_s
        self.state = RunState()
        self.restored = False
        self._sealed = False
        self._pending: list[Event] = []
        self._unwritten: list[dict[str, Any]] = []  # folded into ``state``, not committed yet
        self._dirty: set[str] = set()  # ids of the nodes the unwritten events changed
        self._rows: dict[NodeKey, NodeRow] = {}
        self._row_ids: dict[NodeKey, uuid.UUID] = {}
        self._execution: ExecutionRow | None = None
        self._lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    def append(self, event: Event) -> None:
        """Buffer ``event`` for the next batch (the engine's ``on_event`` callback).

        Nothing is buffered once the lease is lost; after :meth:`restore`, the repeated
        ``run_started`` and ``node_succeeded`` of already-stored nodes are left out.
        """
        if self._sealed or (self.lease is not None and self.lease.lost):
            return
        if self.restored:
            if type(event) is RunStarted:
                return
            if type(event) is NodeSucceeded and event.resumed and event.map_index is None:
                stored = self.state.nodes.get(event.node_id)
                if stored is not None and stored.state is NodeState.SUCCEEDED:
                    return
        self._pending.append(event)

    def seal(self) -> None:
        """Accept no more events: what is buffered is still written, later events are dropped
        (a run handed back stops without recording its cancellation)."""
        self._sealed = True

    async def restore(self, session: AsyncSession) -> RunState:
        """Continue the stored log of this execution (a takeover): fold its stored events and
        load its node rows, so new events follow the last stored sequence. Returns the state.

        Raises:
            core_engine.ReplayError: the stored log does not replay (a gap or a repeat).
            sqlalchemy.exc.SQLAlchemyError: the database failed.
        """
        stored = (
            await session.exec(
                sa.select(ExecutionEvent.payload)  # type: ignore[call-overload]
                .where(col(ExecutionEvent.execution_id) == self.execution_id)
                .order_by(col(ExecutionEvent.sequence))
            )
        ).all()
        if not stored:
            return self.state
        self.state = replay(event_from_dict(dict(payload)) for (payload,) in stored)
        ids = await session.exec(
            sa.select(NodeExecution.node_id, NodeExecution.map_index, NodeExecution.id).where(  # type: ignore[call-overload]
                col(NodeExecution.execution_id) == self.execution_id
            )
        )
        self._row_ids = {(node_id, map_index): row_id for node_id, map_index, row_id in ids.all()}
        self._rows = node_rows(self.state)
        self._execution = execution_row(self.state)
        self.restored = True
        return self.state

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

    async def _flush_periodically(self) -> None:
        """Flush every ``interval_s`` (renewing the lease when idle); once closing, flush until
        everything is written or the lease is lost. A failed batch is retried with backoff; when
        closing without a lease, the failure is raised instead."""
        delay, failed = self.interval_s, False
        while True:
            if not self._closing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), delay)
            elif failed:
                await asyncio.sleep(delay)
            closing = self._closing.is_set()
            try:
                await self.flush()
                if closing:
                    return
                if self.lease is not None and time.monotonic() - self.lease.renewed_at >= self.heartbeat_s:
                    async with self.sessions() as session, session.begin():
                        await self.lease.renew(session)
            except LeaseLost:
                logger.warning(
                    "execution %s: lease lost, its remaining events are refused", self.execution_id
                )
                return
            except Exception:  # the batch stays buffered: the next flush retries it
                if closing and self.lease is None:
                    raise
                delay, failed = min(delay * 2, _MAX_RETRY_DELAY_S), True
                logger.exception(
                    "writing the events of execution %s failed; retrying in %.2f s", self.execution_id, delay
                )
                continue
            delay, failed = self.interval_s, False

    async def flush(self) -> None:
        """Write the buffered events and the projection rows they changed, in one transaction.

        Events are folded into :attr:`state` once, then kept until their transaction commits:
        a failed or cancelled flush leaves them (and the rows they change) for the next one.

        Raises:
            LeaseLost: the lease was taken by another holder; nothing was written, nothing will be.
            sqlalchemy.exc.SQLAlchemyError: the batch could not be written (it is rolled back).
            OSError: a large result could not be written to the artifact folder.
        """
        async with self._lock:
            if self._pending:
                batch = list(self._pending)
                payloads, rewritten = await asyncio.to_thread(self._payloads, batch)
                for index, (event, payload) in enumerate(zip(batch, payloads, strict=True)):
                    payload["seq"] = self.state.last_seq + 1  # the stored log's own numbering
                    self.state.last_seq = payload["seq"]
                    # the state folds the event as stored: renumbered, or its stored form
                    same = event.seq == payload["seq"] and index not in rewritten
                    apply(self.state, event if same else event_from_dict(payload))
                    if "node_id" in payload:
                        self._dirty.add(payload["node_id"])
                self._unwritten.extend(payloads)
                del self._pending[: len(batch)]
            if self._unwritten:
                started = time.perf_counter()
                await self._write(self._unwritten, self.state)
                metrics.event_log_written(time.perf_counter() - started, len(self._unwritten))
                self._unwritten = []
                self._dirty.clear()

    def _payloads(self, batch: list[Event]) -> tuple[list[dict[str, Any]], set[int]]:
        """The stored payloads of ``batch``, and the indexes of those whose stored form differs
        from the event (a result in its stored form or an artifact marker, escaped text)."""
        out = []
        rewritten = set()
        for index, event in enumerate(batch):
            payload = event_to_dict(event)
            result = payload.get("result")
            if result is not None:  # ``None`` is never large
                payload["result"] = self.artifacts.store_if_large(
                    self.execution_id, payload["node_id"], payload.get("map_index"), result
                )
            escaped = escape_task_text(payload)
            if escaped or payload.get("result") is not result:
                rewritten.add(index)
            out.append(payload)
        return out, rewritten

    async def _write(self, payloads: list[dict[str, Any]], state: RunState) -> None:
        """One transaction: renew the lease (setting the execution's new status and times in
        the same ``UPDATE``), insert the events, insert and update the changed node rows."""
        rows = node_rows_of(state, self._dirty)
        changed = {key: row for key, row in rows.items() if self._rows.get(key) != row}
        execution = execution_row(state)
        fresh = [key for key in changed if key not in self._row_ids]
        new_row_ids = dict(zip(fresh, new_ids(len(fresh)), strict=True))
        event_ids = new_ids(len(payloads))
        values: dict[str, Any] = {}
        if execution != self._execution:
            values = {
                "status": execution.status,
                "started_at": execution.started_at,
                "finished_at": execution.finished_at,
            }
        async with self.sessions() as session, session.begin():
            if self.lease is not None:
                await self.lease.renew(session, **values)
            elif values:
                await session.exec(
                    sa.update(Execution)
                    .where(col(Execution.id) == self.execution_id)
                    .values(**values)
                    .execution_options(synchronize_session=False)  # the session has nothing loaded
                )
            await insert_events(session, self.execution_id, payloads, event_ids)
            inserted = [(row_id, key, changed[key]) for key, row_id in new_row_ids.items()]
            await insert_nodes(session, self.execution_id, inserted)
            updated = [(self._row_ids[key], row) for key, row in changed.items() if key not in new_row_ids]
            await update_nodes(session, updated)
        self._row_ids.update(new_row_ids)
        self._rows.update(changed)
        publish_events(self.bus, self.execution_id, payloads)
        if self._execution is None or execution.status != self._execution.status:
            publish_execution(self.bus, self.organization_id, self.execution_id, execution.status.value)
        self._execution = execution
