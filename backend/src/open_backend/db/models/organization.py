"""Organizations (the tenants) and the memberships that give users a role in one."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from open_backend.db.models.base import Base, created_at_column, enum_type, foreign_key_column, id_column
from open_backend.db.types import json_type


class Role(enum.StrEnum):
    """What a member (or an API key) may do in an organization, from most to least."""

    OWNER = "owner"  # everything, including deleting the organization and managing owners
    ADMIN = "admin"  # manage members, API keys and settings, plus everything an editor does
    EDITOR = "editor"  # create and change DAGs, start and cancel executions
    VIEWER = "viewer"  # read DAGs, executions and their events


class Organization(Base, table=True):
    """A tenant: every DAG, execution and API key belongs to exactly one organization.

    Attributes:
        slug: unique URL-safe handle.
        settings: organization-wide options as a JSON object.
        max_concurrent_executions: most executions of the organization running at once, all
            its DAGs together (``None``: no limit; the API accepts 1 to
            ``services.organizations.MAX_CONCURRENT_EXECUTIONS_LIMIT``). A worker's claim enforces it.
    """

    __tablename__ = "organizations"

    id: uuid.UUID = id_column()
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    slug: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(json_type(), nullable=False))
    created_at: datetime = created_at_column()
    max_concurrent_executions: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, nullable=True)
    )


class Membership(Base, table=True):
    """A user's role in an organization; at most one per (user, organization).

    Deleting either the user or the organization deletes the membership.
    """

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "organization_id"),)

    id: uuid.UUID = id_column()
    user_id: uuid.UUID = foreign_key_column("users.id", ondelete="CASCADE")
    organization_id: uuid.UUID = foreign_key_column("organizations.id", ondelete="CASCADE", index=True)
    role: Role = Field(sa_column=sa.Column(enum_type(Role, "role"), nullable=False))
    created_at: datetime = created_at_column()
