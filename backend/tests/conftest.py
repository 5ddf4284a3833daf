"""Databases for the backend tests: real PostgreSQL and real SQLite, fresh for every run.

PostgreSQL is reached at ``OPEN_TEST_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``): a server URL whose role may create
databases. Every database a test run makes has a random ``open_test_`` name and is dropped at the
end, after its connections are terminated.

Fixtures:
    postgres_url: one migrated PostgreSQL database shared by the whole run.
    own_postgres_url: a migrated PostgreSQL database of the test's own, dropped after it.
    make_postgres_database: makes empty PostgreSQL databases, dropped after the test.
    drop_database: drops a PostgreSQL database early (after terminating its connections).
    sqlite_url: the URL of a SQLite file in ``tmp_path`` that does not exist yet.
    db_url: a migrated database of each backend (the test runs once per backend); the
        PostgreSQL one is shared, so tests must not change its schema.
    own_db_url: like ``db_url``, but a database only this test uses.
    session: a SQLModel session on ``db_url`` inside a transaction rolled back after the test;
        ``session.commit()`` only releases a savepoint, so tests never see each other's rows.
    serve: runs an ASGI app's lifespan through the ASGI protocol and hands out an HTTP client.
    unreachable_redis_url: a Redis URL on a free port where nothing listens.
    redis_server: a started private ``redis-server`` (:class:`servers.RedisServer`), killed after
        the test; for tests that stop Redis or kill its connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.types import ASGIApp, Message

from open_backend.db.engine import create_engine_for_url
from open_backend.db.migrate import upgrade_database
from open_backend.settings import normalize_database_url

from .servers import RedisServer, free_port

POSTGRES_SERVER_URL = normalize_database_url(
    os.environ.get("OPEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
)


def _database_url(name: str) -> str:
    return make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(hide_password=False)


async def create_postgres_database() -> str:
    """Create an empty database with a random name; return its URL."""
    name = f"open_test_{uuid.uuid4().hex[:16]}"
    engine = create_async_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await engine.dispose()
    return _database_url(name)


async def drop_postgres_database(url: str) -> None:
    """Terminate the connections to the database at ``url``, then drop it."""
    name = make_url(url).database
    engine = create_async_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await engine.dispose()


async def _create_migrated_postgres_database() -> str:
    url = await create_postgres_database()
    await upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database migrated to the head, shared by the run and dropped after it."""
    url = asyncio.run(_create_migrated_postgres_database())
    yield url
    asyncio.run(drop_postgres_database(url))


@pytest.fixture
async def own_postgres_url() -> AsyncIterator[str]:
    """A migrated PostgreSQL database only this test uses (for tests whose processes scan
    whole tables, such as workers), dropped after it."""
    url = await _create_migrated_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


@pytest.fixture
async def make_postgres_database() -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """A function creating empty PostgreSQL databases (returning their URLs), dropped after the test."""
    made: list[str] = []

    async def make() -> str:
        url = await create_postgres_database()
        made.append(url)
        return url

    yield make
    for url in made:
        await drop_postgres_database(url)


@pytest.fixture
def drop_database() -> Callable[[str], Awaitable[None]]:
    """The function terminating the connections to a PostgreSQL database and dropping it."""
    return drop_postgres_database


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite database file in a folder of ``tmp_path`` that does not exist yet."""
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'open.db'}"


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once per run; tests get copies of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "open.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(params=["postgresql", "sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A migrated database URL, once for PostgreSQL and once for SQLite."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    path = tmp_path / "open.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(params=["postgresql", "sqlite"])
async def own_db_url(
    request: pytest.FixtureRequest,
    make_postgres_database: Callable[[], Awaitable[str]],
    tmp_path: Path,
    migrated_sqlite_template: Path,
) -> str:
    """A migrated database of each backend that only this test uses (it may change its schema)."""
    if request.param == "postgresql":
        url = await make_postgres_database()
        await upgrade_database(url)
        return url
    path = tmp_path / "own.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def session(db_url: str) -> AsyncIterator[AsyncSession]:
    """A session on ``db_url`` whose work is rolled back after the test."""
    engine = create_engine_for_url(db_url, pooled=False)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()
    await engine.dispose()


class LifespanFailed(Exception):
    """The app reported ``lifespan.startup.failed`` without raising."""


@contextlib.asynccontextmanager
async def _serve(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    from_app: asyncio.Queue[Message] = asyncio.Queue()
    scope: dict[str, Any] = {
        "type": "lifespan",
        "asgi": {"version": "3.0", "spec_version": "2.0"},
        "state": {},
    }
    lifespan = asyncio.create_task(app(scope, to_app.get, from_app.put))
    await to_app.put({"type": "lifespan.startup"})
    started = asyncio.create_task(from_app.get())
    await asyncio.wait({started, lifespan}, return_when=asyncio.FIRST_COMPLETED)
    if not started.done():  # the app raised during startup: surface its exception
        started.cancel()
        await lifespan
    if started.result()["type"] == "lifespan.startup.failed":
        await lifespan  # Starlette re-raises the startup exception here
        raise LifespanFailed(started.result().get("message", ""))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://open.test") as client:
            yield client
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        stopped = await from_app.get()
        await lifespan
        assert stopped["type"] == "lifespan.shutdown.complete", stopped


@pytest.fixture
def serve() -> Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with serve(app) as client``: startup, an HTTP client on the app, then shutdown.

    A startup that fails raises the app's own exception.
    """
    return _serve


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def unreachable_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"
