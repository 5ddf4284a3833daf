"""``me``: the signed-in user and their memberships."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.organizations.types import Membership
from open_backend.graphql.permissions import IsUser
from open_backend.graphql.users.types import User
from open_backend.services import organizations


@strawberry.type(description="The signed-in user and the organizations they belong to.")
class Me:
    user: User
    memberships: list[Membership] = strawberry.field(description="Oldest first.")
    active_organization_id: strawberry.ID | None = strawberry.field(
        description=(
            "The organization this request acts in: the X-Organization-Id header's, else the oldest "
            "membership's; null without any membership."
        )
    )


async def resolve_me(info: Info) -> Me:
    user_id = info.context.require_user_id()
    principal = info.context.require_authenticated().principal
    async with info.context.db() as session:
        user = await organizations.get_user(session, user_id)
        rows = await organizations.memberships_of(session, user_id)
    return Me(
        user=User.of(user),
        memberships=[Membership.of(membership, organization) for membership, organization in rows],
        active_organization_id=None if principal is None else strawberry.ID(str(principal.organization_id)),
    )


me = strawberry.field(
    resolver=resolve_me,
    permission_classes=[IsUser],
    description="The signed-in user (not available to API keys).",
)


@strawberry.type
class UserQueries:
    me = me
