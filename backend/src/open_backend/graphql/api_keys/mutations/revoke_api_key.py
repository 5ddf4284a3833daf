"""``revokeApiKey``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.api_keys.types import ApiKey
from open_backend.graphql.context import Info
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsAdmin
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import api_keys


async def resolve_revoke_api_key(info: Info, id: strawberry.ID) -> ApiKey:
    principal = info.context.require_principal()
    key_id = parse_id(id, "API key")
    async with info.context.db() as session:
        row = await api_keys.revoke_api_key(session, principal, key_id, info.context.now())
    return ApiKey.of(row)


revoke_api_key = strawberry.mutation(
    resolver=resolve_revoke_api_key,
    permission_classes=[IsAdmin],
    extensions=[CommitOnSuccess()],
    description="Revoke an API key of the active organization at once. Needs ADMIN, as a signed-in user.",
)
