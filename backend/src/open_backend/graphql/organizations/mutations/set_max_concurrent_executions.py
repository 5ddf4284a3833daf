"""``setMaxConcurrentExecutions``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.organizations.inputs import SetMaxConcurrentExecutionsInput
from open_backend.graphql.organizations.types import Organization
from open_backend.graphql.permissions import IsAdmin
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import organizations


async def resolve_set_max_concurrent_executions(
    info: Info, input: SetMaxConcurrentExecutionsInput
) -> Organization:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        row = await organizations.set_max_concurrent_executions(
            session, principal, input.max_concurrent_executions
        )
    return Organization.of(row, principal.role)


set_max_concurrent_executions = strawberry.mutation(
    resolver=resolve_set_max_concurrent_executions,
    permission_classes=[IsAdmin],
    extensions=[CommitOnSuccess()],
    description=(
        "Limit how many executions of the active organization run at once, all DAGs together "
        "(null: no limit). Needs ADMIN. Running executions go on; new ones over the limit wait "
        "queued. An integer outside 1-10,000 is VALIDATION_FAILED (field maxConcurrentExecutions)."
    ),
)
