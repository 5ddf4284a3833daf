"""``openctl replay EXECUTION_ID``: check an execution's stored rows against its event log.

An operator command on the configured database (``DATABASE_URL``; no sign-in, any
organization). The execution's state is rebuilt from its append-only event log
(``execution_events``) with core_engine's replay and compared with what its ``executions`` and
``node_executions`` rows say: run status and, per node and mapped instance, status, attempts and
result. Prints whether they match, each difference and both state digests. Reads only (``openctl
projections rebuild`` repairs). Exit 0 when they match, 1 on a mismatch or an unknown execution,
2 on a malformed id.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Annotated

import typer

from open_backend.cli.database import describe, load_settings, migrated_database
from open_backend.cli.guard import EXIT_FAILURE, EXIT_OK, CommandFailed, DebugOption, JsonOption, guard
from open_backend.cli.helptext import help_text
from open_backend.cli.ids import execution_id
from open_backend.errors import NotFound
from open_backend.executions.maintenance import replay_stored_execution
from open_backend.executions.projection import ReplayReport
from open_backend.settings import Settings


def register(app: typer.Typer) -> None:
    """Add ``replay`` to ``app``."""
    app.command("replay", help=help_text(__doc__))(replay)


async def _report(settings: Settings, execution: uuid.UUID) -> ReplayReport:
    async with migrated_database(settings) as sessions, sessions() as session:
        try:
            return await replay_stored_execution(session, execution)
        except NotFound:
            raise CommandFailed(
                f"no execution {execution} in the database {describe(settings.database_url)}"
            ) from None


def replay(
    execution: Annotated[str, typer.Argument(metavar="EXECUTION_ID", help="The execution's id (a UUID).")],
    *,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        wanted = execution_id(execution)
        report = asyncio.run(_report(load_settings(), wanted))
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "execution_id": str(wanted),
                        "matches": report.matches,
                        "differences": report.differences,
                        "events_digest": report.events_digest,
                        "projections_digest": report.projections_digest,
                        "event_count": report.event_count,
                    }
                )
            )
        else:
            typer.echo(f"execution {wanted}: {report.event_count} events replayed")
            typer.echo(f"events digest       {report.events_digest}")
            typer.echo(f"projections digest  {report.projections_digest}")
            if report.matches:
                typer.echo("match: the rows agree with the event log")
            else:
                count = len(report.differences)
                typer.echo(f"mismatch: {count} difference{'' if count == 1 else 's'}")
                for line in report.differences:
                    typer.echo(f"  - {line}")
        raise typer.Exit(EXIT_OK if report.matches else EXIT_FAILURE)
