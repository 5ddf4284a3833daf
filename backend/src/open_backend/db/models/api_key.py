"""API keys: credentials for machines, acting in one organization with one role."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from open_backend.db.models.base import (
    Base,
    created_at_column,
    enum_type,
    foreign_key_column,
    id_column,
    timestamp_column,
)
from open_backend.db.models.organization import Role


class ApiKey(Base, table=True):
    """An organization's API key, found by its public prefix and checked against a hash.

    Attributes:
        prefix: unique public start of the key, shown in listings and used to look it up.
        secret_hash: hash of the secret part (the secret itself is never stored).
        created_by_id: the user who made it; ``None`` once that user is deleted.
        expires_at: ``None`` for a key that does not expire.
        revoked_at: ``None`` while the key is valid.
    """

    __tablename__ = "api_keys"

    id: uuid.UUID = id_column()
    organization_id: uuid.UUID = foreign_key_column("organizations.id", ondelete="CASCADE", index=True)
    role: Role = Field(sa_column=sa.Column(enum_type(Role, "role"), nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    prefix: str = Field(sa_column=sa.Column(sa.String(32), nullable=False, unique=True))
    secret_hash: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    created_by_id: uuid.UUID | None = foreign_key_column("users.id", ondelete="SET NULL", nullable=True)
    created_at: datetime = created_at_column()
    last_used_at: datetime | None = timestamp_column()
    expires_at: datetime | None = timestamp_column()
    revoked_at: datetime | None = timestamp_column()
