"""``createApiKey``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.api_keys.inputs import CreateApiKeyInput
from open_backend.graphql.api_keys.types import ApiKey
from open_backend.graphql.context import Info
from open_backend.graphql.permissions import IsAdmin
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import api_keys


@strawberry.type(description="A new API key and its secret.")
class CreateApiKeyPayload:
    api_key: ApiKey
    secret: str = strawberry.field(
        description="The full key, to send as 'Authorization: Bearer <secret>'. Shown only here, once."
    )


async def resolve_create_api_key(info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
    principal = info.context.require_principal()
    async with info.context.db() as session:
        row, secret = await api_keys.create_api_key(
            session,
            principal,
            name=input.name,
            role=input.role,
            expires_at=input.expires_at,
            now=info.context.now(),
        )
    return CreateApiKeyPayload(api_key=ApiKey.of(row), secret=secret)


create_api_key = strawberry.mutation(
    resolver=resolve_create_api_key,
    permission_classes=[IsAdmin],
    extensions=[CommitOnSuccess()],
    description="Create an API key of the active organization. Needs ADMIN, as a signed-in user.",
)
