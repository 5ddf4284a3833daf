"""``openctl execute DAG``: start an execution of a DAG (by name or id) on a server.

Parameters are given as --param NAME=VALUE (VALUE is read as JSON when it parses, else taken
as a string: --param n=3 is a number, --param name=ada a string). Without --follow it prints the
execution's id and exits 0. With --follow it shows live progress from the server until the run
ends, then the node table, and exits 0 if the execution succeeded, 1 otherwise. With --json
it prints the execution as one JSON object (after it ends, with --follow).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from open_backend.cli.follow import execution_table, follow_with_progress
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


def register(app: typer.Typer) -> None:
    """Add ``execute`` to ``app``."""
    app.command("execute", help=help_text(__doc__))(execute)


def parse_params(items: list[str]) -> dict[str, Any]:
    """``["n=3", "name=ada"]`` as ``{"n": 3, "name": "ada"}`` (values as JSON when they parse).

    Raises:
        CommandFailed: an item without ``=`` or with an empty name (usage, exit 2).
    """
    params: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise CommandFailed(f"--param {item!r}: expected NAME=VALUE", EXIT_USAGE)
        try:
            params[name.strip()] = json.loads(text)
        except ValueError:
            params[name.strip()] = text
    return params


def execute(
    dag: Annotated[str, typer.Argument(metavar="DAG", help="The DAG's name or id.")],
    *,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A run parameter NAME=VALUE; repeatable.")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The version to run (default: active, else latest).")
    ] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Show live progress until it ends.")] = False,
    idempotency_key: Annotated[
        str | None, typer.Option("--idempotency-key", help="Repeating a key returns its first execution.")
    ] = None,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
    token: TokenOption = None,
    organization: OrganizationOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        params = parse_params(param or [])
        with sdk_errors(as_json), connect(server, api_key, token, organization) as client:
            execution = client.execute(dag, params, version=version, idempotency_key=idempotency_key)
            if not follow:
                if as_json:
                    emit(execution)
                else:
                    typer.echo(f"{execution.id} {execution.status.value}")
                raise typer.Exit(EXIT_OK)
            if as_json:
                execution = client.wait(execution.id)
                emit(execution)
            else:
                typer.echo(f"execution {execution.id}", err=True)
                execution = follow_with_progress(client, execution.id, Console(stderr=True))
                Console().print(execution_table(execution))
        raise typer.Exit(EXIT_OK if execution.status is ExecutionStatus.SUCCEEDED else EXIT_FAILURE)
