"""``openctl migrate``: bring the configured database to a revision (default: the latest).

The database is ``DATABASE_URL`` (default: the embedded SQLite database in ``OPEN_DATA_DIR``,
which the server also migrates at startup). ``--status`` changes nothing and prints the current
and the latest revision; its exit code is 0 at the latest revision, 1 behind it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from alembic.util import CommandError

from open_backend.cli.database import describe, load_settings
from open_backend.cli.guard import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    DebugOption,
    JsonOption,
    guard,
)
from open_backend.cli.helptext import help_text
from open_backend.db.migrate import MigrationStatus, migration_status, upgrade_database


def register(app: typer.Typer) -> None:
    """Add ``migrate`` to ``app``."""
    app.command("migrate", help=help_text(__doc__))(migrate)


def _revisions(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) or "none (empty database)"


def _as_json(database: str, status: MigrationStatus, before: MigrationStatus | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "database": database,
        "current": list(status.current),
        "head": list(status.head),
        "is_current": status.is_current,
    }
    if before is not None:
        out["before"] = list(before.current)
    return out


async def _migrate(
    url: str, revision: str, status_only: bool
) -> tuple[MigrationStatus | None, MigrationStatus]:
    if status_only:
        return None, await migration_status(url)
    before = await migration_status(url)
    try:
        await upgrade_database(url, revision)
    except CommandError as exc:
        raise CommandFailed(f"cannot migrate to {revision!r}: {exc}", EXIT_USAGE) from None
    return before, await migration_status(url)


def migrate(
    revision: Annotated[
        str, typer.Option(help="Revision to upgrade to: `head` (the latest) or a revision id.")
    ] = "head",
    status: Annotated[
        bool, typer.Option("--status", help="Only print the current and latest revision.")
    ] = False,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        settings = load_settings()
        database = describe(settings.database_url)
        before, after = asyncio.run(_migrate(settings.database_url, revision, status))
        if as_json:
            typer.echo(json.dumps(_as_json(database, after, before)))
        elif before is None:
            state = "up to date" if after.is_current else "behind: run `openctl migrate`"
            typer.echo(f"database {database}")
            typer.echo(f"current revision {_revisions(after.current)}")
            typer.echo(f"latest revision  {_revisions(after.head)} ({state})")
        elif before.current == after.current:
            typer.echo(f"database {database} already at revision {_revisions(after.current)}")
        else:
            typer.echo(
                f"database {database} migrated from {_revisions(before.current)} "
                f"to {_revisions(after.current)}"
            )
        if status and not after.is_current:
            raise typer.Exit(EXIT_FAILURE)
        raise typer.Exit(EXIT_OK)
