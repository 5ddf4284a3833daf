"""Plain-text tables for the terminal, and the per-node table of a run."""

from __future__ import annotations

from collections.abc import Sequence

from core_engine.state import NodeRun, NodeState, RunState


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell, a rule under the headers; columns whose indices are
    in ``right`` are right-aligned (numbers). Returns the text without a final newline."""
    widths = [len(h) for h in headers]
    for row in rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[k]) if k in right else cell.ljust(widths[k]) for k, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)])


def plural(count: int, noun: str) -> str:
    """``"1 node"``, ``"3 nodes"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def seconds(value: float | None, digits: int = 3) -> str:
    """``1.234`` for a number of seconds, ``-`` for ``None``."""
    return "-" if value is None else f"{value:.{digits}f}"


def node_table(state: RunState) -> str:
    """One row per node of ``state``, sorted by id: id, status, attempts, duration (s)."""
    rows = [_node_row(nid, state.nodes[nid]) for nid in sorted(state.nodes)]
    return format_table(["node", "status", "attempts", "duration (s)"], rows, right=(2, 3))


def _node_row(node_id: str, node: NodeRun) -> list[str]:
    status = node.state.value
    if node.resumed:
        status += " (resumed)"
    if node.instances is not None:
        status += f" ({len(node.instances)} instances)"
    return [node_id, status, str(node.attempts), seconds(node.duration)]


def failures(state: RunState) -> list[str]:
    """One line per node that failed (its error) or could not run (which upstream failed)."""
    out = []
    for nid in sorted(state.nodes):
        node = state.nodes[nid]
        if node.state is NodeState.FAILED and node.error is not None:
            out.append(f"{nid}: {node.error.type}: {node.error.message}")
        elif node.state is NodeState.UPSTREAM_FAILED:
            out.append(f"{nid}: not run, upstream {node.reason!r} failed")
    return out
