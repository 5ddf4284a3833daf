"""``cancelExecution``."""

from __future__ import annotations

import strawberry

from open_backend.executions import service
from open_backend.graphql.context import Info
from open_backend.graphql.executions.types import Execution
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess


async def resolve_cancel_execution(info: Info, id: strawberry.ID) -> Execution:
    principal = info.context.require_principal()
    execution_id = parse_id(id, "execution")
    async with info.context.db() as session:
        row = await service.cancel_execution(session, principal, execution_id, now=info.context.now())
    return Execution.of(row)


cancel_execution = strawberry.mutation(
    resolver=resolve_cancel_execution,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description=(
        "Cancel an execution: a queued one ends CANCELLED at once; a running one stops its nodes and ends "
        "CANCELLED shortly after (poll it). CONFLICT once it has ended. Needs EDITOR."
    ),
)
