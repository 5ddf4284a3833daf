"""``openctl executions``: look at a server's executions (list, show, tail)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from open_backend.cli.follow import event_line, execution_table
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
from open_backend.cli.remote import (
    ApiKeyOption,
    OrganizationOption,
    ServerOption,
    TokenOption,
    connect,
    emit,
    sdk_errors,
)
from open_sdk import ExecutionStatus

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The execution's id.")]

TAIL_HELP = """Print an execution's events: those already in its log, then live ones, until it ends.

One line per event (sequence, time, kind, node, detail), or with --json one JSON object per
line. --after N starts after sequence N. Exit 0 if the execution succeeded, 1 otherwise.
"""
LIST_HELP = "List executions, newest first, optionally of one DAG (name or id) and one status."
SHOW_HELP = "Show an execution: its status, parameters and node table (results and errors)."


def register(app: typer.Typer) -> None:
    """Add the ``executions`` group (``list``, ``show``, ``tail``) to ``app``."""
    group = typer.Typer(help=help_text(__doc__), no_args_is_help=True)
    group.command("list", help=LIST_HELP)(list_executions)
    group.command("show", help=SHOW_HELP)(show)
    group.command("tail", help=help_text(TAIL_HELP))(tail)
    app.add_typer(group, name="executions")


def tail(
    execution_id: IdArgument,
    *,
    after: Annotated[int, typer.Option("--after", help="Start after this sequence (default: all).")] = -1,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
    token: TokenOption = None,
    organization: OrganizationOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        with sdk_errors(as_json), connect(server, api_key, token, organization) as client:
            for event in client.events(execution_id, after_sequence=after):
                if as_json:
                    emit(event, lines=True)
                else:
                    typer.echo(event_line(event))
            execution = client.wait(execution_id)
        raise typer.Exit(EXIT_OK if execution.status is ExecutionStatus.SUCCEEDED else EXIT_FAILURE)


def list_executions(
    *,
    dag: Annotated[str | None, typer.Option("--dag", help="Only this DAG's (name or id).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status (e.g. FAILED).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many.")] = 20,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
    token: TokenOption = None,
    organization: OrganizationOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        if status is not None and status.upper() not in ExecutionStatus.__members__:
            choices = ", ".join(ExecutionStatus.__members__)
            raise CommandFailed(f"--status {status!r}: expected one of {choices}", EXIT_USAGE)
        with sdk_errors(as_json), connect(server, api_key, token, organization) as client:
            found = client.executions(dag=dag, status=None if status is None else status.upper(), limit=limit)
        if as_json:
            emit({"executions": found})
            return
        table = Table("id", "status", "created", "nodes")
        table.columns[0].overflow = "fold"
        for execution in found:
            table.add_row(
                execution.id,
                execution.status.value,
                execution.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                str(len(execution.nodes)),
            )
        Console().print(table)


def show(
    execution_id: IdArgument,
    *,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
    token: TokenOption = None,
    organization: OrganizationOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        with sdk_errors(as_json), connect(server, api_key, token, organization) as client:
            execution = client.execution(execution_id)
        if as_json:
            emit(execution)
            return
        console = Console()
        console.print(f"dag {execution.dag_id}  params {execution.params}")
        console.print(execution_table(execution))
