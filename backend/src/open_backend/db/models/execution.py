"""Executions of DAG versions, the record of each node in them, and their event log."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from core_engine.state import NodeState
from open_backend.db.models.base import (
    Base,
    created_at_column,
    enum_type,
    foreign_key_column,
    id_column,
    make_immutable,
    timestamp_column,
)
from open_backend.db.types import UTCDateTime, json_type


class ExecutionStatus(enum.StrEnum):
    """Where an execution is; the terminal members match ``core_engine.RunStatus``."""

    QUEUED = "queued"  # created, waiting for a worker to lease it
    RUNNING = "running"  # leased by a worker and started
    SUCCEEDED = "succeeded"  # every node succeeded or was skipped
    FAILED = "failed"  # some node failed (or could not run because of one)
    CANCELLED = "cancelled"  # cancelled by request
    TIMED_OUT = "timed_out"  # the whole-run timeout expired


class Execution(Base, table=True):
    """One run of a DAG version with its parameters.

    Its DAG must belong to its organization and its version to its DAG (composite foreign keys).
    Deleting the DAG (or the organization) deletes its executions; a version cannot be deleted
    while executions refer to it, except together with its DAG.

    Attributes:
        params: the run parameters as a JSON object.
        idempotency_key: when set, unique in the organization: a retried request finds the
            execution it already created.
        lease_owner: the lease token of the worker holding the execution (``<worker id>/<claim>``,
            new at every claim), valid while ``lease_expires_at`` (database clock) is in the future.
        dispatched_at: when the execution was last handed to the queue.
        dispatch_job_id: the id of that queue job (to tell whether it is still waiting).
        cancel_requested_at: when cancellation was asked for while a worker held the run.
        retry_of_id: the execution this one retries; ``None`` once that one is deleted.
    """

    __tablename__ = "executions"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["organization_id", "dag_id"], ["dags.organization_id", "dags.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["dag_id", "dag_version_id"], ["dag_versions.dag_id", "dag_versions.id"]),
        sa.Index("ix_executions_organization_id_created_at", "organization_id", "created_at"),
        sa.Index("ix_executions_dag_id_created_at", "dag_id", "created_at"),
        sa.Index("ix_executions_status_created_at", "status", "created_at"),
        sa.Index("ix_executions_status_lease_expires_at", "status", "lease_expires_at"),
        sa.Index(
            "uq_executions_organization_id_idempotency_key",
            "organization_id",
            "idempotency_key",
            unique=True,
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
            sqlite_where=sa.text("idempotency_key IS NOT NULL"),
        ),
    )

    id: uuid.UUID = id_column()
    organization_id: uuid.UUID = Field(sa_column=sa.Column(sa.Uuid, nullable=False))
    dag_id: uuid.UUID = Field(sa_column=sa.Column(sa.Uuid, nullable=False))
    dag_version_id: uuid.UUID = Field(sa_column=sa.Column(sa.Uuid, nullable=False))
    status: ExecutionStatus = Field(
        default=ExecutionStatus.QUEUED,
        sa_column=sa.Column(enum_type(ExecutionStatus, "status"), nullable=False),
    )
    params: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(json_type(), nullable=False))
    idempotency_key: str | None = Field(default=None, sa_column=sa.Column(sa.String(255), nullable=True))
    lease_owner: str | None = Field(default=None, sa_column=sa.Column(sa.String(255), nullable=True))
    lease_expires_at: datetime | None = timestamp_column()
    created_at: datetime = created_at_column()
    started_at: datetime | None = timestamp_column()
    finished_at: datetime | None = timestamp_column()
    retry_of_id: uuid.UUID | None = foreign_key_column(
        "executions.id", ondelete="SET NULL", nullable=True, index=True
    )
    dispatched_at: datetime | None = timestamp_column()
    dispatch_job_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), nullable=True))
    cancel_requested_at: datetime | None = timestamp_column()


class NodeExecution(Base, table=True):
    """The record of one node (or one instance of a mapped node) in an execution.

    ``(execution_id, node_id, map_index)`` is unique, ``NULL`` map indexes included: a second
    partial unique index covers the unmapped record, since SQL treats ``NULL`` values as distinct.

    Attributes:
        map_index: the item position for an instance of a mapped node; ``None`` for the node.
        attempts: attempts started so far.
        duration_s: seconds of the final attempt.
        result: the JSON result, when small enough to keep inline.
        result_ref: path of the artifact holding the result otherwise.
        error: the last error as ``{"type", "message", "traceback"}``.
    """

    __tablename__ = "node_executions"
    __table_args__ = (
        sa.UniqueConstraint("execution_id", "node_id", "map_index"),
        sa.Index(
            "uq_node_executions_execution_id_node_id_unmapped",
            "execution_id",
            "node_id",
            unique=True,
            postgresql_where=sa.text("map_index IS NULL"),
            sqlite_where=sa.text("map_index IS NULL"),
        ),
        sa.CheckConstraint("map_index >= 0", name="map_index_not_negative"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: uuid.UUID = id_column()
    execution_id: uuid.UUID = foreign_key_column("executions.id", ondelete="CASCADE")
    node_id: str = Field(sa_column=sa.Column(sa.String(128), nullable=False))
    map_index: int | None = Field(default=None, sa_column=sa.Column(sa.Integer, nullable=True))
    status: NodeState = Field(
        default=NodeState.PENDING, sa_column=sa.Column(enum_type(NodeState, "status"), nullable=False)
    )
    attempts: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    started_at: datetime | None = timestamp_column()
    finished_at: datetime | None = timestamp_column()
    duration_s: float | None = Field(default=None, sa_column=sa.Column(sa.Float, nullable=True))
    result: Any = Field(default=None, sa_column=sa.Column(json_type(), nullable=True))
    result_ref: str | None = Field(default=None, sa_column=sa.Column(sa.String(1024), nullable=True))
    error: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(json_type(), nullable=True))


class ExecutionEvent(Base, table=True):
    """One event of an execution's append-only log; ``(execution_id, sequence)`` is unique.

    A database trigger refuses every update; events go only with their execution.

    Attributes:
        sequence: the event's ``seq``: 0, 1, 2, ... with no gap per execution.
        kind: a ``core_engine.EventKind`` value.
        ts: when the event happened (aware UTC).
        payload: the whole event as ``core_engine.event_to_dict`` gives it.
    """

    __tablename__ = "execution_events"
    __table_args__ = (
        sa.UniqueConstraint("execution_id", "sequence"),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    id: uuid.UUID = id_column()
    execution_id: uuid.UUID = foreign_key_column("executions.id", ondelete="CASCADE")
    sequence: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    ts: datetime = Field(sa_column=sa.Column(UTCDateTime, nullable=False))
    payload: dict[str, Any] = Field(sa_column=sa.Column(json_type(), nullable=False))


make_immutable(ExecutionEvent)
