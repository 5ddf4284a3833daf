"""The ``ApiKey`` type."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from open_backend.db import models
from open_backend.graphql.context import Info
from open_backend.graphql.ids import to_id
from open_backend.graphql.organizations.types import Role
from open_backend.graphql.users.types import User


async def resolve_creator(root: ApiKey, info: Info) -> User | None:
    if root.created_by_id is None:
        return None
    user = await info.context.loaders.user.load(root.created_by_id)
    return None if user is None else User.of(user)


@strawberry.type(description="A credential for machines, acting in one organization with one role.")
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The public start of the key, to recognise it; not a secret.")
    role: Role
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(description="Recorded at most once a minute.")
    expires_at: datetime | None = strawberry.field(description="Null: never expires.")
    revoked_at: datetime | None = strawberry.field(description="Null while the key is valid.")
    created_by_id: strawberry.Private[uuid.UUID | None]
    created_by = strawberry.field(
        resolver=resolve_creator, description="The user who created the key; null once that user is deleted."
    )

    @classmethod
    def of(cls, row: models.ApiKey) -> ApiKey:
        """The API object of an API key row (never its secret hash)."""
        return cls(
            id=to_id(row.id),
            name=row.name,
            prefix=row.prefix,
            role=row.role,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            created_by_id=row.created_by_id,
        )
