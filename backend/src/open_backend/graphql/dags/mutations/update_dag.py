"""``updateDag``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.dags.inputs import UpdateDagInput
from open_backend.graphql.dags.types import Dag, DagVersion
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import dags


@strawberry.type(description="The DAG after an update, and the version it created, if any.")
class UpdateDagPayload:
    dag: Dag
    version: DagVersion | None = strawberry.field(
        description="The new version; null when no definition was given or it equals the latest version's."
    )


async def resolve_update_dag(info: Info, input: UpdateDagInput) -> UpdateDagPayload:
    principal = info.context.require_principal()
    dag_id = parse_id(input.id, "DAG")
    async with info.context.db() as session:
        result = await dags.update_dag(
            session,
            principal,
            dag_id,
            name=input.name,
            description=input.description,
            definition=input.definition,
            message=input.message,
            limits=info.context.definition_limits,
            now=info.context.now(),
            max_concurrent_executions=(
                dags.UNCHANGED
                if input.max_concurrent_executions is strawberry.UNSET
                else input.max_concurrent_executions
            ),
        )
    version = None if result.version is None else DagVersion.of(result.version)
    return UpdateDagPayload(dag=Dag.of(result.dag), version=version)


update_dag = strawberry.mutation(
    resolver=resolve_update_dag,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description=(
        "Rename, redescribe, limit or save a new definition of a DAG. A changed definition creates the next "
        "version (concurrent saves are numbered consecutively); it does not change the active version. "
        "A maxConcurrentExecutions outside 1-10,000 is VALIDATION_FAILED (field maxConcurrentExecutions). "
        "Needs EDITOR."
    ),
)
