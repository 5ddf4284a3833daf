"""The API key mutations, one per module."""

from __future__ import annotations

import strawberry

from open_backend.graphql.api_keys.mutations.create_api_key import create_api_key
from open_backend.graphql.api_keys.mutations.revoke_api_key import revoke_api_key


@strawberry.type
class ApiKeyMutations:
    create_api_key = create_api_key
    revoke_api_key = revoke_api_key
