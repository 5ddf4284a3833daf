"""The initial schema: organizations, users and credentials, DAGs and versions, executions.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written by hand to match ``open_backend.db.models`` exactly (the migration tests compare the two).
Names are wrapped in ``op.f`` so that the models' naming convention does not rename them again.
It does not import the models: a migration is a frozen record of the schema at its revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'owner', 'admin', 'editor', 'viewer'"
DAG_STATUSES = "'draft', 'active', 'archived'"
EXECUTION_STATUSES = "'queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'"
NODE_STATUSES = (
    "'pending', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'upstream_failed', "
    "'skipped', 'cancelled'"
)

REJECT_UPDATE_FUNCTION = """\
CREATE OR REPLACE FUNCTION open_reject_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' rows are immutable', ERRCODE = 'restrict_violation';
END
$$"""

# Columns protected from UPDATE, per append-only table (dag_versions.created_by_id stays mutable
# so that deleting its author can set it to NULL).
IMMUTABLE_COLUMNS = {
    "dag_versions": "id, dag_id, version, definition, content_hash, message, created_at",
    "execution_events": "id, execution_id, sequence, kind, ts, payload",
}


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _timestamp(name: str, *, nullable: bool) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _create_immutable_trigger(table: str, dialect: str) -> None:
    head = f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OF {IMMUTABLE_COLUMNS[table]} ON {table}"
    if dialect == "postgresql":
        op.execute(f"{head} FOR EACH ROW EXECUTE FUNCTION open_reject_update()")
    else:
        op.execute(f"{head} BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END")


def upgrade() -> None:
    """Create every table, index, constraint and trigger of the initial schema."""
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        op.execute(REJECT_UPDATE_FUNCTION)

    op.create_table(
        "organizations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("settings", _json(), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("last_sign_in_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lower_case")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "user_id", "organization_id", name=op.f("uq_memberships_user_id_organization_id")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_memberships_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(f"role IN ({ROLES})", name=op.f("ck_memberships_role")),
    )
    op.create_index(op.f("ix_memberships_organization_id"), "memberships", ["organization_id"])
    op.create_table(
        "oauth_identities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_identities")),
        sa.UniqueConstraint("provider", "subject", name=op.f("uq_oauth_identities_provider_subject")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_oauth_identities_user_id_users"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_oauth_identities_user_id"), "oauth_identities", ["user_id"])
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("expires_at", nullable=False),
        _timestamp("revoked_at", nullable=True),
        sa.Column("replaced_by_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["refresh_tokens.id"],
            name=op.f("fk_refresh_tokens_replaced_by_id_refresh_tokens"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(op.f("ix_refresh_tokens_user_id"), "refresh_tokens", ["user_id"])
    op.create_index(op.f("ix_refresh_tokens_family_id"), "refresh_tokens", ["family_id"])
    op.create_index(op.f("ix_refresh_tokens_replaced_by_id"), "refresh_tokens", ["replaced_by_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("last_used_at", nullable=True),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_api_keys_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(f"role IN ({ROLES})", name=op.f("ck_api_keys_role")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_keys_created_by_id_users"), ondelete="SET NULL"
        ),
    )
    op.create_index(op.f("ix_api_keys_organization_id"), "api_keys", ["organization_id"])

    # dags and dag_versions refer to each other. SQLite accepts a reference to a table that does
    # not exist yet (and cannot add one later), PostgreSQL adds it once both tables exist.
    op.create_table(
        "dags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _timestamp("deleted_at", nullable=True),
        sa.Column("active_version_id", sa.Uuid(), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dags")),
        sa.UniqueConstraint("organization_id", "id", name=op.f("uq_dags_organization_id_id")),
        *(
            [
                sa.ForeignKeyConstraint(
                    ["id", "active_version_id"],
                    ["dag_versions.dag_id", "dag_versions.id"],
                    name=op.f("fk_dags_id_active_version_id_dag_versions"),
                )
            ]
            if dialect == "sqlite"
            else []
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_dags_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(f"status IN ({DAG_STATUSES})", name=op.f("ck_dags_status")),
    )
    op.create_index(
        op.f("uq_dags_organization_id_name_live"),
        "dags",
        ["organization_id", "name"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        op.f("ix_dags_organization_id_status_updated_at"), "dags", ["organization_id", "status", "updated_at"]
    )
    op.create_table(
        "dag_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dag_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", _json(), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dag_versions")),
        sa.UniqueConstraint("dag_id", "version", name=op.f("uq_dag_versions_dag_id_version")),
        sa.UniqueConstraint("dag_id", "id", name=op.f("uq_dag_versions_dag_id_id")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_dag_versions_version_positive")),
        sa.ForeignKeyConstraint(
            ["dag_id"], ["dags.id"], name=op.f("fk_dag_versions_dag_id_dags"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_dag_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
    )
    _create_immutable_trigger("dag_versions", dialect)
    if dialect != "sqlite":
        op.create_foreign_key(
            op.f("fk_dags_id_active_version_id_dag_versions"),
            "dags",
            "dag_versions",
            ["id", "active_version_id"],
            ["dag_id", "id"],
        )

    op.create_table(
        "executions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("dag_id", sa.Uuid(), nullable=False),
        sa.Column("dag_version_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("params", _json(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("lease_owner", sa.String(255), nullable=True),
        _timestamp("lease_expires_at", nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.Column("retry_of_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_executions")),
        sa.ForeignKeyConstraint(
            ["organization_id", "dag_id"],
            ["dags.organization_id", "dags.id"],
            name=op.f("fk_executions_organization_id_dag_id_dags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dag_id", "dag_version_id"],
            ["dag_versions.dag_id", "dag_versions.id"],
            name=op.f("fk_executions_dag_id_dag_version_id_dag_versions"),
        ),
        sa.CheckConstraint(f"status IN ({EXECUTION_STATUSES})", name=op.f("ck_executions_status")),
        sa.ForeignKeyConstraint(
            ["retry_of_id"],
            ["executions.id"],
            name=op.f("fk_executions_retry_of_id_executions"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        op.f("ix_executions_organization_id_created_at"), "executions", ["organization_id", "created_at"]
    )
    op.create_index(op.f("ix_executions_dag_id_created_at"), "executions", ["dag_id", "created_at"])
    op.create_index(op.f("ix_executions_status_created_at"), "executions", ["status", "created_at"])
    op.create_index(op.f("ix_executions_retry_of_id"), "executions", ["retry_of_id"])
    op.create_index(
        op.f("uq_executions_organization_id_idempotency_key"),
        "executions",
        ["organization_id", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
        sqlite_where=sa.text("idempotency_key IS NOT NULL"),
    )

    op.create_table(
        "node_executions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("node_id", sa.String(128), nullable=False),
        sa.Column("map_index", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("result", _json(), nullable=True),
        sa.Column("result_ref", sa.String(1024), nullable=True),
        sa.Column("error", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_executions")),
        sa.UniqueConstraint(
            "execution_id",
            "node_id",
            "map_index",
            name=op.f("uq_node_executions_execution_id_node_id_map_index"),
        ),
        sa.CheckConstraint("map_index >= 0", name=op.f("ck_node_executions_map_index_not_negative")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_node_executions_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["executions.id"],
            name=op.f("fk_node_executions_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(f"status IN ({NODE_STATUSES})", name=op.f("ck_node_executions_status")),
    )
    op.create_index(
        op.f("uq_node_executions_execution_id_node_id_unmapped"),
        "node_executions",
        ["execution_id", "node_id"],
        unique=True,
        postgresql_where=sa.text("map_index IS NULL"),
        sqlite_where=sa.text("map_index IS NULL"),
    )

    op.create_table(
        "execution_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        _timestamp("ts", nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_execution_events")),
        sa.UniqueConstraint(
            "execution_id", "sequence", name=op.f("uq_execution_events_execution_id_sequence")
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_execution_events_sequence_not_negative")),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["executions.id"],
            name=op.f("fk_execution_events_execution_id_executions"),
            ondelete="CASCADE",
        ),
    )
    _create_immutable_trigger("execution_events", dialect)


def downgrade() -> None:
    """Drop everything :func:`upgrade` created (and every row in it)."""
    dialect = op.get_context().dialect.name
    op.drop_table("execution_events")
    op.drop_table("node_executions")
    op.drop_table("executions")
    if dialect != "sqlite":
        op.drop_constraint(op.f("fk_dags_id_active_version_id_dag_versions"), "dags", type_="foreignkey")
    else:
        # SQLite cannot drop a constraint; clearing the references lets dag_versions go first.
        op.execute("UPDATE dags SET active_version_id = NULL")
    op.drop_table("dag_versions")
    op.drop_table("dags")
    op.drop_table("api_keys")
    op.drop_table("refresh_tokens")
    op.drop_table("oauth_identities")
    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("organizations")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS open_reject_update()")
