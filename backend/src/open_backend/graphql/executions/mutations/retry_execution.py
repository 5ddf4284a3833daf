"""``retryExecution``."""

from __future__ import annotations

import strawberry

from open_backend.executions import service
from open_backend.executions.dispatch import hand_over
from open_backend.graphql.context import Info
from open_backend.graphql.executions.types import Execution
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess


async def resolve_retry_execution(info: Info, id: strawberry.ID) -> Execution:
    principal = info.context.require_principal()
    execution_id = parse_id(id, "execution")
    async with info.context.db() as session:
        row = await service.retry_execution(session, principal, execution_id, now=info.context.now())
        await session.commit()  # the run must find the row
    await hand_over(info.context.request.scope.get("app"), row)
    return Execution.of(row)


retry_execution = strawberry.mutation(
    resolver=resolve_retry_execution,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description=(
        "Run an ended execution again as a new execution (retryOfId links them) that reuses the results of "
        "its succeeded nodes and reruns the rest. CONFLICT while it is still going. Needs EDITOR."
    ),
)
