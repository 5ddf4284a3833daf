"""``openctl run FILE``: run a DAG of a ``.py`` or ``.json`` file here, without a server.

The file is read and validated as by ``openctl check``; an invalid one is reported and nothing
runs. The run uses core_engine's in-process executor: a live progress bar on stderr while it
runs, then a table of nodes (status, attempts, duration), the failures, the makespan and the
state digest. ``--param k=v`` values are JSON when they parse (``n=3``, ``xs=[1,2]``), else
strings (``who=alice``). Exit 0 when the run succeeded; 1 when the definition is invalid, the
parameters do not fit, or the run did not succeed; 2 on a usage error (no such file, several
DAGs and no ``--dag``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from rich.console import Console

from core_engine.cli import check as engine_check
from core_engine.cli.run import parse_params, select_dag
from core_engine.cli.sources import read_source
from core_engine.dag import DAG
from core_engine.errors import ParamsError
from core_engine.execution import FailurePolicy, RunOptions, RunResult, Strategy, execute, resolve_params
from core_engine.state import RunStatus
from open_backend.cli.guard import EXIT_FAILURE, EXIT_OK, CommandFailed, DebugOption, JsonOption, guard
from open_backend.cli.helptext import help_text
from open_backend.cli.run_progress import RunProgress, progress_display
from open_backend.cli.run_report import as_json, print_result


def register(app: typer.Typer) -> None:
    """Add ``run`` to ``app``."""
    app.command("run", help=help_text(__doc__))(run)


def _not_json(value: Any) -> Any:
    """Values that are not JSON are written as ``{"$repr": repr(value)}`` (as the digest does)."""
    return {"$repr": repr(value)}


async def _execute(dag: DAG, params: dict[str, Any], options: RunOptions, show_progress: bool) -> RunResult:
    if not show_progress:
        return await execute(dag, params, options)
    display = progress_display()
    with display:
        progress = RunProgress(display, dag.name)
        return await execute(dag, params, options, on_event=(progress.on_event,))


def run(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A Python file defining DAGs, or a JSON definition.")
    ],
    *,
    dag_name: Annotated[
        str | None,
        typer.Option("--dag", metavar="NAME", help="Which DAG to run when the file defines several."),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="K=V",
            help="A run parameter; V is parsed as JSON if it parses, else taken as a string. Repeatable.",
        ),
    ] = None,
    strategy: Annotated[
        Strategy, typer.Option(help="Order in which ready nodes start.", case_sensitive=False)
    ] = Strategy.DATAFLOW,
    max_concurrency: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="Most nodes running at once (default: no limit).")
    ] = None,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop the run at the first node failure.")
    ] = False,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="Do not show the live progress bar.")
    ] = False,
    as_json_output: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        source = read_source(file)
        if not source.ok:
            if as_json_output:
                typer.echo(json.dumps(engine_check.as_json(source), indent=2))
            else:
                engine_check.print_report(source, debug=debug)
            raise typer.Exit(EXIT_FAILURE)
        dag = select_dag([entry.dag for entry in source.entries if entry.dag is not None], dag_name)
        try:  # checked before the progress bar shows
            params = resolve_params(dag.params, parse_params(param or []))
        except ParamsError as exc:
            raise CommandFailed(str(exc)) from None
        options = RunOptions(
            strategy=strategy,
            max_concurrency=max_concurrency,
            failure_policy=FailurePolicy.FAIL_FAST if fail_fast else FailurePolicy.CONTINUE,
        )
        result = asyncio.run(_execute(dag, params, options, not (no_progress or as_json_output)))
        if as_json_output:
            typer.echo(json.dumps(as_json(result), default=_not_json))
        else:
            print_result(result, Console())
        raise typer.Exit(EXIT_OK if result.status is RunStatus.SUCCEEDED else EXIT_FAILURE)
