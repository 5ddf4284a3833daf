"""``deleteDag``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.ids import parse_id, to_id
from open_backend.graphql.permissions import IsEditor
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import dags


@strawberry.type(description="The id of the DAG just deleted.")
class DeleteDagPayload:
    deleted_dag_id: strawberry.ID


async def resolve_delete_dag(info: Info, id: strawberry.ID) -> DeleteDagPayload:
    principal = info.context.require_principal()
    dag_id = parse_id(id, "DAG")
    async with info.context.db() as session:
        row = await dags.delete_dag(session, principal, dag_id, now=info.context.now())
    return DeleteDagPayload(deleted_dag_id=to_id(row.id))


delete_dag = strawberry.mutation(
    resolver=resolve_delete_dag,
    permission_classes=[IsEditor],
    extensions=[CommitOnSuccess()],
    description="Delete a DAG (softly: it disappears and its name can be reused). Needs EDITOR.",
)
