"""The configured database for the operator commands (``migrate``, ``replay``, ``projections``).

Settings are read from the environment at each command (``DATABASE_URL``, ``OPEN_DATA_DIR``...;
see ``backend/README.md``); without ``DATABASE_URL`` this is the embedded SQLite database.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.cli.guard import CommandFailed
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.migrate import migration_status
from open_backend.settings import Settings


def load_settings() -> Settings:
    """The settings of the environment, read now (not cached: each command reads its own).

    Raises:
        pydantic.ValidationError: a variable is invalid.
    """
    return Settings()


def describe(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def require_sqlite_file(url: str) -> None:
    """Check that the SQLite database file of ``url`` exists (nothing to check for PostgreSQL).

    Raises:
        CommandFailed: it does not (opening it would create an empty database).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        raise CommandFailed(
            f"no database at {parsed.database}: set DATABASE_URL, or run `openctl migrate` to create it"
        )


@contextlib.asynccontextmanager
async def migrated_database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the configured database, which must exist and be at the head revision
    (a missing SQLite file is not created).

    Raises:
        CommandFailed: no SQLite file, or the database is not migrated (run ``openctl migrate``).
        sqlalchemy.exc.SQLAlchemyError, OSError: the database is unreachable.
    """
    require_sqlite_file(settings.database_url)
    engine = create_engine_for_url(settings.database_url, pooled=False)
    try:
        status = await migration_status(engine)
        if not status.is_current:
            current = ", ".join(status.current) or "no revision"
            raise CommandFailed(
                f"the database {describe(settings.database_url)} is at {current}, not at "
                f"{', '.join(status.head)}: run `openctl migrate` first"
            )
        yield session_factory(engine)
    finally:
        await engine.dispose()
