"""``inviteMember``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.organizations.inputs import InviteMemberInput
from open_backend.graphql.organizations.types import Member
from open_backend.graphql.permissions import IsAdmin
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import organizations


async def resolve_invite_member(info: Info, input: InviteMemberInput) -> Member:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        row = await organizations.invite_member(
            session, principal, email=input.email, role=input.role, now=info.context.now()
        )
    return Member.of(row)


invite_member = strawberry.mutation(
    resolver=resolve_invite_member,
    permission_classes=[IsAdmin],
    extensions=[CommitOnSuccess()],
    description=(
        "Add the existing user with this email to the active organization. "
        "Needs ADMIN; OWNER to add an owner."
    ),
)
