"""``executeDag``."""

from __future__ import annotations

import strawberry

from open_backend.executions import service
from open_backend.executions.dispatch import hand_over
from open_backend.graphql.context import Info
from open_backend.graphql.executions.inputs import ExecuteDagInput
from open_backend.graphql.executions.types import Execution
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess


async def resolve_execute_dag(info: Info, input: ExecuteDagInput) -> Execution:
    principal = info.context.require_principal()
    dag_id = parse_id(input.dag_id, "DAG")
    async with info.context.db() as session:
        row = await service.execute_dag(
            session,
            principal,
            dag_id=dag_id,
            version=input.version,
            params=input.params,
            idempotency_key=input.idempotency_key,
            now=info.context.now(),
        )
        await session.commit()  # the run must find the row
    await hand_over(info.context.request.scope.get("app"), row)
    return Execution.of(row)


execute_dag = strawberry.mutation(
    resolver=resolve_execute_dag,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description=(
        "Start a run of a DAG and return it at once (QUEUED). Bad params fail with VALIDATION_FAILED whose "
        "extensions.details.params name each parameter. Needs EDITOR."
    ),
)
