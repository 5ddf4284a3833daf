from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.engine import (
    POSTGRES_APPLICATION_NAME,
    SQLITE_BUSY_TIMEOUT_MS,
    create_engine,
    create_engine_for_url,
    session_factory,
)
from open_backend.db.models import Organization
from open_backend.settings import Settings

from .models._factory import unique


async def test_creating_a_sqlite_engine_creates_the_database_folder(sqlite_url: str) -> None:
    folder = Path(str(make_url(sqlite_url).database)).parent
    assert not folder.exists()
    engine = create_engine(Settings(database_url=sqlite_url))
    try:
        assert folder.is_dir()
    finally:
        await engine.dispose()


async def test_the_default_settings_put_the_database_in_the_data_dir(tmp_path: Path) -> None:
    engine = create_engine(Settings(data_dir=tmp_path / "state"))
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
        assert (tmp_path / "state" / "open.db").is_file()
    finally:
        await engine.dispose()


async def test_sqlite_connections_enforce_foreign_keys_in_wal_mode_with_a_busy_timeout(
    sqlite_url: str,
) -> None:
    engine = create_engine_for_url(sqlite_url)
    try:
        async with engine.connect() as connection:
            pragmas = [
                (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            ]
        assert pragmas == [1, "wal", SQLITE_BUSY_TIMEOUT_MS]
    finally:
        await engine.dispose()


async def test_sqlite_rolls_back_ddl_with_the_transaction(sqlite_url: str) -> None:
    engine = create_engine_for_url(sqlite_url)
    try:
        with pytest.raises(RuntimeError, match="abort"):
            async with engine.begin() as connection:
                await connection.exec_driver_sql("CREATE TABLE scratch (id INTEGER)")
                raise RuntimeError("abort")
        async with engine.connect() as connection:
            tables = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE name = 'scratch'")
            assert tables.all() == []
    finally:
        await engine.dispose()


async def test_sqlite_savepoints_roll_back_only_their_own_work(sqlite_url: str) -> None:
    engine = create_engine_for_url(sqlite_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE scratch (id INTEGER)")
            await connection.exec_driver_sql("INSERT INTO scratch VALUES (1)")
            savepoint = await connection.begin_nested()
            await connection.exec_driver_sql("INSERT INTO scratch VALUES (2)")
            await savepoint.rollback()
            rows = await connection.exec_driver_sql("SELECT id FROM scratch")
            assert rows.scalars().all() == [1]
    finally:
        await engine.dispose()


async def test_postgresql_pool_follows_the_settings(postgres_url: str) -> None:
    engine = create_engine(Settings(database_url=postgres_url, db_pool_size=3, db_max_overflow=2))
    try:
        assert isinstance(engine.pool, sa.QueuePool)
        assert (engine.pool.size(), engine.pool._max_overflow) == (3, 2)
    finally:
        await engine.dispose()


async def test_postgresql_sessions_name_the_application(postgres_url: str) -> None:
    engine = create_engine(Settings(database_url=postgres_url))
    try:
        async with engine.connect() as connection:
            name = await connection.exec_driver_sql("SELECT current_setting('application_name')")
            assert name.scalar_one() == POSTGRES_APPLICATION_NAME
    finally:
        await engine.dispose()


async def test_session_objects_stay_readable_after_commit(db_url: str) -> None:
    engine = create_engine_for_url(db_url)
    sessions = session_factory(engine)
    slug = unique("org")
    try:
        async with sessions() as session:
            assert isinstance(session, AsyncSession)
            organization = Organization(name="Acme", slug=slug)
            session.add(organization)
            await session.commit()
            assert organization.name == "Acme"  # an expired attribute would need a query and raise
        async with sessions() as session:
            found = await session.exec(select(Organization).where(col(Organization.slug) == slug))
            loaded = found.one()
            await session.delete(loaded)
            await session.commit()
    finally:
        await engine.dispose()
