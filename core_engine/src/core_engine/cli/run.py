"""``run FILE``: run a DAG of a ``.py`` or ``.json`` file here, without a server.

Shows a live progress line on stderr, then a table of nodes (id, status, attempts, duration),
the makespan and the state digest. ``--param k=v`` values are parsed as JSON when they parse
(``n=3``, ``xs=[1,2]``), else kept as strings (``name=alice``). ``--events-out FILE.jsonl``
writes every event as one JSON line, for ``replay``. Exit 0 when the run succeeded, 1 when the
definition is invalid, the parameters do not fit, or the run did not succeed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from core_engine.cli import check
from core_engine.cli.errors import EXIT_FAILURE, EXIT_OK, UsageError
from core_engine.cli.progress import Progress
from core_engine.cli.sources import read_source
from core_engine.cli.table import failures, node_table, seconds
from core_engine.dag import DAG
from core_engine.errors import ParamsError
from core_engine.events import Event, event_to_dict
from core_engine.execution import FailurePolicy, RunOptions, RunResult, Strategy, execute
from core_engine.state import RunStatus, digest


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register ``run`` on the sub-command parsers ``commands``."""
    parser = commands.add_parser(
        "run",
        parents=parents,
        help="run a DAG of a .py or .json file locally",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="a Python file defining DAGs, or a JSON definition")
    parser.add_argument("--dag", metavar="NAME", help="which DAG to run when the file defines several")
    parser.add_argument(
        "--strategy",
        choices=[s.value for s in Strategy],
        default=Strategy.DATAFLOW.value,
        help="order in which ready nodes start (default: dataflow)",
    )
    parser.add_argument(
        "--max-concurrency",
        type=positive_int,
        metavar="N",
        help="most nodes running at once (default: no limit)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="a run parameter; V is parsed as JSON if it parses, else taken as a string (repeatable)",
    )
    parser.add_argument("--fail-fast", action="store_true", help="stop the run at the first node failure")
    parser.add_argument("--events-out", metavar="FILE.jsonl", help="write every event as a JSON line")
    parser.add_argument("--json", action="store_true", help="print the final state as JSON")
    parser.add_argument("--no-progress", action="store_true", help="do not show the live progress line")
    parser.set_defaults(handler=run_command)


def positive_int(text: str) -> int:
    """``argparse`` type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """``["n=3", "who=alice"]`` -> ``{"n": 3, "who": "alice"}`` (JSON if it parses, else text).

    Raises:
        UsageError: an item has no ``=`` or an empty name.
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        try:
            out[name] = json.loads(text)
        except ValueError:
            out[name] = text
    return out


def run_command(args: argparse.Namespace) -> int:
    """The ``run`` command; returns the exit code."""
    source = read_source(args.file)
    if not source.ok:
        if args.json:
            print(json.dumps(check.as_json(source), indent=2))
        else:
            check.print_report(source, debug=args.debug)
        return EXIT_FAILURE
    dag = select_dag([e.dag for e in source.entries if e.dag is not None], args.dag)
    params = parse_params(args.param)
    options = RunOptions(
        strategy=Strategy(args.strategy),
        max_concurrency=args.max_concurrency,
        failure_policy=FailurePolicy.FAIL_FAST if args.fail_fast else FailurePolicy.CONTINUE,
    )
    try:
        result = asyncio.run(_run(dag, params, options, args))
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        print(json.dumps(as_json(result), indent=2, default=_not_json))
    else:
        print_result(result)
    return EXIT_OK if result.status is RunStatus.SUCCEEDED else EXIT_FAILURE


def select_dag(dags: Sequence[DAG], name: str | None) -> DAG:
    """The DAG called ``name``, or the only one.

    Raises:
        UsageError: no DAG has that name, or several DAGs and no name (or a shared name).
    """
    names = ", ".join(d.name for d in dags)
    if name is None:
        if len(dags) == 1:
            return dags[0]
        raise UsageError(f"the file defines {len(dags)} DAGs ({names}); choose one with --dag NAME")
    matches = [d for d in dags if d.name == name]
    if len(matches) != 1:
        what = "no DAG" if not matches else f"{len(matches)} DAGs"
        raise UsageError(f"{what} called {name!r} in the file (it defines: {names})")
    return matches[0]


async def _run(
    dag: DAG, params: Mapping[str, Any], options: RunOptions, args: argparse.Namespace
) -> RunResult:
    listeners: list[Callable[[Event], None]] = []
    progress = None if args.no_progress else Progress(sys.stderr, dag.name)
    if progress is not None:
        listeners.append(progress.on_event)
    sink = _open_events(args.events_out)
    if sink is not None:

        def write(event: Event) -> None:
            sink.write(json.dumps(event_to_dict(event), default=_not_json) + "\n")

        listeners.append(write)
    try:
        return await execute(dag, params, options, on_event=tuple(listeners))
    finally:
        if progress is not None and progress.total:
            progress.close()
        if sink is not None:
            sink.close()


def _open_events(name: str | None) -> IO[str] | None:
    if name is None:
        return None
    try:
        return Path(name).open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write events to {name}: {exc.strerror or exc}") from None


def _not_json(value: Any) -> Any:
    """Values that are not JSON are written as ``{"$repr": repr(value)}`` (as the digest does)."""
    return {"$repr": repr(value)}


def print_result(result: RunResult) -> None:
    """The node table, then failures, makespan, status and digest."""
    state = result.state
    print(node_table(state))
    problems = failures(state)
    if problems:
        print("\nproblems:")
        for line in problems:
            print(f"  {line}")
    print(
        f"\nrun {state.run_id} of {state.dag_name!r}: {state.status.value}, "
        f"makespan {seconds(state.duration)} s, {len(state.nodes)} nodes"
    )
    print(f"digest {digest(state)}")


def as_json(result: RunResult) -> dict[str, Any]:
    """``{"status", "makespan", "digest", "state"}`` (the state's full JSON form)."""
    state = result.state
    return {
        "status": state.status.value,
        "makespan": state.duration,
        "digest": digest(state),
        "state": state.to_dict(),
    }
