"""Run one execution: ``await run_execution(deps, execution_id)``.

The same function serves the in-process executor and (later) the workers: it needs only the
execution id. It claims the execution (``queued`` -> ``running``; any other status means someone
else has it, and it returns), builds the DAG of the pinned version with the built-in task types
and the callable allow-list, resumes from the succeeded nodes of the execution it retries, runs
it with core_engine and persists every event through an :class:`~open_backend.executions.event_log.EventLog`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import DAG, DAGValidationError, DefinitionError, NodeState, ParamsError, RunHandle, start
from core_engine.tasktypes import TaskTypeRegistry
from open_backend.db.models import DagVersion, Execution, ExecutionStatus, NodeExecution
from open_backend.db.types import utcnow
from open_backend.executions.artifacts import ArtifactStore
from open_backend.executions.callables import guard_callables
from open_backend.executions.event_log import EventLog
from open_backend.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class RunnerDeps:
    """What running an execution needs, shared by the runs of one process.

    Attributes:
        sessions: the session factory.
        settings: artifact folder and limits, callable allow-list, flush interval.
        handles: the engine handles of the runs in progress in this process, by execution id.
        cancel_requested: executions whose cancellation arrived before their handle existed.
    """

    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    handles: dict[uuid.UUID, RunHandle] = field(default_factory=dict)
    cancel_requested: set[uuid.UUID] = field(default_factory=set)

    @property
    def artifacts(self) -> ArtifactStore:
        """The artifact store of :attr:`settings`."""
        return ArtifactStore(self.settings.artifact_path, self.settings.max_result_bytes)


async def _claim(session: AsyncSession, execution_id: uuid.UUID) -> bool:
    claimed = await session.exec(
        sa.update(Execution)
        .where(col(Execution.id) == execution_id, col(Execution.status) == ExecutionStatus.QUEUED)
        .values(status=ExecutionStatus.RUNNING)
        .returning(col(Execution.id))
    )
    return claimed.first() is not None


async def resume_results(
    session: AsyncSession, artifacts: ArtifactStore, execution_id: uuid.UUID
) -> dict[str, Any]:
    """The results of the succeeded nodes of ``execution_id`` (artifacts read back), by node id."""
    rows = (
        await session.exec(
            select(NodeExecution).where(
                col(NodeExecution.execution_id) == execution_id,
                col(NodeExecution.map_index).is_(None),
                col(NodeExecution.status) == NodeState.SUCCEEDED,
            )
        )
    ).all()
    out: dict[str, Any] = {}
    for row in rows:
        out[row.node_id] = (
            row.result if row.result_ref is None else await asyncio.to_thread(artifacts.load, row.result_ref)
        )
    return out


async def _fail(deps: RunnerDeps, execution_id: uuid.UUID) -> None:
    async with deps.sessions() as session, session.begin():
        now = utcnow()
        await session.exec(
            sa.update(Execution)
            .where(col(Execution.id) == execution_id)
            .values(status=ExecutionStatus.FAILED, started_at=now, finished_at=now)
        )


async def run_execution(deps: RunnerDeps, execution_id: uuid.UUID) -> None:
    """Run the execution ``execution_id`` to its end, persisting its events and projections.

    Returns at once when the execution is not ``queued`` (already claimed, finished or
    cancelled). An execution whose stored definition or parameters no longer build a run ends
    ``failed`` with no event. When the calling task is cancelled (shutdown), the run is
    cancelled, its remaining events are written, and ``CancelledError`` propagates.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed.
        OSError: a large result could not be written.
    """
    registry = TaskTypeRegistry.builtin()
    async with deps.sessions() as session, session.begin():
        if not await _claim(session, execution_id):
            return
        execution = await session.get_one(Execution, execution_id)
        version = await session.get_one(DagVersion, execution.dag_version_id)
        resume = (
            await resume_results(session, deps.artifacts, execution.retry_of_id)
            if execution.retry_of_id is not None
            else {}
        )
        definition, params = version.definition, execution.params
    try:
        dag = DAG.from_dict(definition, resolve_callables=False, registry=registry)
        dag = guard_callables(dag, deps.settings.callable_module_allow_list, registry)
        resume = {node_id: value for node_id, value in resume.items() if node_id in dag.index}
        log = EventLog(deps.sessions, execution_id, deps.artifacts, deps.settings.event_flush_interval_s)
        handle = start(
            dag,
            params,
            run_id=execution_id.hex,
            on_event=log.append,
            resume_from=resume or None,
            registry=registry,
        )
    except (DefinitionError, DAGValidationError, ParamsError):
        logger.exception("execution %s cannot run its stored definition", execution_id)
        await _fail(deps, execution_id)
        return
    deps.handles[execution_id] = handle
    if execution_id in deps.cancel_requested:
        handle.cancel()
    try:
        async with log:
            try:
                await handle.wait()
            except asyncio.CancelledError:
                handle.cancel()
                await handle.wait()
                raise
    finally:
        deps.handles.pop(execution_id, None)
        deps.cancel_requested.discard(execution_id)
