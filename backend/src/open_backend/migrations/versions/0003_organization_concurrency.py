"""Per-organization concurrency: ``organizations.max_concurrent_executions``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

* ``organizations.max_concurrent_executions``: at most this many ``running`` executions of the
  organization, all its DAGs together (``NULL``: no limit; the API accepts 1 to 10,000). A claim
  counts them after locking the organization row, as it does for ``dags.max_concurrent_executions``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("max_concurrent_executions", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("max_concurrent_executions")
