"""Inputs of the organization mutations."""

from __future__ import annotations

import strawberry

from open_backend.graphql.organizations.types import Role
from open_backend.services.organizations import MAX_CONCURRENT_EXECUTIONS_LIMIT


@strawberry.input(description="A new organization; the caller becomes its owner.")
class CreateOrganizationInput:
    name: str
    slug: str | None = strawberry.field(
        default=None,
        description="3-64 lower-case letters, digits and inner hyphens; default: made from the name.",
    )


@strawberry.input(description="Add an existing user to the active organization.")
class InviteMemberInput:
    email: str
    role: Role


@strawberry.input(description="Give a member another role.")
class ChangeMemberRoleInput:
    user_id: strawberry.ID
    role: Role


@strawberry.input(description="Remove a member (or yourself) from the active organization.")
class RemoveMemberInput:
    user_id: strawberry.ID


@strawberry.input(description="Limit how many executions of the active organization run at once.")
class SetMaxConcurrentExecutionsInput:
    max_concurrent_executions: int | None = strawberry.field(
        default=None,
        description=(
            f"1 to {MAX_CONCURRENT_EXECUTIONS_LIMIT:,} executions running at once, all DAGs together; "
            "null (or omitted): no limit."
        ),
    )
