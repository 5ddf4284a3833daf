"""``dag``, ``dags``, ``dagVersion`` and ``dagVersionDiff``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from open_backend.graphql.connection import Connection
from open_backend.graphql.context import Info
from open_backend.graphql.dags.types import Dag, DagStatus, DagVersion, DagVersionDiff
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsViewer
from open_backend.services import dags


async def resolve_dag(info: Info, id: strawberry.ID) -> Dag:
    principal = info.context.require_principal()
    dag_id = parse_id(id, "DAG")
    async with info.context.db() as session:
        row = await dags.get_dag(session, principal, dag_id)
    return Dag.of(row)


dag = strawberry.field(
    resolver=resolve_dag,
    permission_classes=[IsViewer],
    description="A DAG of the active organization (NOT_FOUND otherwise).",
)


async def resolve_dags(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    search: str | None = None,
    status: DagStatus | None = None,
) -> Connection[Dag]:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        page = await dags.list_dags(
            session, principal, first=first, after=after, search=search, status=status
        )
    return Connection.of(page, Dag.of)


dags_ = strawberry.field(
    resolver=resolve_dags,
    permission_classes=[IsViewer],
    description=(
        "The active organization's DAGs by name. `search` matches a case-insensitive substring of the "
        "name or description."
    ),
)


async def resolve_dag_version(info: Info, dag_id: strawberry.ID, version: int) -> DagVersion:
    principal = info.context.require_principal()
    parsed = parse_id(dag_id, "DAG")
    async with info.context.db() as session:
        row = await dags.get_version(session, principal, parsed, version)
    return DagVersion.of(row)


dag_version = strawberry.field(
    resolver=resolve_dag_version,
    permission_classes=[IsViewer],
    description="One version of a DAG (NOT_FOUND if either is missing).",
)


async def resolve_dag_version_diff(
    info: Info,
    dag_id: strawberry.ID,
    from_version: Annotated[int, strawberry.argument(name="from")],
    to_version: Annotated[int, strawberry.argument(name="to")],
) -> DagVersionDiff:
    principal = info.context.require_principal()
    parsed = parse_id(dag_id, "DAG")
    async with info.context.db() as session:
        diff = await dags.diff_versions(session, principal, parsed, from_version, to_version)
    return DagVersionDiff.of(from_version, to_version, diff)


dag_version_diff = strawberry.field(
    resolver=resolve_dag_version_diff,
    permission_classes=[IsViewer],
    description="What changed from version `from` to version `to`.",
)


@strawberry.type
class DagQueries:
    dag = dag
    dags = dags_
    dag_version = dag_version
    dag_version_diff = dag_version_diff
