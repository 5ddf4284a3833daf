"""Users, the external identities they sign in with, and their refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from open_backend.db.models.base import (
    Base,
    created_at_column,
    foreign_key_column,
    id_column,
    timestamp_column,
)
from open_backend.db.types import LowerCaseString, UTCDateTime


class User(Base, table=True):
    """A person who signs in with a password, an OAuth identity, or both.

    Attributes:
        email: unique, stored and compared lower-cased (``LowerCaseString``; a ``CHECK`` guards
            raw SQL).
        password_hash: Argon2 hash, or ``None`` for users who only sign in through OAuth.
        last_sign_in_at: ``None`` until the first sign-in.
    """

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: uuid.UUID = id_column()
    email: str = Field(sa_column=sa.Column(LowerCaseString(320), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    password_hash: str | None = Field(default=None, sa_column=sa.Column(sa.String(255), nullable=True))
    created_at: datetime = created_at_column()
    last_sign_in_at: datetime | None = timestamp_column()


class OAuthIdentity(Base, table=True):
    """A user's account at an OAuth/OpenID provider; ``(provider, subject)`` is unique.

    Attributes:
        provider: the provider's name in OPEN's configuration (e.g. ``"github"``).
        subject: the provider's stable id of the account (the ``sub`` claim).
    """

    __tablename__ = "oauth_identities"
    __table_args__ = (sa.UniqueConstraint("provider", "subject"),)

    id: uuid.UUID = id_column()
    provider: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    subject: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    user_id: uuid.UUID = foreign_key_column("users.id", ondelete="CASCADE", index=True)
    created_at: datetime = created_at_column()


class RefreshToken(Base, table=True):
    """A refresh token, stored as a hash; rotation chains tokens of one sign-in in a family.

    Using a token replaces it (``replaced_by_id``) with a new one of the same ``family_id``;
    presenting a replaced token again revokes the whole family.

    Attributes:
        token_hash: unique hash of the token (the token itself is never stored).
        family_id: shared by every token descended from one sign-in.
        expires_at: aware UTC time after which the token is refused.
        revoked_at: ``None`` while the token is valid.
        replaced_by_id: the token this one was rotated into, if any.
    """

    __tablename__ = "refresh_tokens"

    id: uuid.UUID = id_column()
    user_id: uuid.UUID = foreign_key_column("users.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(sa_column=sa.Column(sa.String(128), nullable=False, unique=True))
    family_id: uuid.UUID = Field(sa_column=sa.Column(sa.Uuid, nullable=False, index=True))
    created_at: datetime = created_at_column()
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = timestamp_column()
    replaced_by_id: uuid.UUID | None = foreign_key_column(
        "refresh_tokens.id", ondelete="SET NULL", nullable=True, index=True
    )
