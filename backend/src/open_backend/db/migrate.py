"""Apply and inspect the schema migrations (Alembic, shipped inside the package).

Each function takes a database URL or an open :class:`AsyncEngine`; given a URL it opens and
closes its own unpooled engine. Alembic runs synchronously on the async connection through
``run_sync``, inside one transaction: a migration that fails leaves the schema as it was (on
PostgreSQL and, with the engine's ``BEGIN`` recipe, on SQLite).

``python -m open_backend.db.migrate`` upgrades the database of ``DATABASE_URL`` to the latest
revision: the step to run before starting the backend on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from open_backend.db.engine import create_engine_for_url

#: Where Alembic finds ``env.py`` and ``versions/``: a package resource, wherever it is installed.
SCRIPT_LOCATION: Final = "open_backend:migrations"


def alembic_config() -> Config:
    """An Alembic configuration for OPEN's migrations, without an ini file or a URL."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


@functools.cache
def head_revisions() -> tuple[str, ...]:
    """The revision ids at the head of the migration scripts, sorted (read once per process)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    """Where a database's schema stands against the migration scripts.

    Attributes:
        current: revision ids recorded in the database, sorted; empty for a fresh database.
        head: revision ids at the head of the scripts, sorted.
    """

    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def is_current(self) -> bool:
        """Whether the database is at the head revision(s)."""
        return self.current == self.head


class MigrationsNotCurrentError(RuntimeError):
    """The database schema is not at the revision this code expects.

    Attributes:
        status: the current and expected revisions.
    """

    def __init__(self, status: MigrationStatus) -> None:
        current = ", ".join(status.current) or "an empty database (no revision)"
        head = ", ".join(status.head)
        super().__init__(
            f"the database schema is at {current} but this version of OPEN needs {head}: "
            "run `python -m open_backend.db.migrate` (with the same DATABASE_URL) before starting it"
        )
        self.status = status


@contextlib.asynccontextmanager
async def _transaction(target: str | AsyncEngine) -> AsyncIterator[AsyncConnection]:
    engine = create_engine_for_url(target, pooled=False) if isinstance(target, str) else target
    try:
        async with engine.begin() as connection:
            yield connection
    finally:
        if isinstance(target, str):
            await engine.dispose()


def _run_command(connection: sa.Connection, name: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    if name == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


async def upgrade_database(target: str | AsyncEngine, revision: str = "head") -> None:
    """Migrate the database at ``target`` (URL or engine) up to ``revision`` (default: the head).

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database is unreachable or a migration step failed
            (nothing of the failed run is kept).
        alembic.util.CommandError: ``revision`` is unknown.
    """
    async with _transaction(target) as connection:
        await connection.run_sync(_run_command, "upgrade", revision)


async def downgrade_database(target: str | AsyncEngine, revision: str) -> None:
    """Migrate the database at ``target`` down to ``revision`` (``"base"``: drop everything).

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database is unreachable or a step failed.
        alembic.util.CommandError: ``revision`` is unknown.
    """
    async with _transaction(target) as connection:
        await connection.run_sync(_run_command, "downgrade", revision)


def _current_revisions(connection: sa.Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


async def migration_status(target: str | AsyncEngine) -> MigrationStatus:
    """The revisions of the database at ``target`` against the scripts' head.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database is unreachable.
    """
    async with _transaction(target) as connection:
        current = await connection.run_sync(_current_revisions)
    return MigrationStatus(current=current, head=head_revisions())


async def current_revision_is_head(target: str | AsyncEngine) -> bool:
    """Whether the database at ``target`` is fully migrated.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database is unreachable.
    """
    return (await migration_status(target)).is_current


async def _main() -> None:
    from open_backend.settings import get_settings

    url = get_settings().database_url
    await upgrade_database(url)
    status = await migration_status(url)
    print(f"database at revision {', '.join(status.current)} (head)")


if __name__ == "__main__":
    asyncio.run(_main())
