"""``removeMember``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.ids import parse_id
from open_backend.graphql.organizations.inputs import RemoveMemberInput
from open_backend.graphql.organizations.types import Member
from open_backend.graphql.permissions import IsViewer
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import organizations


async def resolve_remove_member(info: Info, input: RemoveMemberInput) -> Member:
    principal = info.context.require_principal()
    user_id = parse_id(input.user_id, "member")
    async with info.context.db() as session:
        row = await organizations.remove_member(session, principal, user_id=user_id)
    return Member.of(row)


remove_member = strawberry.mutation(
    resolver=resolve_remove_member,
    permission_classes=[IsViewer],
    extensions=[CommitOnSuccess()],
    description=(
        "Remove a member; returns the membership as it was. Any member may remove themselves (leave); "
        "removing others needs ADMIN, and OWNER for an owner. The last owner cannot go (CONFLICT)."
    ),
)
