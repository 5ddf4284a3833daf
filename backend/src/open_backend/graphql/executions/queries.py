"""``execution`` and ``executions``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from open_backend.executions import service
from open_backend.graphql.connection import Connection
from open_backend.graphql.context import Info
from open_backend.graphql.executions.types import Execution, ExecutionStatus
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsViewer


async def resolve_execution(info: Info, id: strawberry.ID) -> Execution:
    principal = info.context.require_principal()
    execution_id = parse_id(id, "execution")
    async with info.context.db() as session:
        row = await service.get_execution(session, principal, execution_id)
    return Execution.of(row)


execution = strawberry.field(
    resolver=resolve_execution,
    permission_classes=[IsViewer],
    description="An execution of the active organization (NOT_FOUND otherwise).",
)


async def resolve_executions(
    info: Info,
    *,
    first: int | None = None,
    after: str | None = None,
    dag_id: strawberry.ID | None = None,
    status: ExecutionStatus | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> Connection[Execution]:
    principal = info.context.require_principal()
    parsed = parse_id(dag_id, "DAG") if dag_id is not None else None
    async with info.context.db() as session:
        page = await service.list_executions(
            session,
            principal,
            first=first,
            after=after,
            dag_id=parsed,
            status=status,
            created_after=created_after,
            created_before=created_before,
        )
    return Connection.of(page, Execution.of)


executions = strawberry.field(
    resolver=resolve_executions,
    permission_classes=[IsViewer],
    description=(
        "The active organization's executions, newest first; `createdAfter` is inclusive, "
        "`createdBefore` exclusive."
    ),
)


@strawberry.type
class ExecutionQueries:
    execution = execution
    executions = executions
