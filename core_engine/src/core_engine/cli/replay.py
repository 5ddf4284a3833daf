"""``replay FILE.jsonl``: rebuild a run's state from its event log and print it with its digest.

The log is what ``run --events-out`` writes: one JSON event per line. The digest equals the one
``run`` printed for the same run. Exit 1 when a line is not an event or the log has a gap.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core_engine.cli.errors import EXIT_FAILURE, EXIT_OK, UsageError
from core_engine.cli.table import failures, node_table, seconds
from core_engine.events import Event, event_from_dict, format_ts
from core_engine.replay import ReplayError, replay
from core_engine.state import RunState, digest


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register ``replay`` on the sub-command parsers ``commands``."""
    parser = commands.add_parser(
        "replay",
        parents=parents,
        help="rebuild a run's state from a JSON-lines event log",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="a JSON-lines event log, as written by run --events-out")
    parser.add_argument("--json", action="store_true", help="print the state and digest as JSON")
    parser.set_defaults(handler=run_replay)


class LogError(ValueError):
    """A line of the log that is not an event: ``line`` is its 1-based number."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.line = line
        super().__init__(f"{path}:{line}: {message}")


def read_events(path: Path) -> list[Event]:
    """The events of a JSON-lines log, in file order; blank lines are ignored.

    Raises:
        LogError: a line is not JSON or not an event.
        OSError: the file cannot be read.
    """
    events = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                raise LogError(path, number, f"not JSON: {exc}") from None
            if not isinstance(data, dict):
                raise LogError(path, number, f"an event must be a JSON object, got {type(data).__name__}")
            try:
                events.append(event_from_dict(data))
            except (ValueError, TypeError) as exc:
                raise LogError(path, number, str(exc)) from None
    return events


def run_replay(args: argparse.Namespace) -> int:
    """The ``replay`` command; returns the exit code."""
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        state = replay(read_events(path))
    except (LogError, ReplayError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {path}: {exc}" if isinstance(exc, ReplayError) else f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        payload = {"digest": digest(state), "state": state.to_dict()}
        print(json.dumps(payload, indent=2, default=lambda v: {"$repr": repr(v)}))
    else:
        print_state(state)
    return EXIT_OK


def print_state(state: RunState) -> None:
    """Summary lines, the node table, failures and the digest."""
    counts = ", ".join(f"{n} {name}" for name, n in sorted(state.counts().items()))
    started = format_ts(state.started_at) if state.started_at is not None else "-"
    finished = format_ts(state.finished_at) if state.finished_at is not None else "-"
    print(f"run {state.run_id} of {state.dag_name!r} ({state.dag_hash})")
    print(f"status {state.status.value}, {len(state.nodes)} nodes: {counts or 'none'}")
    print(f"started {started}, finished {finished}, duration {seconds(state.duration)} s")
    print()
    print(node_table(state))
    problems = failures(state)
    if problems:
        print("\nproblems:")
        for line in problems:
            print(f"  {line}")
    print(f"\ndigest {digest(state)}")
