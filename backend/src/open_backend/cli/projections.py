"""``openctl projections rebuild``: write executions' rows back from their event logs.

An operator command on the configured database (``DATABASE_URL``). For each execution named
(or every one with ``--all``, in batches of ``--batch-size`` per transaction), the
``executions`` status and times and the ``node_executions`` rows are compared column by column
with what the append-only event log gives, and the ones that differ are rewritten from it: a
missing node row is inserted, a row the events do not have is deleted. Events are never changed
or deleted. An execution whose event log has not finished (still running, or ended outside its
log) is left alone, as is one with no events or a log that does not replay.

``--check`` writes nothing and lists the executions whose rows differ. Exit 0 when all went
well (with ``--check``: nothing differs); 1 when an execution is unknown, a log does not replay,
or (with ``--check``) some rows differ; 2 on a usage error.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.cli.database import load_settings, migrated_database
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
from open_backend.cli.ids import execution_id
from open_backend.executions.maintenance import (
    DEFAULT_BATCH_SIZE,
    Outcome,
    RebuildResult,
    count_executions,
    execution_id_batches,
    rebuild_batch,
)
from open_backend.settings import Settings

projections_app = typer.Typer(
    help="Maintain the rows projected from the event logs (executions, node_executions).",
    no_args_is_help=True,
)

#: How each outcome is shown in the list, and whether it is listed at all.
_LABELS: dict[Outcome, str] = {
    Outcome.REBUILT: "rebuilt",
    Outcome.DIFFERS: "differs",
    Outcome.RUNNING: "left alone (its event log has not finished: still running)",
    Outcome.BROKEN: "broken",
    Outcome.MISSING: "unknown: no such execution",
}


def register(app: typer.Typer) -> None:
    """Add ``projections`` (with ``rebuild``) to ``app``."""
    app.add_typer(projections_app, name="projections")


async def _batches(
    sessions: async_sessionmaker[AsyncSession], ids: list[uuid.UUID], everything: bool, batch_size: int
) -> AsyncIterator[list[uuid.UUID]]:
    if everything:
        async for batch in execution_id_batches(sessions, batch_size):
            yield batch
        return
    for start in range(0, len(ids), batch_size):
        yield ids[start : start + batch_size]


async def _rebuild(
    settings: Settings, ids: list[uuid.UUID], *, everything: bool, write: bool, batch_size: int, show: bool
) -> list[RebuildResult]:
    results: list[RebuildResult] = []
    async with migrated_database(settings) as sessions:
        if everything:
            async with sessions() as session:
                total = await count_executions(session)
        else:
            total = len(ids)
        display = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("executions"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=not show,
        )
        with display:
            task = display.add_task("checking" if not write else "rebuilding", total=total)
            async for batch in _batches(sessions, ids, everything, batch_size):
                results.extend(await rebuild_batch(sessions, batch, write=write))
                display.update(task, completed=len(results), total=max(total, len(results)))
    return results


def _print(results: list[RebuildResult], write: bool) -> None:
    for result in results:
        label = _LABELS.get(result.outcome)
        if label is None:
            continue
        typer.echo(f"{label}: {result.execution_id}")
        for line in result.differences:
            typer.echo(f"  - {line}")
    counts = Counter(result.outcome for result in results)
    parts = [
        f"{counts[Outcome.REBUILT]} rebuilt" if write else f"{counts[Outcome.DIFFERS]} differ",
        f"{counts[Outcome.MATCHES]} already matching",
        f"{counts[Outcome.RUNNING]} still running (left alone)",
        f"{counts[Outcome.NO_EVENTS]} without events",
    ]
    if counts[Outcome.BROKEN]:
        parts.append(f"{counts[Outcome.BROKEN]} whose event log does not replay")
    if counts[Outcome.MISSING]:
        parts.append(f"{counts[Outcome.MISSING]} unknown")
    typer.echo(f"{len(results)} executions: {', '.join(parts)}; no event was changed")


def _as_json(results: list[RebuildResult], write: bool) -> dict[str, Any]:
    counts = Counter(result.outcome.value for result in results)
    return {
        "write": write,
        "checked": len(results),
        "counts": {outcome.value: counts[outcome.value] for outcome in Outcome},
        "executions": [
            {"id": str(r.execution_id), "outcome": r.outcome.value, "differences": r.differences}
            for r in results
            if r.outcome not in (Outcome.MATCHES, Outcome.NO_EVENTS)
        ],
    }


@projections_app.command("rebuild", help=help_text(__doc__))
def rebuild(
    executions: Annotated[
        list[str] | None,
        typer.Argument(metavar="EXECUTION_ID", help="Executions to rebuild (UUIDs).", show_default=False),
    ] = None,
    *,
    everything: Annotated[bool, typer.Option("--all", help="Every execution in the database.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; list the executions whose rows differ.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, max=10_000, help="Executions per transaction.")
    ] = DEFAULT_BATCH_SIZE,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        ids = [execution_id(text) for text in executions or []]
        if bool(ids) == everything:
            raise CommandFailed("name the executions to rebuild, or pass --all (not both)", EXIT_USAGE)
        write = not check
        results = asyncio.run(
            _rebuild(
                load_settings(),
                list(dict.fromkeys(ids)),
                everything=everything,
                write=write,
                batch_size=batch_size,
                show=not as_json,
            )
        )
        if as_json:
            typer.echo(json.dumps(_as_json(results, write)))
        else:
            _print(results, write)
        bad = {Outcome.BROKEN, Outcome.MISSING} | ({Outcome.DIFFERS} if check else set())
        raise typer.Exit(EXIT_FAILURE if any(r.outcome in bad for r in results) else EXIT_OK)
