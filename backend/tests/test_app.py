from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import func, select
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.db.engine import POSTGRES_APPLICATION_NAME, create_engine_for_url
from open_backend.db.migrate import MigrationsNotCurrentError, migration_status, upgrade_database
from open_backend.db.models import Organization
from open_backend.settings import Environment, Settings, get_settings

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]
MakeDatabase = Callable[[], Awaitable[str]]


async def _backend_connections(url: str) -> int:
    """Connections the backend holds to the database at ``url``, counted from another session."""
    engine = create_engine_for_url(url, pooled=False)
    try:
        async with engine.connect() as connection:
            count = await connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :database "
                    "AND application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"database": make_url(url).database, "name": POSTGRES_APPLICATION_NAME},
            )
            return int(count.scalar_one())
    finally:
        await engine.dispose()


async def test_startup_creates_and_migrates_the_embedded_sqlite_database(
    serve: Serve, tmp_path: Path
) -> None:
    settings = Settings(env=Environment.TEST, data_dir=tmp_path / "data")
    async with serve(create_app(settings)):
        assert (tmp_path / "data" / "open.db").is_file()
        assert (await migration_status(settings.database_url)).is_current


async def test_startup_keeps_an_already_migrated_sqlite_database(serve: Serve, sqlite_url: str) -> None:
    await upgrade_database(sqlite_url)
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url))
    async with serve(app), app.state.sessions() as session:
        session.add(Organization(name="Acme", slug="acme"))
        await session.commit()
    async with serve(create_app(Settings(env=Environment.TEST, database_url=sqlite_url))) as client:
        assert (await client.get("/readyz")).status_code == 200
    engine = create_engine_for_url(sqlite_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("SELECT slug FROM organizations")).scalars().all() == [
                "acme"
            ]
    finally:
        await engine.dispose()


async def test_the_running_app_holds_its_engine_and_sessions(serve: Serve, sqlite_url: str) -> None:
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url))
    async with serve(app):
        assert isinstance(app.state.engine, AsyncEngine)
        assert isinstance(app.state.sessions, async_sessionmaker)
        async with app.state.sessions() as session:
            count = await session.exec(select(func.count()).select_from(Organization))
            assert count.one() == 0


async def test_startup_on_a_migrated_postgresql_database_is_ready(serve: Serve, postgres_url: str) -> None:
    async with serve(create_app(Settings(env=Environment.TEST, database_url=postgres_url))) as client:
        assert (await client.get("/readyz")).status_code == 200


async def test_startup_refuses_an_unmigrated_postgresql_database(
    serve: Serve, make_postgres_database: MakeDatabase
) -> None:
    url = await make_postgres_database()
    with pytest.raises(MigrationsNotCurrentError, match=r"python -m open_backend\.db\.migrate") as raised:
        async with serve(create_app(Settings(env=Environment.TEST, database_url=url))):
            pass
    assert raised.value.status.current == ()
    assert not (await migration_status(url)).current  # nothing was migrated behind the operator's back


async def test_startup_refusal_releases_the_database_connections(
    serve: Serve, make_postgres_database: MakeDatabase
) -> None:
    url = await make_postgres_database()
    with pytest.raises(MigrationsNotCurrentError):
        async with serve(create_app(Settings(env=Environment.TEST, database_url=url))):
            pass
    assert await _backend_connections(url) == 0


async def test_shutdown_closes_the_database_connections(
    serve: Serve, make_postgres_database: MakeDatabase
) -> None:
    url = await make_postgres_database()
    await upgrade_database(url)
    async with serve(create_app(Settings(env=Environment.TEST, database_url=url))) as client:
        assert (await client.get("/readyz")).status_code == 200
        assert await _backend_connections(url) >= 1
    assert await _backend_connections(url) == 0


def test_creating_the_app_does_not_touch_the_database(tmp_path: Path) -> None:
    create_app(Settings(env=Environment.TEST, data_dir=tmp_path / "data"))
    assert not (tmp_path / "data").exists()


def test_without_settings_the_app_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPEN_ENV", "test")
    monkeypatch.setenv("OPEN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        app = create_app()
        assert app.state.settings is get_settings()
        assert app.state.settings.data_dir == tmp_path
    finally:
        get_settings.cache_clear()
