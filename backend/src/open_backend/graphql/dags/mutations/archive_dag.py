"""``archiveDag``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.dags.types import Dag
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import dags


async def resolve_archive_dag(info: Info, id: strawberry.ID) -> Dag:
    principal = info.context.require_principal()
    dag_id = parse_id(id, "DAG")
    async with info.context.db() as session:
        row = await dags.archive_dag(session, principal, dag_id, now=info.context.now())
    return Dag.of(row)


archive_dag = strawberry.mutation(
    resolver=resolve_archive_dag,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description="Archive a DAG: it keeps its versions but cannot run until activated again. Needs EDITOR.",
)
