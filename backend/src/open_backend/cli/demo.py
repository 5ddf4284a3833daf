"""``openctl demo``: OPEN on one machine, end to end, in one command.

Starts the platform on the settings of the environment (with none: the embedded SQLite
database in ``OPEN_DATA_DIR`` and executions run by the server itself; with ``REDIS_URL``: an
arq worker in this process takes them from the queue), signs in a demo user, deploys the
examples of ``open_examples`` through the GraphQL API, runs the wine data pipeline through the
real execution path (API, queue, worker, event log) with live progress from the subscription,
prints its nodes and report, and keeps the server running until Ctrl-C (``--no-wait``: stop
after the run; the exit code says whether it succeeded).

The examples' tasks are Python functions of ``open_examples``: the demo adds that package to
``OPEN_ALLOWED_CALLABLE_MODULES`` for its own server.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import socket
from typing import Annotated, Final

import typer
from rich.console import Console
from rich.table import Table

from open_backend.cli.database import load_settings
from open_backend.cli.demo_server import DemoServer
from open_backend.cli.demo_user import DEMO_EMAIL, DEMO_PASSWORD, demo_token
from open_backend.cli.follow import execution_table, follow_with_progress
from open_backend.cli.guard import EXIT_FAILURE, CommandFailed, DebugOption, guard
from open_backend.cli.helptext import help_text
from open_backend.cli.remote import sdk_errors
from open_backend.db.migrate import upgrade_database
from open_backend.settings import Settings
from open_sdk import Client, Execution, ExecutionStatus

#: The example modules the demo deploys, in this order; the first one runs.
EXAMPLES: Final = (
    "open_examples.wine_pipeline",
    "open_examples.ml_search",
    "open_examples.native_primes",
    "open_examples.wfcommons",
)
#: The package whose functions the demo's server may run.
EXAMPLES_PACKAGE: Final = "open_examples"


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""
    app.command("demo", help=help_text(__doc__))(demo)


def demo_settings(settings: Settings) -> Settings:
    """``settings`` with :data:`EXAMPLES_PACKAGE` added to the allowed callable modules."""
    allowed = settings.callable_module_allow_list
    if EXAMPLES_PACKAGE in allowed:
        return settings
    joined = ",".join((*allowed, EXAMPLES_PACKAGE))
    return settings.model_copy(update={"allowed_callable_modules": joined})


def _check_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandFailed(
                f"cannot listen on {host}:{port} ({exc.strerror}): pass another --port"
            ) from None


def _deploy_examples(client: Client, console: Console) -> None:
    table = Table(title="examples deployed")
    for column in ("DAG", "version", "outcome", "nodes"):
        table.add_column(column)
    for name in EXAMPLES:
        dag = importlib.import_module(name).dag
        result = client.deploy(dag, message="openctl demo", activate=True)
        table.add_row(result.dag.name, str(result.version.version), result.outcome, str(len(dag.nodes)))
    console.print(table)


def _report(console: Console, results: dict[str, object]) -> None:
    report = results.get("report")
    if not isinstance(report, dict):
        return
    console.print(f"[bold]report:[/] {report.get('report')}")
    summary = report.get("summary")
    if isinstance(summary, dict):
        for key, value in summary.items():
            console.print(f"  {key}: {value}")


def _run_example(client: Client, console: Console) -> Execution:
    _deploy_examples(client, console)
    execution = client.execute("wine_pipeline")
    console.print(f"execution {execution.id} of wine_pipeline: queued")
    ended = follow_with_progress(client, execution.id, console)
    console.print(execution_table(ended))
    _report(console, ended.results)
    return ended


def demo(
    host: Annotated[str, typer.Option(help="Address the server listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port the server listens on.")] = 8000,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Keep the server running after the run (until Ctrl-C).")
    ] = True,
    debug: DebugOption = False,
) -> None:
    console = Console()
    with guard(debug):
        settings = demo_settings(load_settings())
        # The examples write their reports under OPEN_ARTIFACT_DIR; the demo's own workers run
        # in this process, so its artifact folder is where the report goes.
        os.environ.setdefault("OPEN_ARTIFACT_DIR", str(settings.artifact_path))
        _check_port(host, port)
        if settings.database_backend != "sqlite":  # the embedded SQLite migrates itself
            with console.status("migrating the database"):
                asyncio.run(upgrade_database(settings.database_url))
        url = f"http://{host}:{port}"
        mode = "an arq worker on Redis" if settings.redis_url else "the in-process executor"
        console.print(f"[bold]OPEN demo[/]: {settings.database_backend} database, executions by {mode}")
        server = DemoServer(settings, host, port)
        try:
            with console.status("starting the server"):
                server.start()
            with sdk_errors(as_json=False), Client(url, token=demo_token(url)) as client:
                ended = _run_example(client, console)
            console.print(f"\nOPEN runs at [bold]{url}[/]: the web app is {url}/ (its monitor:")
            console.print(f"{url}/executions/{ended.id}), the GraphQL API is {url}/graphql")
            console.print(f"sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
            if wait:
                console.print("the server keeps running; Ctrl-C stops it")
                with contextlib.suppress(KeyboardInterrupt):
                    server.wait_stopped()
        finally:
            server.stop()
        if ended.status is not ExecutionStatus.SUCCEEDED:
            raise CommandFailed(f"the execution ended {ended.status.value}", EXIT_FAILURE)
