"""Following a remote execution on the terminal: a live rich progress bar driven by the
``executionEvents`` subscription, event lines for ``tail``, and the node table at the end."""

from __future__ import annotations

from typing import Final

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from open_sdk import Client, Execution, ExecutionEvent

#: Event kinds that end a node (or a mapped node as a whole).
NODE_ENDS: Final = frozenset(
    {"node_succeeded", "node_failed", "node_skipped", "node_cancelled", "node_upstream_failed"}
)
#: Characters of a result or error the node table shows (the rest is cut, marked with "…").
RESULT_CHARS: Final = 72
STATUS_STYLE: Final = {"SUCCEEDED": "green", "FAILED": "red", "CANCELLED": "yellow", "TIMED_OUT": "red"}


def follow_with_progress(client: Client, execution_id: str, console: Console) -> Execution:
    """Show the execution's progress (nodes ended out of all) until it ends; returns it ended.

    Raises:
        open_sdk.OpenError: the server refused or could not be reached.
    """
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("nodes"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
    ) as progress:
        task = progress.add_task(execution_id[:8], total=None, last="")
        for event in client.events(execution_id):
            if event.kind == "run_started":
                progress.update(task, total=int(event.payload.get("node_count", 0)))
            elif event.kind in NODE_ENDS and event.map_index is None:
                progress.update(task, advance=1, last=f"{event.node_id} {event.kind.removeprefix('node_')}")
    return client.wait(execution_id)


def event_line(event: ExecutionEvent) -> str:
    """One line for an event: sequence, time, kind, node and the detail that matters."""
    payload = event.payload
    node = "" if event.node_id is None else event.node_id
    if event.map_index is not None:
        node += f"[{event.map_index}]"
    detail = ""
    if event.kind in {"node_started", "node_retrying"}:
        detail = f"attempt {payload.get('attempt')}"
    elif event.kind == "node_succeeded" and isinstance(payload.get("duration"), int | float):
        detail = f"{payload['duration']:.3f} s"
    elif event.kind == "node_failed" and isinstance(payload.get("error"), dict):
        detail = f"{payload['error'].get('type')}: {payload['error'].get('message')}"
    elif event.kind == "run_finished":
        detail = str(payload.get("status", ""))
    elif event.kind == "run_started":
        detail = f"{payload.get('dag_name')} ({payload.get('node_count')} nodes)"
    stamp = event.ts.strftime("%H:%M:%S.%f")[:-3]
    return f"{event.sequence:>5} {stamp} {event.kind:<20} {node:<24} {detail}".rstrip()


def execution_table(execution: Execution) -> Table:
    """The execution's nodes: id, status, attempts, seconds, and result or error."""
    style = STATUS_STYLE.get(execution.status.value, "")
    table = Table(title=f"execution {execution.id}: [{style}]{execution.status.value}[/]")
    for column in ("node", "status", "attempts", "seconds", "result / error"):
        table.add_column(column, overflow="fold")
    for node in execution.nodes:
        name = node.node_id if node.map_index is None else f"{node.node_id}[{node.map_index}]"
        outcome = (
            f"{node.error.get('type')}: {node.error.get('message')}"
            if node.error
            else node.result_ref or ("" if node.result is None else repr(node.result))
        )
        seconds = "" if node.duration_s is None else f"{node.duration_s:.3f}"
        short = outcome if len(outcome) <= RESULT_CHARS else outcome[: RESULT_CHARS - 1] + "…"
        table.add_row(name, node.status, str(node.attempts), seconds, short)
    return table
