"""Execution use cases: start, cancel, retry, read and replay executions of the principal's
organization. Every function takes the :class:`~open_backend.auth.principal.Principal` and scopes
by its organization: an execution of another organization is ``NOT_FOUND``. Functions flush but
never commit (the GraphQL layer does), except where stated.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import (
    DAGValidationError,
    DefinitionError,
    ParamsError,
    resolve_params,
)
from open_backend.auth.principal import Principal
from open_backend.db.models import (
    Dag,
    DagStatus,
    DagVersion,
    Execution,
    ExecutionEvent,
    ExecutionStatus,
    NodeExecution,
    Role,
)
from open_backend.errors import Conflict, NotFound, ValidationFailed
from open_backend.executions.dispatch import new_job_id
from open_backend.executions.lease import db_now
from open_backend.executions.params_spec import PARAMS_SPECS
from open_backend.executions.projection import NodeKey, ReplayReport, replay_report, stored_row
from open_backend.services import dags
from open_backend.services.pagination import Order, Page, paginate

#: Longest accepted idempotency key, in characters (the column's size).
MAX_IDEMPOTENCY_KEY_LENGTH = 255

#: The statuses an execution ends in.
TERMINAL_STATUSES = frozenset(
    {ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED, ExecutionStatus.TIMED_OUT}
)

_BY_CREATED: Order[Execution] = Order(
    kind="executions",
    key=col(Execution.created_at),
    id_column=col(Execution.id),
    key_of=lambda row: row.created_at,
    id_of=lambda row: row.id,
    descending=True,
)
_BY_SEQUENCE: Order[ExecutionEvent] = Order(
    kind="execution_events",
    key=col(ExecutionEvent.sequence),
    id_column=col(ExecutionEvent.id),
    key_of=lambda row: row.sequence,
    id_of=lambda row: row.id,
)


async def _pick_version(
    session: AsyncSession, principal: Principal, dag_id: uuid.UUID, version: int | None
) -> DagVersion:
    dag, default = await dags.get_dag_and_default_version(session, principal, dag_id)
    if dag.status is DagStatus.ARCHIVED:
        raise Conflict("an archived DAG cannot run; activate it first")
    if version is not None:
        return await dags.get_version(session, principal, dag_id, version)
    if default is None:
        raise NotFound("the DAG has no version")
    return default


async def _by_idempotency_key(session: AsyncSession, principal: Principal, key: str) -> Execution | None:
    statement = select(Execution).where(
        col(Execution.organization_id) == principal.organization_id, col(Execution.idempotency_key) == key
    )
    return (await session.exec(statement)).one_or_none()


def _same_request(existing: Execution, dag_id: uuid.UUID) -> Execution:
    if existing.dag_id != dag_id:
        raise Conflict(
            "this idempotency key was already used to run another DAG", {"field": "idempotencyKey"}
        )
    return existing


def check_params(version: DagVersion, params: Any) -> dict[str, Any]:
    """``params`` checked against the parameters ``version`` declares, defaults filled in (the
    declarations are parsed once per version: :data:`~open_backend.executions.params_spec.PARAMS_SPECS`).

    Raises:
        ValidationFailed: ``params`` is not an object, or names unknown, missing or ill-typed
            parameters (``details["params"]`` maps each to its problem).
    """
    if not isinstance(params, dict):
        raise ValidationFailed("params must be a JSON object", {"field": "params"})
    try:
        declared = PARAMS_SPECS.get(version.id, version.definition)
    except (DefinitionError, DAGValidationError) as exc:  # stored versions are valid: a bug if reached
        raise ValidationFailed(f"this DAG version cannot run: {exc}") from exc
    try:
        return resolve_params(declared, params)
    except ParamsError as exc:
        raise ValidationFailed(str(exc), {"field": "params", "params": exc.problems}) from exc


async def execute_dag(
    session: AsyncSession,
    principal: Principal,
    *,
    dag_id: uuid.UUID,
    version: int | None,
    params: Any,
    idempotency_key: str | None,
    now: datetime,
) -> Execution:
    """Create a ``queued`` execution of a DAG version (default: the active one, else the latest).

    The same ``idempotency_key`` in the organization returns the execution it already created,
    also under concurrent requests. The caller commits, then hands the id to an executor.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such DAG or version in the organization.
        Conflict: the DAG is archived, or ``idempotency_key`` already ran another DAG.
        ValidationFailed: bad parameters (``details["params"]`` per parameter) or idempotency key.
    """
    principal.require(Role.EDITOR)
    if idempotency_key is not None:
        if not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValidationFailed(
                f"idempotencyKey must have 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters",
                {"field": "idempotencyKey"},
            )
        existing = await _by_idempotency_key(session, principal, idempotency_key)
        if existing is not None:
            return _same_request(existing, dag_id)
    picked = await _pick_version(session, principal, dag_id, version)
    resolved = check_params(picked, params)
    row = Execution(
        organization_id=principal.organization_id,
        dag_id=dag_id,
        dag_version_id=picked.id,
        params=resolved,
        idempotency_key=idempotency_key,
        created_at=now,
        dispatched_at=now,
        dispatch_job_id=new_job_id(),
    )
    if idempotency_key is None:
        session.add(row)
        await session.flush()
        return row
    try:  # a concurrent request with the same key may win the unique index: return its execution
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = await _by_idempotency_key(session, principal, idempotency_key)
        if existing is None:
            raise
        return _same_request(existing, dag_id)
    return row


async def get_execution(session: AsyncSession, principal: Principal, execution_id: uuid.UUID) -> Execution:
    """The execution ``execution_id`` of the organization.

    Raises:
        NotFound: no such execution in the organization.
    """
    statement = select(Execution).where(
        col(Execution.id) == execution_id, col(Execution.organization_id) == principal.organization_id
    )
    row = (await session.exec(statement)).one_or_none()
    if row is None:
        raise NotFound("no such execution")
    return row


async def list_executions(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    dag_id: uuid.UUID | None = None,
    status: ExecutionStatus | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> Page[Execution]:
    """The organization's executions, newest first, filtered by DAG, status and creation time
    (``created_after`` inclusive, ``created_before`` exclusive).

    Raises:
        ValidationFailed: bad ``first`` or ``after``.
    """
    statement = select(Execution).where(col(Execution.organization_id) == principal.organization_id)
    if dag_id is not None:
        statement = statement.where(col(Execution.dag_id) == dag_id)
    if status is not None:
        statement = statement.where(col(Execution.status) == status)
    if created_after is not None:
        statement = statement.where(col(Execution.created_at) >= created_after)
    if created_before is not None:
        statement = statement.where(col(Execution.created_at) < created_before)
    return await paginate(session, statement, _BY_CREATED, first=first, after=after)


async def latest_executions(
    session: AsyncSession, principal: Principal, dag_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Execution]:
    """The newest execution (the first of ``list_executions``) of each DAG among ``dag_ids`` that
    is in the organization, by DAG id; DAGs never run are absent. One query, whatever the number
    of DAGs: per DAG, the index on ``(dag_id, created_at)`` finds its newest execution's id."""
    ids = list(dag_ids)
    if not ids:
        return {}
    newer = aliased(Execution)
    newest_id = (
        select(col(newer.id))
        .where(col(newer.dag_id) == col(Dag.id))
        .order_by(col(newer.created_at).desc(), col(newer.id).desc())
        .limit(1)
        .correlate(Dag)
        .scalar_subquery()
    )
    newest_ids = select(newest_id).where(
        col(Dag.organization_id) == principal.organization_id, col(Dag.id).in_(ids)
    )
    statement = select(Execution).where(
        col(Execution.organization_id) == principal.organization_id, col(Execution.id).in_(newest_ids)
    )
    return {row.dag_id: row for row in (await session.exec(statement)).all()}


async def node_executions(session: AsyncSession, execution: Execution) -> list[NodeExecution]:
    """The node rows of an execution already checked to be the principal's, by node id then map index."""
    statement = (
        select(NodeExecution)
        .where(col(NodeExecution.execution_id) == execution.id)
        .order_by(col(NodeExecution.node_id), col(NodeExecution.map_index).nulls_first())
    )
    return list((await session.exec(statement)).all())


async def list_events(
    session: AsyncSession, execution: Execution, *, first: int | None, after: str | None
) -> Page[ExecutionEvent]:
    """One page of an (already authorized) execution's events by sequence.

    Raises:
        ValidationFailed: bad ``first`` or ``after``.
    """
    statement = select(ExecutionEvent).where(col(ExecutionEvent.execution_id) == execution.id)
    return await paginate(session, statement, _BY_SEQUENCE, first=first, after=after)


async def all_events(session: AsyncSession, execution_id: uuid.UUID) -> list[ExecutionEvent]:
    """Every stored event of an (already authorized) execution, by sequence."""
    statement = (
        select(ExecutionEvent)
        .where(col(ExecutionEvent.execution_id) == execution_id)
        .order_by(col(ExecutionEvent.sequence))
    )
    return list((await session.exec(statement)).all())


async def cancel_execution(
    session: AsyncSession, principal: Principal, execution_id: uuid.UUID, *, now: datetime
) -> Execution:
    """Cancel an execution. A queued one ends ``cancelled`` now. A running one gets a
    cancellation request that its holder sees at its next lease renewal (within
    ``OPEN_HEARTBEAT_INTERVAL_S``), stopping its nodes and ending ``cancelled``; when no live
    holder exists (its lease expired: the worker died), it ends ``cancelled`` now.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such execution in the organization.
        Conflict: the execution has already ended.
    """
    principal.require(Role.EDITOR)
    row = await get_execution(session, principal, execution_id)
    ended_now = await session.exec(
        sa.update(Execution)
        .where(col(Execution.id) == execution_id, col(Execution.status) == ExecutionStatus.QUEUED)
        .values(status=ExecutionStatus.CANCELLED, finished_at=now, lease_owner=None, lease_expires_at=None)
        .returning(col(Execution.id))
    )
    if ended_now.first() is None:
        requested = (
            await session.exec(
                sa.update(Execution)
                .where(col(Execution.id) == execution_id, col(Execution.status) == ExecutionStatus.RUNNING)
                .values(cancel_requested_at=sa.func.coalesce(col(Execution.cancel_requested_at), now))
                .returning(sa.func.coalesce(col(Execution.lease_expires_at) >= db_now(session), False))
            )
        ).first()
        if requested is None:
            await session.refresh(row)
            raise Conflict(f"the execution has already ended ({row.status.value})")
        if not requested[0]:  # nobody holds it: end it here (a late claim would see the request)
            await session.exec(
                sa.update(Execution)
                .where(
                    col(Execution.id) == execution_id,
                    col(Execution.status) == ExecutionStatus.RUNNING,
                    sa.or_(
                        col(Execution.lease_expires_at).is_(None),
                        col(Execution.lease_expires_at) < db_now(session),
                    ),
                )
                .values(status=ExecutionStatus.CANCELLED, finished_at=now)
            )
    await session.refresh(row)
    return row


async def retry_execution(
    session: AsyncSession, principal: Principal, execution_id: uuid.UUID, *, now: datetime
) -> Execution:
    """A new ``queued`` execution of the same version and parameters, linked by ``retry_of``;
    its run reuses the results of the original's succeeded nodes.

    Raises:
        Forbidden: the principal is below editor.
        NotFound: no such execution in the organization.
        Conflict: the original has not ended yet.
    """
    principal.require(Role.EDITOR)
    original = await get_execution(session, principal, execution_id)
    if original.status not in TERMINAL_STATUSES:
        raise Conflict("only an ended execution can be retried")
    row = Execution(
        organization_id=original.organization_id,
        dag_id=original.dag_id,
        dag_version_id=original.dag_version_id,
        params=dict(original.params),
        retry_of_id=original.id,
        created_at=now,
        dispatched_at=now,
        dispatch_job_id=new_job_id(),
    )
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class AttemptSpan:
    """One attempt of a node: its number, start and end (aware UTC; ``None`` while running)."""

    attempt: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None


def timeline(events: list[ExecutionEvent]) -> dict[NodeKey, list[AttemptSpan]]:
    """Per node (and mapped instance), its attempts with start and end, from stored events.

    An attempt ends with its ``node_succeeded``, ``node_failed`` or ``node_retrying`` event
    (the outcome is that event's kind without ``node_``).
    """
    spans: dict[NodeKey, list[AttemptSpan]] = {}
    for event in events:
        payload = event.payload
        attempt = payload.get("attempt")
        if not isinstance(attempt, int) or attempt < 1:
            continue
        key: NodeKey = (payload["node_id"], payload.get("map_index"))
        if event.kind == "node_started":
            spans.setdefault(key, []).append(AttemptSpan(attempt, event.ts, None, None))
        elif event.kind in ("node_succeeded", "node_failed", "node_retrying"):
            runs = spans.get(key, [])
            for index, span in enumerate(runs):
                if span.attempt == attempt and span.finished_at is None:
                    runs[index] = AttemptSpan(
                        attempt, span.started_at, event.ts, event.kind.removeprefix("node_")
                    )
    return spans


async def replay_execution(
    session: AsyncSession, principal: Principal, execution_id: uuid.UUID
) -> ReplayReport:
    """Rebuild the execution's state from its stored events with core_engine's ``replay`` and
    compare it with the state its ``executions`` / ``node_executions`` rows describe: run status,
    and per node (and instance) status, attempts and result. Reads only.

    Raises:
        Forbidden: the principal is below admin.
        NotFound: no such execution in the organization.
    """
    principal.require(Role.ADMIN)
    execution = await get_execution(session, principal, execution_id)
    stored = await all_events(session, execution.id)
    rows = {
        (node.node_id, node.map_index): stored_row(node) for node in await node_executions(session, execution)
    }
    return replay_report(execution.status, [row.payload for row in stored], rows)
