"""Inputs of the API key mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from open_backend.graphql.organizations.types import Role


@strawberry.input(description="A new API key of the active organization.")
class CreateApiKeyInput:
    name: str
    role: Role = strawberry.field(description="At most the creator's own role.")
    expires_at: datetime | None = strawberry.field(default=None, description="Null: never expires.")
