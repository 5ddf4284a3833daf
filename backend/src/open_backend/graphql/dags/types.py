"""``Dag``, ``DagVersion``, ``DagVersionDiff``, ``ValidationIssue`` and the ``DagStatus`` enum."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, TypeAlias

import strawberry
from strawberry.scalars import JSON

from core_engine import ValidationIssue as EngineIssue
from open_backend.db import models
from open_backend.graphql.connection import Connection
from open_backend.graphql.context import Info
from open_backend.graphql.executions.types import Execution
from open_backend.graphql.ids import to_id
from open_backend.graphql.users.types import User
from open_backend.services import dags
from open_backend.services.diff import DefinitionDiff

DagStatus: TypeAlias = models.DagStatus
strawberry.enum(
    DagStatus,
    description=(
        "DRAFT: being edited, cannot run. ACTIVE: its active version can run. ARCHIVED: kept, cannot run."
    ),
)


async def resolve_author(root: DagVersion, info: Info) -> User | None:
    if root.created_by_id is None:
        return None
    user = await info.context.loaders.user.load(root.created_by_id)
    return None if user is None else User.of(user)


@strawberry.type(description="One immutable, numbered definition of a DAG.")
class DagVersion:
    id: strawberry.ID
    dag_id: strawberry.ID
    version: int = strawberry.field(description="1 for the first version, then consecutive.")
    definition: JSON = strawberry.field(description="The canonical JSON definition (schema_version 1).")
    content_hash: str = strawberry.field(description="sha256:<hex> of the canonical definition.")
    message: str = strawberry.field(description="What changed, as its author wrote it.")
    created_at: datetime
    node_count: int
    created_by_id: strawberry.Private[uuid.UUID | None]
    created_by = strawberry.field(
        resolver=resolve_author, description="Its author; null for an API key or a deleted user."
    )

    @classmethod
    def of(cls, row: models.DagVersion) -> DagVersion:
        """The API object of a version row."""
        nodes = row.definition.get("nodes")
        return cls(
            id=to_id(row.id),
            dag_id=to_id(row.dag_id),
            version=row.version,
            definition=JSON(row.definition),
            content_hash=row.content_hash,
            message=row.message,
            created_at=row.created_at,
            node_count=len(nodes) if isinstance(nodes, list) else 0,
            created_by_id=row.created_by_id,
        )


async def resolve_active_version(root: Dag, info: Info) -> DagVersion | None:
    if root.active_version_id is None:
        return None
    row = await info.context.loaders.version.load(root.active_version_id)
    return None if row is None else DagVersion.of(row)


async def resolve_latest_version(root: Dag, info: Info) -> DagVersion:
    row = await info.context.loaders.latest_version.load(root.row_id)
    if row is None:  # every DAG is created with version 1
        raise LookupError(f"DAG {root.row_id} has no version")
    return DagVersion.of(row)


async def resolve_last_execution(root: Dag, info: Info) -> Execution | None:
    row = await info.context.loaders.last_execution.load(root.row_id)
    return None if row is None else Execution.of(row)


async def resolve_versions(
    root: Dag, info: Info, first: int | None = None, after: str | None = None
) -> Connection[DagVersion]:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        page = await dags.list_versions(session, principal, root.row_id, first=first, after=after)
    return Connection.of(page, DagVersion.of)


@strawberry.type(description="A named workflow of the active organization and its versions.")
class Dag:
    id: strawberry.ID
    name: str = strawberry.field(description="Unique among the organization's DAGs.")
    description: str
    status: DagStatus
    max_concurrent_executions: int | None = strawberry.field(
        description=(
            "Most executions of this DAG running at once (null: no limit); executions over it wait "
            "queued. The organization's own limit applies as well. Set with createDag or updateDag."
        )
    )
    created_at: datetime
    updated_at: datetime
    row_id: strawberry.Private[uuid.UUID]
    active_version_id: strawberry.Private[uuid.UUID | None]
    active_version = strawberry.field(
        resolver=resolve_active_version,
        description="The version executions run; null until the DAG is first activated.",
    )
    latest_version = strawberry.field(
        resolver=resolve_latest_version, description="The highest-numbered version."
    )
    versions = strawberry.field(resolver=resolve_versions, description="The versions, newest first.")
    last_execution = strawberry.field(
        resolver=resolve_last_execution,
        description=(
            "Its newest execution (the first of executions(dagId: ...)); null if it never ran. "
            "Batched: a page of DAGs costs one query."
        ),
    )

    @classmethod
    def of(cls, row: models.Dag) -> Dag:
        """The API object of a DAG row."""
        return cls(
            id=to_id(row.id),
            name=row.name,
            description=row.description,
            status=row.status,
            max_concurrent_executions=row.max_concurrent_executions,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row_id=row.id,
            active_version_id=row.active_version_id,
        )


@strawberry.type(description="A node present in both versions with different content.")
class NodeChange:
    node_id: str
    fields: list[str] = strawberry.field(description="Top-level node fields that differ (task, params, ...).")


@strawberry.type(description="A dependency: `downstream` waits for `upstream`.")
class GraphEdge:
    upstream: str
    downstream: str


@strawberry.type(description="What changed from one version of a DAG to another; every list is sorted.")
class DagVersionDiff:
    from_version: Annotated[int, strawberry.field(name="from")]
    to_version: Annotated[int, strawberry.field(name="to")]
    nodes_added: list[str]
    nodes_removed: list[str]
    nodes_changed: list[NodeChange]
    edges_added: list[GraphEdge]
    edges_removed: list[GraphEdge]
    fields_changed: list[str] = strawberry.field(
        description="DAG-level fields that differ: name, description, params, schema_version."
    )

    @classmethod
    def of(cls, old: int, new: int, diff: DefinitionDiff) -> DagVersionDiff:
        """The API object of a service diff from version ``old`` to ``new``."""
        return cls(
            from_version=old,
            to_version=new,
            nodes_added=list(diff.nodes_added),
            nodes_removed=list(diff.nodes_removed),
            nodes_changed=[NodeChange(node_id=c.node_id, fields=list(c.fields)) for c in diff.nodes_changed],
            edges_added=[GraphEdge(upstream=a, downstream=b) for a, b in diff.edges_added],
            edges_removed=[GraphEdge(upstream=a, downstream=b) for a, b in diff.edges_removed],
            fields_changed=list(diff.fields_changed),
        )


@strawberry.type(description="One problem of a DAG definition, pointing at its node and field.")
class ValidationIssue:
    code: str = strawberry.field(description="Machine-readable kind: cycle, unknown_dependency, ...")
    message: str
    node_id: str | None = strawberry.field(description="The node at fault; null for DAG-level problems.")
    field: str | None = strawberry.field(
        description="The field at fault, e.g. params.x or retry.max_attempts."
    )
    suggestion: str | None
    path: list[str] = strawberry.field(
        description="For cycles: the node ids along the cycle, the first repeated."
    )

    @classmethod
    def of(cls, issue: EngineIssue) -> ValidationIssue:
        """The API object of an engine issue."""
        return cls(
            code=issue.code,
            message=issue.message,
            node_id=issue.node_id,
            field=issue.field,
            suggestion=issue.suggestion,
            path=list(issue.path),
        )
