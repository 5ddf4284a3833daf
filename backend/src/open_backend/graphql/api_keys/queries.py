"""``apiKeys``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.api_keys.types import ApiKey
from open_backend.graphql.context import Info
from open_backend.graphql.permissions import IsAdmin
from open_backend.services import api_keys


async def resolve_api_keys(info: Info) -> list[ApiKey]:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        rows = await api_keys.list_api_keys(session, principal)
    return [ApiKey.of(row) for row in rows]


api_keys_ = strawberry.field(
    resolver=resolve_api_keys,
    permission_classes=[IsAdmin],
    description="Every API key of the active organization, revoked and expired ones included, newest first. "
    "Needs ADMIN, as a signed-in user.",
)


@strawberry.type
class ApiKeyQueries:
    api_keys = api_keys_
