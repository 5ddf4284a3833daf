"""``changeMemberRole``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.ids import parse_id
from open_backend.graphql.organizations.inputs import ChangeMemberRoleInput
from open_backend.graphql.organizations.types import Member
from open_backend.graphql.permissions import IsAdmin
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import organizations


async def resolve_change_member_role(info: Info, input: ChangeMemberRoleInput) -> Member:
    principal = info.context.require_principal()
    user_id = parse_id(input.user_id, "member")
    async with info.context.db() as session:
        row = await organizations.change_member_role(session, principal, user_id=user_id, role=input.role)
    return Member.of(row)


change_member_role = strawberry.mutation(
    resolver=resolve_change_member_role,
    permission_classes=[IsAdmin],
    extensions=[CommitOnSuccess()],
    description=(
        "Give a member another role. Needs ADMIN; OWNER when the member is or becomes an owner. "
        "The last owner cannot be demoted (CONFLICT)."
    ),
)
