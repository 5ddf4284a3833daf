"""Inputs of the DAG mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON


@strawberry.input(description="A new DAG; its definition becomes version 1.")
class CreateDagInput:
    name: str
    definition: JSON = strawberry.field(description="The JSON definition (docs/dag-definition.schema.json).")
    description: str = ""
    message: str = strawberry.field(default="", description="Recorded with version 1.")


@strawberry.input(description="Changes to a DAG; omitted or null fields stay as they are.")
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


@strawberry.input(description="Which version of a DAG executions run.")
class ActivateDagInput:
    id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="Default: the latest version.")
