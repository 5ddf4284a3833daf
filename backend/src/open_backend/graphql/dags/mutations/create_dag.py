"""``createDag``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.dags.inputs import CreateDagInput
from open_backend.graphql.dags.types import Dag, DagVersion
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import dags


@strawberry.type(description="A new DAG and its version 1.")
class CreateDagPayload:
    dag: Dag
    version: DagVersion


async def resolve_create_dag(info: Info, input: CreateDagInput) -> CreateDagPayload:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        dag, version = await dags.create_dag(
            session,
            principal,
            name=input.name,
            description=input.description,
            definition=input.definition,
            message=input.message,
            limits=info.context.definition_limits,
            now=info.context.now(),
            max_concurrent_executions=input.max_concurrent_executions,
        )
    return CreateDagPayload(dag=Dag.of(dag), version=DagVersion.of(version))


create_dag = strawberry.mutation(
    resolver=resolve_create_dag,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description=(
        "Create a draft DAG. An invalid definition fails with VALIDATION_FAILED whose "
        "extensions.details.issues name each problem's node and field; a maxConcurrentExecutions "
        "outside 1-10,000 is VALIDATION_FAILED (field maxConcurrentExecutions). Needs EDITOR."
    ),
)
