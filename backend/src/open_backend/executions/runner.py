"""Run one execution: ``await run_execution(deps, execution_id)``.

The same function serves the in-process executor and the arq workers; it needs only the
execution id. It claims the execution's lease (:mod:`open_backend.executions.lease`; anything
not claimable returns at once), continues its stored event log when an earlier holder died
(succeeded nodes keep their results, nodes that were running start a new attempt), builds the
DAG of the pinned version with the platform's task types and the callable allow-list, runs it
with core_engine and persists every event under the lease through an
:class:`~open_backend.executions.event_log.EventLog`.

A run ends in one of three ways: the engine finishes it (its last events written); the lease is
lost to another holder (the run stops, its late events refused); or the process hands it back
(:func:`hand_back`, on shutdown or drain): the events so far are written, the run is stopped
without recording a cancellation, and the execution returns to ``queued`` for the next claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import (
    DAG,
    DAGValidationError,
    DefinitionError,
    NodeState,
    ParamsError,
    RunHandle,
    start,
)
from core_engine.tasktypes import TaskTypeRegistry
from open_backend.db.models import Dag, DagVersion, Execution, ExecutionStatus, NodeExecution, Organization
from open_backend.db.types import utcnow
from open_backend.executions.artifacts import ArtifactStore
from open_backend.executions.callables import guard_callables
from open_backend.executions.dispatch import Dispatcher, dispatch_again, mark_dispatched, new_job_id
from open_backend.executions.event_log import EventLog
from open_backend.executions.lease import Lease, claim
from open_backend.live.bus import NullPublisher, Publisher
from open_backend.live.publish import publish_execution
from open_backend.observability import metrics, tracing
from open_backend.observability.run_observer import RunObserver, listener, observed_run, run_ended
from open_backend.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class ActiveRun:
    """A run in progress in this process: its engine handle, event log and lease."""

    handle: RunHandle
    log: EventLog
    lease: Lease
    handed_back: bool = False
    ended: asyncio.Event = field(default_factory=asyncio.Event)  # set once all is written and released


@dataclass
class RunnerDeps:
    """What running executions needs, shared by the runs of one process.

    Attributes:
        sessions: the session factory.
        settings: artifact folder and limits, callable allow-list, flush interval, lease timing.
        worker_id: this process's name in lease tokens (host, pid and a random part).
        registry: the task types runs may use.
        bus: where the runs announce committed events and status changes.
        dispatcher: hands the next queued execution of a concurrency-limited DAG over when a
            run of it ends (``None``: the reconciler does, later).
        runs: the runs in progress in this process, by execution id.
    """

    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    worker_id: str = field(default_factory=lambda: f"local/{uuid.uuid4().hex[:8]}")
    registry: TaskTypeRegistry = field(default_factory=TaskTypeRegistry.builtin)
    bus: Publisher = field(default_factory=NullPublisher)
    dispatcher: Dispatcher | None = None
    runs: dict[uuid.UUID, ActiveRun] = field(default_factory=dict)

    @property
    def artifacts(self) -> ArtifactStore:
        """The artifact store of :attr:`settings`."""
        return ArtifactStore(self.settings.artifact_path, self.settings.max_result_bytes)


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


async def _fail(deps: RunnerDeps, execution: Execution, token: str) -> None:
    async with deps.sessions() as session, session.begin():
        now = utcnow()
        await session.exec(
            sa.update(Execution)
            .where(col(Execution.id) == execution.id, col(Execution.lease_owner) == token)
            .values(status=ExecutionStatus.FAILED, started_at=now, finished_at=now)
        )
    publish_execution(deps.bus, execution.organization_id, execution.id, ExecutionStatus.FAILED.value)


@dataclass(frozen=True, slots=True)
class _Plan:
    execution: Execution
    definition: dict[str, Any]
    resume: dict[str, Any]
    prior_attempts: dict[str, int]
    lease: Lease
    log: EventLog


async def _prepare(deps: RunnerDeps, execution_id: uuid.UUID) -> _Plan | None:
    """Claim the execution and gather what its run needs (``None``: not claimable)."""
    settings = deps.settings
    async with deps.sessions() as session, session.begin():
        token = await claim(session, execution_id, deps.worker_id, settings.lease_ttl_s)
        if token is None:
            return None
        execution = await session.get_one(Execution, execution_id, populate_existing=True)
        version = await session.get_one(DagVersion, execution.dag_version_id)
        resume = (
            await resume_results(session, deps.artifacts, execution.retry_of_id)
            if execution.retry_of_id is not None
            else {}
        )
        lease = Lease(execution_id, token, settings.lease_ttl_s)
        log = EventLog(
            deps.sessions,
            execution_id,
            deps.artifacts,
            settings.event_flush_interval_s,
            organization_id=execution.organization_id,
            bus=deps.bus,
            lease=lease,
            heartbeat_s=settings.heartbeat_interval_s,
        )
        state = await log.restore(session)  # a takeover continues the stored log
        prior: dict[str, int] = {}
        if log.restored:
            resume.update(await resume_results(session, deps.artifacts, execution_id))
            prior = {
                node_id: run.attempts
                for node_id, run in state.nodes.items()
                if run.attempts > 0 and run.state is not NodeState.SUCCEEDED
            }
            logger.info("execution %s taken over by %s", execution_id, deps.worker_id)
    return _Plan(execution, version.definition, resume, prior, lease, log)


async def run_execution(deps: RunnerDeps, execution_id: uuid.UUID) -> None:
    """Run the execution ``execution_id`` to its end, persisting its events and projections.

    Returns at once when the execution cannot be claimed (ended, held by a live lease, or its
    DAG or organization at its concurrency limit). An execution whose stored definition or
    parameters no longer build a run ends ``failed`` with no event. When the calling task is
    cancelled (shutdown, arq job timeout), the run is handed back (see :func:`hand_back`) and
    ``CancelledError`` propagates.

    The run is one ``execution.run`` span (under the trace of the request or job that handed it
    over, when tracing is on) and its log records carry the execution id.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed before the run started.
        core_engine.ReplayError: the stored log of a run to take over does not replay.
        OSError: a large result could not be read back.
    """
    with observed_run(execution_id):
        await _run(deps, execution_id)


async def _run(deps: RunnerDeps, execution_id: uuid.UUID) -> None:
    settings = deps.settings
    plan = await _prepare(deps, execution_id)
    if plan is None:
        return
    lease, log = plan.lease, plan.log
    try:
        dag = DAG.from_dict(plan.definition, resolve_callables=False, registry=deps.registry)
        dag = guard_callables(dag, settings.callable_module_allow_list, deps.registry)
        observer = RunObserver.of_current_span(execution_id.hex, dag)
        handle = start(
            dag,
            plan.execution.params,
            run_id=execution_id.hex,
            on_event=listener(log.append, observer),
            resume_from={k: v for k, v in plan.resume.items() if k in dag.index} or None,
            prior_attempts={k: v for k, v in plan.prior_attempts.items() if k in dag.index} or None,
            registry=deps.registry,
        )
    except (DefinitionError, DAGValidationError, ParamsError):
        logger.exception("execution %s cannot run its stored definition", execution_id)
        await _fail(deps, plan.execution, lease.token)
        return
    active = ActiveRun(handle, log, lease)
    lease.on_lost = handle.cancel
    lease.on_cancel_requested = handle.cancel
    deps.runs[execution_id] = active
    metrics.run_started()
    status: str | None = None
    try:
        async with log:
            try:
                status = (await handle.wait()).state.status.value
            except asyncio.CancelledError:
                if not active.handed_back:
                    await _stop_for_hand_back(deps, active)
                await handle.wait()
                raise
    finally:
        observer.close()
        run_ended(None if active.handed_back or lease.lost else status)
        deps.runs.pop(execution_id, None)
        try:
            if active.handed_back:
                await _release(deps, active)
        finally:
            active.ended.set()
    if not lease.lost:
        with tracing.detached():  # the next execution's run is not part of this one's trace
            await dispatch_next_waiting(deps, plan.execution.dag_id, plan.execution.organization_id)


async def _stop_for_hand_back(deps: RunnerDeps, active: ActiveRun) -> None:
    active.handed_back = True
    active.log.seal()
    active.handle.cancel()


async def _release(deps: RunnerDeps, active: ActiveRun) -> None:
    """Return a handed-back execution to the queue and hand it over again (with a new job)."""
    execution_id = active.lease.execution_id
    job_id = new_job_id()
    try:
        async with deps.sessions() as session, session.begin():
            if not await active.lease.release(session):
                return
            await mark_dispatched(session, execution_id, job_id, utcnow())
    except Exception:  # the lease expires and the reconciler hands the run over instead
        logger.exception("handing execution %s back failed; its lease will expire", execution_id)
        return
    logger.info("execution %s handed back to the queue", execution_id)
    if deps.dispatcher is not None:
        await deps.dispatcher.submit(execution_id, job_id)


async def hand_back(deps: RunnerDeps, execution_id: uuid.UUID) -> None:
    """Stop the run of ``execution_id`` in this process without ending the execution: its
    events so far are written, later ones (the stop's cancellations) are dropped, and the
    execution returns to ``queued`` so another run resumes it. No-op if it does not run here."""
    active = deps.runs.get(execution_id)
    if active is None or active.handed_back:
        return
    await _stop_for_hand_back(deps, active)
    with contextlib.suppress(Exception):
        await active.handle.wait()
    await active.ended.wait()  # its last events written and the execution back in the queue


async def dispatch_next_waiting(deps: RunnerDeps, dag_id: uuid.UUID, organization_id: uuid.UUID) -> None:
    """A slot was just freed: when the DAG ``dag_id`` limits its concurrent executions, hand its
    oldest ``queued`` execution over; when the organization does, its oldest ``queued`` one (of
    any DAG). Errors are logged: the reconciler catches up later."""
    if deps.dispatcher is None:
        return
    try:
        waiting: set[uuid.UUID] = set()
        async with deps.sessions() as session:
            dag_limit = (
                await session.exec(select(Dag.max_concurrent_executions).where(col(Dag.id) == dag_id))
            ).one_or_none()
            org_limit = (
                await session.exec(
                    select(Organization.max_concurrent_executions).where(
                        col(Organization.id) == organization_id
                    )
                )
            ).one_or_none()
            scopes = [col(Execution.dag_id) == dag_id] if dag_limit is not None else []
            if org_limit is not None:
                scopes.append(col(Execution.organization_id) == organization_id)
            for scope in scopes:
                oldest = (
                    await session.exec(
                        select(Execution.id)
                        .where(scope, col(Execution.status) == ExecutionStatus.QUEUED)
                        .order_by(col(Execution.created_at))
                        .limit(1)
                    )
                ).one_or_none()
                if oldest is not None:
                    waiting.add(oldest)
        for execution_id in waiting:
            await dispatch_again(deps.sessions, deps.dispatcher, execution_id)
    except Exception:
        logger.exception("dispatching the next execution of DAG %s failed", dag_id)
