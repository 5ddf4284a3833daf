"""Alembic's entry point for OPEN's migrations, on the async engine.

Run programmatically by :mod:`open_backend.db.migrate`, which hands over an open connection in
``config.attributes["connection"]``. Run from the ``alembic`` command line (``backend/alembic.ini``),
it connects to ``sqlalchemy.url`` if the configuration sets one, else to ``DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

from open_backend.db.engine import create_engine_for_url
from open_backend.db.models import metadata
from open_backend.settings import get_settings, normalize_database_url


def _database_url() -> str:
    configured = context.config.get_main_option("sqlalchemy.url")
    return normalize_database_url(configured) if configured else get_settings().database_url


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine_for_url(_database_url(), pooled=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def _run_offline() -> None:
    context.configure(url=_database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.config.config_file_name is not None:  # the alembic command line: log what it does
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    _run_offline()
elif (given := context.config.attributes.get("connection")) is not None:
    _run(given)
else:
    asyncio.run(_run_online())
