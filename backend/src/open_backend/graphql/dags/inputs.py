"""Inputs of the DAG mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from open_backend.services.organizations import MAX_CONCURRENT_EXECUTIONS_LIMIT

_LIMIT = f"1 to {MAX_CONCURRENT_EXECUTIONS_LIMIT:,} executions of this DAG running at once"


@strawberry.input(description="A new DAG; its definition becomes version 1.")
class CreateDagInput:
    name: str
    definition: JSON = strawberry.field(description="The JSON definition (docs/dag-definition.schema.json).")
    description: str = ""
    message: str = strawberry.field(default="", description="Recorded with version 1.")
    max_concurrent_executions: int | None = strawberry.field(
        default=None, description=f"{_LIMIT}; null (or omitted): no limit."
    )


@strawberry.input(
    description=(
        "Changes to a DAG; omitted or null fields stay as they are, except maxConcurrentExecutions "
        "(null removes the limit)."
    )
)
class UpdateDagInput:
    id: strawberry.ID
    name: str | None = None
    description: str | None = None
    definition: JSON | None = strawberry.field(
        default=None,
        description=(
            "A definition whose content hash differs from the latest version's creates the next version."
        ),
    )
    message: str = strawberry.field(
        default="", description="Recorded with the new version, if one is created."
    )
    max_concurrent_executions: int | None = strawberry.field(
        default=strawberry.UNSET,
        description=f"{_LIMIT}; null: no limit; omitted: unchanged. Running executions go on.",
    )


@strawberry.input(description="Which version of a DAG executions run.")
class ActivateDagInput:
    id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="Default: the latest version.")
