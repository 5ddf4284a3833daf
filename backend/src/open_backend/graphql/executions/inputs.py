"""Inputs of the execution mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON


@strawberry.input(description="A run of a DAG.")
class ExecuteDagInput:
    dag_id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version to run. Default: the active version, else the latest."
    )
    params: JSON = strawberry.field(
        default_factory=dict, description="Run parameters, checked against the DAG's declared params."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Up to 255 characters; a request repeating a key gets the execution it already created.",
    )
