"""``Execution``, ``NodeExecution``, ``ExecutionEvent``, the timeline types, ``ReplayReport`` and
the ``ExecutionStatus`` / ``NodeStatus`` enums."""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import strawberry
from strawberry.scalars import JSON

from core_engine import NodeState
from open_backend.db import models
from open_backend.executions import logs, projection, service
from open_backend.graphql.connection import Connection
from open_backend.graphql.context import Info
from open_backend.graphql.ids import to_id

ExecutionStatus: TypeAlias = models.ExecutionStatus
strawberry.enum(
    ExecutionStatus,
    description=(
        "QUEUED: created, not started. RUNNING: started. SUCCEEDED: every node succeeded or was skipped. "
        "FAILED: some node failed. CANCELLED: cancelled by request. TIMED_OUT: the run timeout expired."
    ),
)

NodeStatus: TypeAlias = NodeState
strawberry.enum(
    NodeStatus,
    name="NodeStatus",
    description=(
        "PENDING: waits for upstream nodes. QUEUED: ready, waits for a slot. RUNNING: an attempt runs. "
        "RETRYING: waits out a retry backoff. SUCCEEDED, FAILED: ended. UPSTREAM_FAILED: never ran "
        "because an upstream failed. SKIPPED: skipped. CANCELLED: the run stopped first."
    ),
)


@strawberry.type(description="The record of one node (or one instance of a mapped node) in an execution.")
class NodeExecution:
    node_id: str
    map_index: int | None = strawberry.field(
        description="The item position of a mapped instance; null for a node."
    )
    status: NodeStatus
    attempts: int = strawberry.field(description="Attempts started (0 for a result reused by a retry).")
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None = strawberry.field(description="Seconds of the final attempt.")
    result: JSON | None = strawberry.field(description="The result, when small enough to keep inline.")
    result_ref: str | None = strawberry.field(
        description="The artifact holding a result larger than OPEN_MAX_RESULT_BYTES (then `result` is null)."
    )
    error: JSON | None = strawberry.field(description="The last error: {type, message, traceback}.")

    @classmethod
    def of(cls, row: models.NodeExecution) -> NodeExecution:
        """The API object of a node row."""
        return cls(
            node_id=row.node_id,
            map_index=row.map_index,
            status=row.status,
            attempts=row.attempts,
            started_at=row.started_at,
            finished_at=row.finished_at,
            duration_s=row.duration_s,
            result=JSON(row.result) if row.result is not None else None,
            result_ref=row.result_ref,
            error=JSON(row.error) if row.error is not None else None,
        )


@strawberry.type(description="One event of an execution's append-only log.")
class ExecutionEvent:
    sequence: int = strawberry.field(description="0, 1, 2, ... with no gap.")
    kind: str = strawberry.field(
        description="run_started, node_started, node_succeeded, ... (docs/events.md)."
    )
    ts: datetime
    payload: JSON = strawberry.field(description="The whole event, as core_engine's event_to_dict gives it.")

    @classmethod
    def of(cls, row: models.ExecutionEvent) -> ExecutionEvent:
        """The API object of an event row."""
        return cls(sequence=row.sequence, kind=row.kind, ts=row.ts, payload=JSON(row.payload))


@strawberry.type(description="One attempt of a node.")
class AttemptSpan:
    attempt: int = strawberry.field(description="1 for the first attempt.")
    started_at: datetime
    finished_at: datetime | None = strawberry.field(description="Null while the attempt runs.")
    outcome: str | None = strawberry.field(description="succeeded, failed or retrying; null while running.")


@strawberry.type(description="A node's (or mapped instance's) attempts, for a timeline view.")
class NodeTimeline:
    node_id: str
    map_index: int | None
    attempts: list[AttemptSpan]


async def resolve_nodes(root: Execution, info: Info) -> list[NodeExecution]:
    async with info.context.db() as session:
        rows = await service.node_executions(session, root.row)
    return [NodeExecution.of(row) for row in rows]


async def resolve_events(
    root: Execution, info: Info, first: int | None = None, after: str | None = None
) -> Connection[ExecutionEvent]:
    async with info.context.db() as session:
        page = await service.list_events(session, root.row, first=first, after=after)
    return Connection.of(page, ExecutionEvent.of)


async def resolve_timeline(root: Execution, info: Info) -> list[NodeTimeline]:
    async with info.context.db() as session:
        events = await service.all_events(session, root.row.id)
    spans = service.timeline(events)
    return [
        NodeTimeline(
            node_id=node_id,
            map_index=map_index,
            attempts=[
                AttemptSpan(
                    attempt=s.attempt, started_at=s.started_at, finished_at=s.finished_at, outcome=s.outcome
                )
                for s in runs
            ],
        )
        for (node_id, map_index), runs in sorted(
            spans.items(), key=lambda item: (item[0][0], -1 if item[0][1] is None else item[0][1])
        )
    ]


@strawberry.type(description="One log line of a node's attempt (a node_log event).")
class LogLine:
    sequence: int = strawberry.field(description="The event's sequence: page on with afterSequence.")
    ts: datetime
    node_id: str
    map_index: int | None = strawberry.field(description="The mapped instance; null for a node.")
    attempt: int
    line: str


async def resolve_logs(
    root: Execution,
    info: Info,
    *,
    node_id: str | None = None,
    map_index: int | None = None,
    after_sequence: int = -1,
    first: int = logs.DEFAULT_LOG_PAGE,
) -> list[LogLine]:
    async with info.context.db() as session:
        lines = await logs.node_logs(
            session,
            root.row,
            node_id=node_id,
            map_index=map_index,
            after_sequence=after_sequence,
            first=first,
        )
    return [
        LogLine(
            sequence=x.sequence,
            ts=x.ts,
            node_id=x.node_id,
            map_index=x.map_index,
            attempt=x.attempt,
            line=x.line,
        )
        for x in lines
    ]


@strawberry.type(description="One run of a DAG version with its parameters.")
class Execution:
    id: strawberry.ID
    dag_id: strawberry.ID
    dag_version_id: strawberry.ID
    status: ExecutionStatus
    params: JSON = strawberry.field(description="The run parameters, defaults filled in.")
    idempotency_key: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    retry_of_id: strawberry.ID | None = strawberry.field(description="The execution this one retries.")
    row: strawberry.Private[models.Execution]
    nodes = strawberry.field(
        resolver=resolve_nodes, description="Its node records, by node id and map index."
    )
    events = strawberry.field(resolver=resolve_events, description="Its event log, by sequence.")
    timeline = strawberry.field(
        resolver=resolve_timeline, description="Per node, its attempts with start and end."
    )
    logs = strawberry.field(
        resolver=resolve_logs,
        description=(
            "Log lines of its attempts in sequence order (all nodes, or one node and instance), "
            f"at most first (1..{logs.MAX_LOG_PAGE}) lines after afterSequence."
        ),
    )

    @classmethod
    def of(cls, row: models.Execution) -> Execution:
        """The API object of an execution row (already checked to be the caller's)."""
        return cls(
            id=to_id(row.id),
            dag_id=to_id(row.dag_id),
            dag_version_id=to_id(row.dag_version_id),
            status=row.status,
            params=JSON(row.params),
            idempotency_key=row.idempotency_key,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            retry_of_id=to_id(row.retry_of_id) if row.retry_of_id is not None else None,
            row=row,
        )


@strawberry.type(description="Whether an execution's stored rows agree with its event log.")
class ReplayReport:
    matches: bool
    differences: list[str] = strawberry.field(
        description="What differs, one sentence each; empty when matching."
    )
    events_digest: str = strawberry.field(description="Digest of the state rebuilt from the events.")
    projections_digest: str = strawberry.field(description="Digest of the state the rows describe.")
    event_count: int

    @classmethod
    def of(cls, report: projection.ReplayReport) -> ReplayReport:
        """The API object of a service report."""
        return cls(
            matches=report.matches,
            differences=list(report.differences),
            events_digest=report.events_digest,
            projections_digest=report.projections_digest,
            event_count=report.event_count,
        )
