"""Durable execution: dispatch and cancellation marks on executions, per-DAG concurrency.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

* ``executions.dispatched_at``: when the execution was last handed to the queue (the reconciler
  hands a ``queued`` execution to the queue again when its job, ``dispatch_job_id``, is gone).
* ``executions.cancel_requested_at``: a cancellation asked for while a worker holds the run; the
  worker's heartbeat sees it.
* ``executions (status, lease_expires_at)`` index: the reconciler's scan.
* ``dags.max_concurrent_executions``: at most this many ``running`` executions of the DAG
  (``NULL``: no limit; the API refuses values below 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns and the index."""
    with op.batch_alter_table("executions") as batch:
        batch.add_column(sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("dispatch_job_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        op.f("ix_executions_status_lease_expires_at"), "executions", ["status", "lease_expires_at"]
    )
    with op.batch_alter_table("dags") as batch:
        batch.add_column(sa.Column("max_concurrent_executions", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    with op.batch_alter_table("dags") as batch:
        batch.drop_column("max_concurrent_executions")
    op.drop_index(op.f("ix_executions_status_lease_expires_at"), table_name="executions")
    with op.batch_alter_table("executions") as batch:
        batch.drop_column("cancel_requested_at")
        batch.drop_column("dispatch_job_id")
        batch.drop_column("dispatched_at")
