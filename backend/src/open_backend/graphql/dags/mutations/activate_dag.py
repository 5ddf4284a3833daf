"""``activateDag``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.dags.inputs import ActivateDagInput
from open_backend.graphql.dags.types import Dag
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import dags


async def resolve_activate_dag(info: Info, input: ActivateDagInput) -> Dag:
    principal = info.context.require_principal()
    dag_id = parse_id(input.id, "DAG")
    async with info.context.db() as session:
        row = await dags.activate_dag(
            session, principal, dag_id, version=input.version, now=info.context.now()
        )
    return Dag.of(row)


activate_dag = strawberry.mutation(
    resolver=resolve_activate_dag,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description=(
        "Make a version (default: the latest) the one executions run, and the DAG ACTIVE. Needs EDITOR."
    ),
)
