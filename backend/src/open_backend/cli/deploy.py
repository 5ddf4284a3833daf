"""``openctl deploy FILE``: push the DAGs a file defines to a server, each as a new version.

FILE is a Python file defining DAGs (imported as ``openctl check`` does) or a JSON definition.
Every DAG is checked locally first; if any is invalid nothing is pushed. Each DAG is found by
name in the organization and created when missing; a version is added only when its content
hash differs from the latest version's, so unchanged DAGs create nothing. Prints a table (DAG,
version, outcome: created, updated or unchanged), or with --json one object. Exit 0 on success,
1 when a DAG is invalid or the server refuses, 2 for a missing file.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core_engine.cli.sources import read_source
from open_backend.cli.guard import EXIT_FAILURE, CommandFailed, DebugOption, JsonOption, guard
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
from open_sdk import DeployResult


def register(app: typer.Typer) -> None:
    """Add ``deploy`` to ``app``."""
    app.command("deploy", help=help_text(__doc__))(deploy)


def deploy(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A Python file defining DAGs, or a JSON definition.")
    ],
    *,
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="Recorded with each new version.")
    ] = None,
    activate: Annotated[
        bool, typer.Option("--activate", help="Also make each pushed version the one executions run.")
    ] = False,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
    token: TokenOption = None,
    organization: OrganizationOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        source = read_source(file)
        if source.error is not None:
            raise CommandFailed(f"{file}: {source.error}")
        if not source.entries:
            raise CommandFailed(f"{file}: defines no DAG")
        invalid = [entry for entry in source.entries if entry.dag is None]
        if invalid:
            problems = "; ".join(
                f"{entry.name}: {issue.node_id or 'dag'}: {issue.message}"
                for entry in invalid
                for issue in entry.issues
            )
            raise CommandFailed(f"{file}: invalid, nothing deployed: {problems}", EXIT_FAILURE)
        results: list[DeployResult] = []
        with sdk_errors(as_json), connect(server, api_key, token, organization) as client:
            for entry in source.entries:
                assert entry.dag is not None
                results.append(client.deploy(entry.dag.to_dict(), message=message, activate=activate))
        if as_json:
            emit({"dags": [_row(result) for result in results]})
        else:
            _print_table(results)


def _row(result: DeployResult) -> dict[str, object]:
    return {
        "name": result.dag.name,
        "dag_id": result.dag.id,
        "version": result.version.version,
        "outcome": result.outcome,
        "content_hash": result.version.content_hash,
        "active_version": None if result.dag.active_version is None else result.dag.active_version.version,
    }


def _print_table(results: list[DeployResult]) -> None:
    table = Table("DAG", "version", "outcome", "content hash")
    for result in results:
        table.add_row(
            result.dag.name, str(result.version.version), result.outcome, result.version.content_hash[:19]
        )
    Console().print(table)
