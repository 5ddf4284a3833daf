"""``replayExecution``."""

from __future__ import annotations

import strawberry

from open_backend.executions import service
from open_backend.graphql.context import Info
from open_backend.graphql.executions.types import ReplayReport
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsAdmin


async def resolve_replay_execution(info: Info, id: strawberry.ID) -> ReplayReport:
    principal = info.context.require_principal()
    execution_id = parse_id(id, "execution")
    async with info.context.db() as session:
        report = await service.replay_execution(session, principal, execution_id)
    return ReplayReport.of(report)


replay_execution = strawberry.mutation(
    resolver=resolve_replay_execution,
    permission_classes=[IsAdmin],
    description=(
        "Rebuild an execution's state from its event log and compare it with its stored node rows (run "
        "status; per node status, attempts and result). Changes nothing. Needs ADMIN."
    ),
)
