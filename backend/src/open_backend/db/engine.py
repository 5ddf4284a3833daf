"""Build the async engine and session factory from the settings (in the lifespan, never at import).

PostgreSQL (asyncpg) gets a bounded connection pool with pre-ping. SQLite (aiosqlite) gets its
folder created and, on every connection, foreign keys on, the WAL journal, a busy timeout, and
SQLAlchemy's documented recipe for real transactions: the driver's own transaction handling is
switched off and each transaction starts with ``BEGIN IMMEDIATE``, so DDL is transactional,
savepoints work, and concurrent writers wait for the lock instead of failing on upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.settings import Settings

#: How long a SQLite connection waits for another's write lock before failing, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS: Final = 5_000

#: Seconds after which a pooled PostgreSQL connection is replaced (below common idle cut-offs).
POSTGRES_POOL_RECYCLE_S: Final = 1_800

#: Seconds a request waits for a pooled PostgreSQL connection before failing.
POSTGRES_POOL_TIMEOUT_S: Final = 10.0

#: ``application_name`` the backend's PostgreSQL sessions show in ``pg_stat_activity``.
POSTGRES_APPLICATION_NAME: Final = "open-backend"


def create_engine(settings: Settings) -> AsyncEngine:
    """The async engine for ``settings.database_url``, with the pool sizes of ``settings``.

    Nothing connects yet. For SQLite, creates the database file's folder (by default
    ``OPEN_DATA_DIR``).

    Raises:
        OSError: the SQLite folder cannot be created.
    """
    return create_engine_for_url(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )


def create_engine_for_url(
    url: str, *, pool_size: int = 5, max_overflow: int = 5, pooled: bool = True
) -> AsyncEngine:
    """The async engine for ``url`` (an asyncpg or aiosqlite URL, see ``Settings.database_url``).

    Args:
        url: the database URL.
        pool_size: PostgreSQL connections kept open (ignored for SQLite).
        max_overflow: extra PostgreSQL connections allowed under load (ignored for SQLite).
        pooled: ``False`` opens a fresh connection per use (``NullPool``): for one-off tools
            such as migrations.

    Raises:
        OSError: the SQLite folder cannot be created.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, pooled=pooled)
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "connect_args": {"server_settings": {"application_name": POSTGRES_APPLICATION_NAME}},
    }
    if pooled:
        options.update(
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_recycle=POSTGRES_POOL_RECYCLE_S,
            pool_timeout=POSTGRES_POOL_TIMEOUT_S,
        )
    else:
        options["poolclass"] = NullPool
    return _create_async_engine(parsed, **options)


def _sqlite_engine(url: URL, *, pooled: bool) -> AsyncEngine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    engine = _create_async_engine(url, **options)
    sa.event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
    sa.event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, emits BEGIN
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _begin_immediate(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A factory of SQLModel's :class:`AsyncSession` (typed ``session.exec(select(...))``) on ``engine``.

    Objects stay loaded after commit (``expire_on_commit=False``): under asyncio, touching an
    expired attribute would need an implicit query, which raises.
    """
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
