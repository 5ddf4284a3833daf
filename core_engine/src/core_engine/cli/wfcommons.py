"""``wfcommons [DIR]``: replay real scientific workflows and compare each run with its bound.

Every WfFormat instance (``*.json``) in DIR (default: see
:func:`core_engine.wfformat.default_data_dir`) becomes a DAG of ``sleep`` nodes, scaled so its
critical path (the runtime-weighted longest path) lasts ``--critical-path-seconds``. Each is run
with each strategy; the table shows makespan / critical path: 1.00 is the best any scheduler can
do, however many workers it has. Exit 1 if the directory is missing, an instance cannot be read,
or a run does not succeed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import Any

from core_engine.cli.errors import EXIT_FAILURE, EXIT_OK, UsageError
from core_engine.cli.progress import Progress
from core_engine.cli.run import positive_int
from core_engine.cli.table import format_table
from core_engine.execution import Strategy
from core_engine.wfformat import (
    DATA_DIR_ENV,
    Measurement,
    WfFormatError,
    WfInstance,
    data_dir_candidates,
    default_data_dir,
    instance_files,
    load_instance,
    measure,
    scale_for_critical_path,
)

DEFAULT_CRITICAL_PATH_SECONDS = 2.0
DEFAULT_STRATEGIES = "dataflow,level"


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register ``wfcommons`` on the sub-command parsers ``commands``."""
    parser = commands.add_parser(
        "wfcommons",
        parents=parents,
        help="replay the bundled WfCommons workflows and compare makespans with critical paths",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dir", nargs="?", help=f"directory of WfFormat *.json files (default: ${DATA_DIR_ENV}, ...)"
    )
    parser.add_argument(
        "--critical-path-seconds",
        type=positive_float,
        default=DEFAULT_CRITICAL_PATH_SECONDS,
        metavar="S",
        help="scale each instance so its critical path lasts S seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--strategies",
        type=strategy_list,
        default=strategy_list(DEFAULT_STRATEGIES),
        metavar="LIST",
        help=f"comma-separated strategies to compare (default: {DEFAULT_STRATEGIES})",
    )
    parser.add_argument(
        "--max-concurrency", type=positive_int, metavar="N", help="most nodes running at once"
    )
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--no-progress", action="store_true", help="do not show live progress")
    parser.set_defaults(handler=run_wfcommons)


def positive_float(text: str) -> float:
    """``argparse`` type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def strategy_list(text: str) -> list[Strategy]:
    """``argparse`` type: ``"dataflow,level"`` -> strategies, in the order given, no repeats."""
    out: list[Strategy] = []
    for name in (part.strip() for part in text.split(",")):
        try:
            strategy = Strategy(name)
        except ValueError:
            known = ", ".join(s.value for s in Strategy)
            raise argparse.ArgumentTypeError(f"unknown strategy {name!r} (known: {known})") from None
        if strategy not in out:
            out.append(strategy)
    return out


def run_wfcommons(args: argparse.Namespace) -> int:
    """The ``wfcommons`` command; returns the exit code."""
    directory = Path(args.dir) if args.dir else default_data_dir()
    if not directory.is_dir():
        looked = [directory] if args.dir else data_dir_candidates()
        print(
            f"error: no WfFormat data directory; looked in: {', '.join(str(p) for p in looked)}\n"
            f"Set {DATA_DIR_ENV} to a directory of WfFormat *.json files, or pass it as DIR.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    files = instance_files(directory)
    if not files:
        raise UsageError(f"{directory}: holds no *.json WfFormat files")
    instances, broken = _load_all(files, args.critical_path_seconds)
    strategies: list[Strategy] = args.strategies
    if not args.json:
        print(
            f"Replaying {len(instances)} WfCommons workflow{'s' if len(instances) != 1 else ''} from "
            f"{directory}\neach scaled so its critical path lasts {args.critical_path_seconds:g} s; "
            f"strategies: {', '.join(strategies)}\n",
            file=sys.stderr,
        )
    measurements = asyncio.run(_measure_all(instances, strategies, args))
    failed = [m for m in measurements if m.status != "succeeded"]
    if args.json:
        payload = {
            "directory": str(directory),
            "critical_path_seconds": args.critical_path_seconds,
            "measurements": [dataclasses.asdict(m) for m in measurements],
            "errors": broken,
        }
        print(json.dumps(payload, indent=2))
    else:
        print(results_table(measurements))
        print("\nratio = makespan / critical path; 1.00 is the lower bound for any scheduler.")
        for m in failed:
            print(f"{m.instance} ({m.strategy}): the run ended {m.status}", file=sys.stderr)
    return EXIT_FAILURE if broken or failed else EXIT_OK


def _load_all(files: list[Path], critical_path_seconds: float) -> tuple[list[WfInstance], list[str]]:
    """Instances scaled to the target critical path, smallest first; errors as text (printed)."""
    instances, broken = [], []
    for path in files:
        try:
            instances.append(load_instance(path, scale_for_critical_path(path, critical_path_seconds)))
        except (WfFormatError, ValueError) as exc:  # ValueError: a critical path of 0 s
            broken.append(str(exc))
            print(f"error: {exc}", file=sys.stderr)
    instances.sort(key=lambda inst: (len(inst.dag), inst.name))
    return instances, broken


async def _measure_all(
    instances: list[WfInstance], strategies: list[Strategy], args: argparse.Namespace
) -> list[Measurement]:
    out: list[Measurement] = []
    total = len(instances) * len(strategies)
    width = max((len(inst.name) for inst in instances), default=0)
    for inst in instances:
        for strategy in strategies:
            count = f"[{len(out) + 1:>{len(str(total))}}/{total}]"
            label = f"{count} {inst.name.ljust(width)}  {strategy.value:<10}"
            progress = None if args.no_progress or args.json else Progress(sys.stderr, label)
            summary = None
            try:
                m = await measure(
                    inst,
                    strategy,
                    args.max_concurrency,
                    on_event=progress.on_event if progress is not None else None,
                )
                summary = (
                    f"{label}  makespan {m.makespan:6.3f} s  ratio {m.ratio:.3f}  "
                    f"{len(inst.dag)} nodes {m.status}"
                )
            finally:
                if progress is not None:
                    progress.close(summary)
            out.append(m)
    return out


def results_table(measurements: list[Measurement]) -> str:
    """instance, nodes, edges, strategy, critical path (s), makespan (s), ratio; one row each."""
    rows = [
        [
            m.instance,
            str(m.nodes),
            str(m.edges),
            m.strategy if m.status == "succeeded" else f"{m.strategy} ({m.status})",
            f"{m.critical_path:.3f}",
            f"{m.makespan:.3f}",
            f"{m.ratio:.3f}",
        ]
        for m in measurements
    ]
    headers = ["instance", "nodes", "edges", "strategy", "critical path (s)", "makespan (s)", "ratio"]
    return format_table(headers, rows, right=(1, 2, 4, 5, 6))
