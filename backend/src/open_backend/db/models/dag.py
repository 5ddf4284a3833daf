"""DAGs and their immutable, numbered versions."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from open_backend.db.models.base import (
    Base,
    created_at_column,
    enum_type,
    foreign_key_column,
    id_column,
    make_immutable,
    timestamp_column,
)
from open_backend.db.types import UTCDateTime, json_type, utcnow


class DagStatus(enum.StrEnum):
    """Where a DAG is in its life."""

    DRAFT = "draft"  # being edited; cannot be executed until activated
    ACTIVE = "active"  # its active version can be executed
    ARCHIVED = "archived"  # kept for history; cannot be executed


class Dag(Base, table=True):
    """A named workflow of an organization; its definitions are :class:`DagVersion` rows.

    Attributes:
        name: unique in the organization among DAGs that are not deleted (a partial unique index),
            so a deleted DAG's name can be reused.
        deleted_at: soft deletion time; ``None`` while the DAG exists.
        active_version_id: the version executions run by default; ``None`` before the first.
            It must be one of this DAG's versions (a composite foreign key), and that version
            cannot be deleted while active.
        updated_at: set to the current time on every update.
        max_concurrent_executions: most executions of the DAG running at once (``None``: no
            limit; the API accepts 1 or more); the others wait ``queued``.
    """

    __tablename__ = "dags"
    __table_args__ = (
        # Target of executions' (organization_id, dag_id) key: an execution's DAG is in its organization.
        sa.UniqueConstraint("organization_id", "id"),
        sa.ForeignKeyConstraint(
            ["id", "active_version_id"], ["dag_versions.dag_id", "dag_versions.id"], use_alter=True
        ),
        sa.Index(
            "uq_dags_organization_id_name_live",
            "organization_id",
            "name",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
        sa.Index("ix_dags_organization_id_status_updated_at", "organization_id", "status", "updated_at"),
    )

    id: uuid.UUID = id_column()
    organization_id: uuid.UUID = foreign_key_column("organizations.id", ondelete="CASCADE")
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    description: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    status: DagStatus = Field(
        default=DagStatus.DRAFT, sa_column=sa.Column(enum_type(DagStatus, "status"), nullable=False)
    )
    deleted_at: datetime | None = timestamp_column()
    active_version_id: uuid.UUID | None = Field(default=None, sa_column=sa.Column(sa.Uuid, nullable=True))
    created_at: datetime = created_at_column()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime, nullable=False, onupdate=utcnow)
    )
    max_concurrent_executions: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, nullable=True)
    )


class DagVersion(Base, table=True):
    """One immutable definition of a DAG, numbered 1, 2, ... per DAG.

    A database trigger refuses updates of every column except ``created_by_id`` (set to
    ``None`` when its author is deleted).

    Attributes:
        version: 1 for the first version of the DAG, then consecutive; ``(dag_id, version)`` is unique.
        definition: the canonical JSON definition (``docs/dag-definition.schema.json``).
        content_hash: ``sha256:<hex>`` of the canonical JSON (``core_engine.DAG.content_hash``).
        message: what changed, as written by the author (may be empty).
    """

    __tablename__ = "dag_versions"
    __table_args__ = (
        sa.UniqueConstraint("dag_id", "version"),
        # Target of the (dag_id, version id) keys of dags and executions: a version of that very DAG.
        sa.UniqueConstraint("dag_id", "id"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: uuid.UUID = id_column()
    dag_id: uuid.UUID = foreign_key_column("dags.id", ondelete="CASCADE")
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    definition: dict[str, Any] = Field(sa_column=sa.Column(json_type(), nullable=False))
    content_hash: str = Field(sa_column=sa.Column(sa.String(128), nullable=False))
    message: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    created_by_id: uuid.UUID | None = foreign_key_column("users.id", ondelete="SET NULL", nullable=True)
    created_at: datetime = created_at_column()


make_immutable(DagVersion, mutable=("created_by_id",))
