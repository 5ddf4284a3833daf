"""``createOrganization``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.organizations.inputs import CreateOrganizationInput
from open_backend.graphql.organizations.types import Organization
from open_backend.graphql.permissions import IsUser
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import organizations


async def resolve_create_organization(info: Info, input: CreateOrganizationInput) -> Organization:
    user_id = info.context.require_user_id()
    async with info.context.db() as session:
        organization, membership = await organizations.create_organization(
            session, user_id, name=input.name, slug=input.slug, now=info.context.now()
        )
    return Organization.of(organization, membership.role)


create_organization = strawberry.mutation(
    resolver=resolve_create_organization,
    permission_classes=[IsUser],
    extensions=[CommitOnSuccess()],
    description=(
        "Create an organization owned by the signed-in user. Send its id as X-Organization-Id to act in it."
    ),
)
