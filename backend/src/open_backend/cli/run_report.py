"""What ``openctl run`` prints after a run: a rich table of nodes and the run's summary, or one
JSON object (:func:`as_json`)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from core_engine.cli.table import failures, plural, seconds
from core_engine.execution import RunResult
from core_engine.state import NodeRun, NodeState, RunState, RunStatus, digest

#: rich style of each node state in the table.
STATE_STYLES: dict[NodeState, str] = {
    NodeState.SUCCEEDED: "green",
    NodeState.FAILED: "bold red",
    NodeState.UPSTREAM_FAILED: "red",
    NodeState.CANCELLED: "yellow",
    NodeState.SKIPPED: "dim",
}


def _status_text(node: NodeRun) -> str:
    text = node.state.value
    if node.resumed:
        text += " (resumed)"
    if node.instances is not None:
        text += f" ({plural(len(node.instances), 'instance')})"
    return text


def node_table(state: RunState) -> Table:
    """One row per node of ``state``, by id: node, status, attempts, duration in seconds."""
    table = Table(title=f"{state.dag_name}: {plural(len(state.nodes), 'node')}", title_justify="left")
    table.add_column("node")
    table.add_column("status")
    table.add_column("attempts", justify="right")
    table.add_column("duration (s)", justify="right")
    for node_id in sorted(state.nodes):
        node = state.nodes[node_id]
        table.add_row(
            node_id,
            _status_text(node),
            str(node.attempts),
            seconds(node.duration),
            style=STATE_STYLES.get(node.state),
        )
    return table


def print_result(result: RunResult, console: Console) -> None:
    """The node table, the problems (failed nodes with their error), makespan, status, digest."""
    state = result.state
    console.print(node_table(state))
    problems = failures(state)
    if problems:
        console.print("\nproblems:", style="bold red")
        for line in problems:
            console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    style = "bold green" if state.status is RunStatus.SUCCEEDED else "bold red"
    console.print(
        f"\nrun {state.run_id} of {state.dag_name!r}: [{style}]{state.status.value}[/], "
        f"makespan {seconds(state.duration)} s, {plural(len(state.nodes), 'node')}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"digest {digest(state)}", highlight=False, soft_wrap=True)


def _node_json(node_id: str, node: NodeRun) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": node_id,
        "status": node.state.value,
        "attempts": node.attempts,
        "duration_s": node.duration,
        "resumed": node.resumed,
        "result": node.result,
        "error": None if node.error is None else {"type": node.error.type, "message": node.error.message},
    }
    if node.reason:
        out["reason"] = node.reason
    if node.instances is not None:
        out["instances"] = len(node.instances)
    return out


def as_json(result: RunResult) -> dict[str, Any]:
    """``{"dag", "run_id", "status", "makespan_s", "digest", "nodes": [...]}``; each node is
    ``{"id", "status", "attempts", "duration_s", "resumed", "result", "error"}`` (plus ``reason``
    and ``instances`` when they apply), sorted by id. Results that are not JSON are dumped by the
    caller as ``{"$repr": ...}``."""
    state = result.state
    return {
        "dag": state.dag_name,
        "run_id": state.run_id,
        "status": state.status.value,
        "makespan_s": state.duration,
        "digest": digest(state),
        "nodes": [_node_json(node_id, state.nodes[node_id]) for node_id in sorted(state.nodes)],
    }
