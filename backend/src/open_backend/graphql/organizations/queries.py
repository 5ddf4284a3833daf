"""``organizations`` and ``members``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.connection import Connection
from open_backend.graphql.context import Info
from open_backend.graphql.organizations.types import Member, Organization, Role
from open_backend.graphql.permissions import IsAuthenticated, IsViewer
from open_backend.services import organizations


async def resolve_organizations(info: Info) -> list[Organization]:
    authenticated = info.context.require_authenticated()
    async with info.context.db() as session:
        rows = await organizations.organizations_of(session, authenticated.identity, authenticated.principal)
    return [Organization.of(row, role) for row, role in rows]


organizations_ = strawberry.field(
    resolver=resolve_organizations,
    permission_classes=[IsAuthenticated],
    description="The organizations the caller may act in (an API key: its own), oldest membership first.",
)


async def resolve_members(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    search: str | None = None,
    role: Role | None = None,
) -> Connection[Member]:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        page = await organizations.list_members(
            session, principal, first=first, after=after, search=search, role=role
        )
    return Connection.of(page, Member.of)


members = strawberry.field(
    resolver=resolve_members,
    permission_classes=[IsViewer],
    description="Members of the active organization, oldest first. `search` matches email or name.",
)


@strawberry.type
class OrganizationQueries:
    organizations = organizations_
    members = members
