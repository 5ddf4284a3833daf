"""Operator maintenance of executions, for whoever has the database (``openctl replay`` and
``openctl projections rebuild``): no principal, no organization scope.

The event log (``execution_events``) is the truth; the ``executions`` status and times and the
``node_executions`` rows are projections of it (:mod:`open_backend.executions.projection`).
:func:`replay_stored_execution` is the API's replay check without the principal.
:func:`rebuild_execution` compares every projected column with what the events give and, when
asked, writes the rows back from the events. It never touches events, and it leaves alone an
execution whose log has not finished (a holder may still be writing it; the reconciler owns it).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import event_from_dict
from core_engine.replay import ReplayError
from open_backend.db.ids import new_id
from open_backend.db.models import Execution, ExecutionStatus, NodeExecution
from open_backend.errors import NotFound
from open_backend.executions.projection import (
    ExecutionRow,
    NodeKey,
    NodeRow,
    ReplayReport,
    rebuild,
    replay_report,
    stored_row,
)
from open_backend.executions.service import all_events, node_executions

#: Executions read per transaction by :func:`rebuild_batch` callers, by default.
DEFAULT_BATCH_SIZE = 100


async def replay_stored_execution(session: AsyncSession, execution_id: uuid.UUID) -> ReplayReport:
    """The replay check of any execution (see :func:`open_backend.executions.service.replay_execution`,
    which is the same check for an admin of its organization). Reads only.

    Raises:
        NotFound: no execution has that id.
    """
    execution = await session.get(Execution, execution_id)
    if execution is None:
        raise NotFound(f"no execution {execution_id}")
    stored = await all_events(session, execution.id)
    rows = {
        (node.node_id, node.map_index): stored_row(node) for node in await node_executions(session, execution)
    }
    return replay_report(execution.status, [row.payload for row in stored], rows)


class Outcome(enum.StrEnum):
    """What :func:`rebuild_execution` found (and did) for one execution."""

    MATCHES = "matches"  # every projected column already equals what the events give
    DIFFERS = "differs"  # some rows differ; only checked, nothing written
    REBUILT = "rebuilt"  # some rows differed and were written back from the events
    RUNNING = "running"  # the event log has not finished: left alone
    NO_EVENTS = "no_events"  # no event at all (queued, or cancelled before it started): left alone
    BROKEN = "broken"  # the event log does not replay (a gap or an inconsistency): left alone
    MISSING = "missing"  # no execution has that id


@dataclass(frozen=True, slots=True)
class RebuildResult:
    """The outcome for one execution.

    Attributes:
        execution_id: the execution.
        outcome: what was found and done.
        differences: each projected value that differs from the events, one sentence each
            (for ``differs`` and ``rebuilt``); the replay error for ``broken``.
    """

    execution_id: uuid.UUID
    outcome: Outcome
    differences: list[str] = field(default_factory=list)


def _execution_differences(stored: Execution, expected: ExecutionRow) -> list[str]:
    found = []
    for name in ("status", "started_at", "finished_at"):
        have, want = getattr(stored, name), getattr(expected, name)
        if have != want:
            found.append(f"execution {name}: {_text(have)} in the row, {_text(want)} from the events")
    return found


def _node_differences(stored: dict[NodeKey, NodeRow], expected: dict[NodeKey, NodeRow]) -> list[str]:
    found = []
    for key in sorted(set(stored) | set(expected), key=lambda k: (k[0], -1 if k[1] is None else k[1])):
        label = key[0] if key[1] is None else f"{key[0]}[{key[1]}]"
        have, want = stored.get(key), expected.get(key)
        if have is None:
            found.append(f"node {label}: no row, the events have one")
        elif want is None:
            found.append(f"node {label}: a row the events do not have")
        else:
            left, right = have.values(), want.values()
            found.extend(
                f"node {label}: {name} {_text(left[name])} in the row, {_text(right[name])} from the events"
                for name in left
                if left[name] != right[name]
            )
    return found


def _text(value: Any) -> str:
    text = str(value.value if isinstance(value, enum.Enum) else value)
    return text if len(text) <= 60 else text[:57] + "..."


async def rebuild_execution(session: AsyncSession, execution_id: uuid.UUID, *, write: bool) -> RebuildResult:
    """Compare the projections of one execution with its event log; with ``write``, write the
    differing ones back from the events (in the session's transaction: the caller commits).

    Compared: the execution's status, ``started_at`` and ``finished_at``; every column of its
    node rows (a missing row is inserted, a row the events do not know is deleted). Events are
    never changed. An execution whose log has not finished, has no events or does not replay is
    left alone. On PostgreSQL the execution row is locked for the transaction.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    execution = (
        await session.exec(select(Execution).where(col(Execution.id) == execution_id).with_for_update())
    ).one_or_none()
    if execution is None:
        return RebuildResult(execution_id, Outcome.MISSING)
    stored_events = await all_events(session, execution.id)
    if not stored_events:
        return RebuildResult(execution_id, Outcome.NO_EVENTS)
    try:
        expected_execution, expected_nodes = rebuild(
            event_from_dict(dict(row.payload)) for row in stored_events
        )
    except (ReplayError, ValueError) as exc:
        return RebuildResult(execution_id, Outcome.BROKEN, [f"the event log does not replay: {exc}"])
    if expected_execution.status is ExecutionStatus.RUNNING:
        return RebuildResult(execution_id, Outcome.RUNNING)
    nodes = {(node.node_id, node.map_index): node for node in await node_executions(session, execution)}
    stored_nodes = {key: stored_row(node) for key, node in nodes.items()}
    found = _execution_differences(execution, expected_execution)
    found.extend(_node_differences(stored_nodes, expected_nodes))
    if not found:
        return RebuildResult(execution_id, Outcome.MATCHES)
    if not write:
        return RebuildResult(execution_id, Outcome.DIFFERS, found)
    await _write(
        session, execution, expected_execution, nodes=nodes, stored=stored_nodes, expected=expected_nodes
    )
    return RebuildResult(execution_id, Outcome.REBUILT, found)


async def _write(
    session: AsyncSession,
    execution: Execution,
    expected_execution: ExecutionRow,
    *,
    nodes: dict[NodeKey, NodeExecution],
    stored: dict[NodeKey, NodeRow],
    expected: dict[NodeKey, NodeRow],
) -> None:
    await session.exec(
        sa.update(Execution)
        .where(col(Execution.id) == execution.id)
        .values(
            status=expected_execution.status,
            started_at=expected_execution.started_at,
            finished_at=expected_execution.finished_at,
        )
    )
    extra = [nodes[key].id for key in stored if key not in expected]
    if extra:
        await session.exec(sa.delete(NodeExecution).where(col(NodeExecution.id).in_(extra)))
    inserted = [
        {"id": new_id(), "execution_id": execution.id, "node_id": key[0], "map_index": key[1]} | row.values()
        for key, row in expected.items()
        if key not in stored
    ]
    if inserted:
        await session.exec(sa.insert(NodeExecution), params=inserted)
    updated = [
        {"id": nodes[key].id} | row.values()
        for key, row in expected.items()
        if key in stored and stored[key] != row
    ]
    if updated:  # an executemany UPDATE by primary key, as the event log writes them
        await session.exec(sa.update(NodeExecution), params=updated)
    session.expire_all()


async def rebuild_batch(
    sessions: async_sessionmaker[AsyncSession], execution_ids: Sequence[uuid.UUID], *, write: bool
) -> list[RebuildResult]:
    """:func:`rebuild_execution` for each of ``execution_ids``, in one transaction (committed
    when ``write``, else rolled back). Returns the results in the same order.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed (nothing of the batch is written).
    """
    async with sessions() as session:  # closing it rolls back what was not committed
        results = [await rebuild_execution(session, eid, write=write) for eid in execution_ids]
        if write:
            await session.commit()
        return results


async def count_executions(session: AsyncSession) -> int:
    """How many executions the database holds."""
    return int((await session.exec(select(sa.func.count()).select_from(Execution))).one())


async def execution_id_batches(
    sessions: async_sessionmaker[AsyncSession], batch_size: int = DEFAULT_BATCH_SIZE
) -> AsyncIterator[list[uuid.UUID]]:
    """Every execution id, in batches of at most ``batch_size`` by id (UUIDv7: oldest first),
    each batch read in its own short session (keyset pagination: executions created meanwhile
    come last or not at all).
    """
    after: uuid.UUID | None = None
    while True:
        async with sessions() as session:
            statement = select(Execution.id).order_by(col(Execution.id)).limit(batch_size)
            if after is not None:
                statement = statement.where(col(Execution.id) > after)
            batch = list((await session.exec(statement)).all())
        if not batch:
            return
        yield batch
        after = batch[-1]
