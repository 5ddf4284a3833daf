"""The ``User`` type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from open_backend.db import models
from open_backend.graphql.ids import to_id


@strawberry.type(description="A person who signs in.")
class User:
    id: strawberry.ID
    email: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, row: models.User) -> User:
        """The API object of a user row."""
        return cls(id=to_id(row.id), email=row.email, name=row.name, created_at=row.created_at)
