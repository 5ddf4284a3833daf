from __future__ import annotations

import asyncio
import re
import runpy
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from open_backend.db import migrate
from open_backend.db.engine import create_engine_for_url
from open_backend.db.migrate import (
    MigrationsNotCurrentError,
    MigrationStatus,
    current_revision_is_head,
    downgrade_database,
    head_revisions,
    migration_status,
    upgrade_database,
)
from open_backend.db.models import metadata
from open_backend.settings import get_settings

MakeDatabase = Callable[[], Awaitable[str]]


def _differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


async def _differences_from_models(url: str) -> list[Any]:
    engine = create_engine_for_url(url, pooled=False)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_differences)
    finally:
        await engine.dispose()


_POSTGRES_CATALOG = {
    "columns": """
        SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length,
               is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'""",
    "constraints": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "triggers": """
        SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
        FROM pg_trigger WHERE NOT tgisinternal""",
    "functions": """
        SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace""",
}


async def _schema(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the database catalog says about the schema, alembic's own table left out."""
    engine = create_engine_for_url(url, pooled=False)
    try:
        async with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                rows = await connection.exec_driver_sql(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version'"
                )
                return {
                    "objects": sorted(
                        (kind, name, table, re.sub(r"\s+", " ", sql or "")) for kind, name, table, sql in rows
                    )
                }
            schema = {}
            for part, query in _POSTGRES_CATALOG.items():
                rows = await connection.exec_driver_sql(query)
                schema[part] = sorted(
                    tuple(row) for row in rows if "alembic_version" not in str(row[0]) + str(row[1])
                )
            return schema
    finally:
        await engine.dispose()


async def _create_all(url: str) -> None:
    # SQLAlchemy's create_all on PostgreSQL adds use_alter foreign keys with AddConstraint, which
    # marks them "never inline" for the rest of the process (sqlalchemy/sql/ddl.py,
    # isolate_from_table); SQLite, which cannot ALTER, would then silently leave them out.
    for table in metadata.tables.values():
        for constraint in table.foreign_key_constraints:
            if constraint.use_alter:
                constraint._create_rule = None
    engine = create_engine_for_url(url, pooled=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
    finally:
        await engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
async def make_database(
    request: pytest.FixtureRequest, make_postgres_database: MakeDatabase, tmp_path: Path
) -> MakeDatabase:
    """Makes empty databases of one backend (the test runs once per backend)."""
    if request.param == "postgresql":
        return make_postgres_database
    made = 0

    async def make_sqlite() -> str:
        nonlocal made
        made += 1
        return f"sqlite+aiosqlite:///{tmp_path / f'db{made}.sqlite'}"

    return make_sqlite


async def test_the_migrations_produce_the_schema_the_models_describe(make_database: MakeDatabase) -> None:
    url = await make_database()
    await upgrade_database(url)
    assert await _differences_from_models(url) == []


async def test_the_migrated_catalog_equals_the_one_created_from_the_models(
    make_database: MakeDatabase,
) -> None:
    migrated, created = await make_database(), await make_database()
    await upgrade_database(migrated)
    await _create_all(created)
    migrated_schema = await _schema(migrated)
    assert migrated_schema == await _schema(created)
    assert migrated_schema[next(iter(migrated_schema))]  # the catalog queries saw the schema


async def test_downgrading_to_base_removes_the_whole_schema(make_database: MakeDatabase) -> None:
    url = await make_database()
    await upgrade_database(url)
    await downgrade_database(url, "base")
    assert await _schema(url) == await _schema(await make_database())


async def test_upgrading_again_after_a_downgrade_restores_the_schema(make_database: MakeDatabase) -> None:
    url = await make_database()
    await upgrade_database(url)
    await downgrade_database(url, "base")
    await upgrade_database(url)
    assert await _differences_from_models(url) == []
    assert await current_revision_is_head(url)


async def test_upgrading_a_database_at_head_changes_nothing(make_database: MakeDatabase) -> None:
    url = await make_database()
    await upgrade_database(url)
    before = await _schema(url)
    await upgrade_database(url)
    assert await _schema(url) == before


async def test_an_empty_database_has_no_revision_and_is_not_current(make_database: MakeDatabase) -> None:
    url = await make_database()
    status = await migration_status(url)
    assert status == MigrationStatus(current=(), head=head_revisions())
    assert not status.is_current
    assert not await current_revision_is_head(url)


async def test_a_migrated_database_is_at_the_head(make_database: MakeDatabase) -> None:
    url = await make_database()
    await upgrade_database(url)
    assert await migration_status(url) == MigrationStatus(current=head_revisions(), head=head_revisions())


async def test_migration_functions_accept_an_open_engine(make_database: MakeDatabase) -> None:
    engine = create_engine_for_url(await make_database())
    try:
        await upgrade_database(engine)
        assert await current_revision_is_head(engine)
    finally:
        await engine.dispose()


def test_the_migration_scripts_have_a_single_head() -> None:
    assert len(head_revisions()) == 1


def test_the_not_current_error_names_both_revisions_and_the_fix() -> None:
    error = MigrationsNotCurrentError(MigrationStatus(current=("0000",), head=("0001",)))
    assert "0000" in str(error)
    assert "0001" in str(error)
    assert "python -m open_backend.db.migrate" in str(error)
    assert error.status.head == ("0001",)


def test_the_not_current_error_describes_an_empty_database() -> None:
    error = MigrationsNotCurrentError(MigrationStatus(current=(), head=("0001",)))
    assert "empty database" in str(error)


def test_the_migrate_command_upgrades_the_database_of_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        runpy.run_path(str(Path(migrate.__file__)), run_name="__main__")  # python -m open_backend.db.migrate
    finally:
        get_settings.cache_clear()
    assert capsys.readouterr().out == f"database at revision {head_revisions()[0]} (head)\n"
    assert asyncio.run(current_revision_is_head(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"))
