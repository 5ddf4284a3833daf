"""``validateDefinition``."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from open_backend.graphql.context import Info
from open_backend.graphql.dags.types import ValidationIssue
from open_backend.graphql.permissions import IsAuthenticated
from open_backend.services import dags


@strawberry.type(description="The outcome of validating a definition.")
class ValidateDefinitionPayload:
    valid: bool
    issues: list[ValidationIssue] = strawberry.field(description="Every problem found; empty when valid.")
    content_hash: str | None = strawberry.field(
        description="The hash a version of it would get; null when invalid."
    )
    node_count: int | None = strawberry.field(description="Null when invalid.")


async def resolve_validate_definition(info: Info, definition: JSON) -> ValidateDefinitionPayload:
    checked = await dags.check_definition_off_loop(definition, info.context.definition_limits)
    return ValidateDefinitionPayload(
        valid=checked.dag is not None,
        issues=[ValidationIssue.of(issue) for issue in checked.issues],
        content_hash=None if checked.dag is None else checked.dag.content_hash,
        node_count=None if checked.dag is None else len(checked.dag),
    )


validate_definition = strawberry.mutation(
    resolver=resolve_validate_definition,
    permission_classes=[IsAuthenticated],
    description="Validate a definition as createDag would, returning every issue; saves nothing.",
)
