"""Real workflows: makespan of WfCommons instances against their critical path.

Each bundled WfFormat instance (:func:`core_engine.wfformat.instance_files`) is replayed as a DAG
of ``sleep`` tasks whose runtimes are scaled so the critical path lasts a fixed number of
seconds; no scheduler can finish sooner, so makespan / critical path measures what scheduling
loses. One fresh process per instance runs it once untimed with every sleep at 0 s (warm-up),
then once per strategy.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from benchmarks.isolate import ROOT, IsolatedError, run_isolated
from benchmarks.report import NONE, Section, Table, count_label

#: Seconds the critical path is scaled to, full run and ``--quick``.
FULL_CRITICAL_PATH = 2.0
QUICK_CRITICAL_PATH = 0.5

#: Strategies measured, in table order; the target applies to the first.
STRATEGIES = ("dataflow", "level")

#: Target: makespan / critical path with the dataflow strategy.
TARGET_RATIO = 1.02


def measure(path: str, critical_path: float) -> dict[str, Any]:
    """Child side: the instance's size and, per strategy, its measurement as a dict."""
    from core_engine import wfformat

    warm = wfformat.load_instance(path, 0.0)
    asyncio.run(wfformat.measure(warm, STRATEGIES[0]))
    del warm
    instance = wfformat.load_instance(path, wfformat.scale_for_critical_path(path, critical_path))
    out: dict[str, Any] = {}
    for strategy in STRATEGIES:
        m = asyncio.run(wfformat.measure(instance, strategy))
        out[strategy] = {
            "instance": m.instance,
            "nodes": m.nodes,
            "edges": m.edges,
            "critical_path": m.critical_path,
            "makespan": m.makespan,
            "ratio": m.ratio,
            "status": m.status,
        }
    return out


def _method(critical_path: float, data_dir: str) -> str:
    return f"""
Instances: every `*.json` file in the WfCommons data directory ({data_dir}; set
`OPEN_WFCOMMONS_DIR` to use another), imported by `core_engine.wfformat`: one
`sleep` node per task, sleeping its recorded `runtimeInSeconds` times a scale chosen so the
runtime-weighted critical path lasts **{critical_path:g} s**. With unlimited workers the critical path is
the shortest possible makespan, so makespan / critical path is the time the scheduler loses.

Timed: `core_engine.wfformat.measure(instance, strategy)`, i.e. one `execute()` with no
concurrency limit; the makespan is the run's own monotonic duration from `run_started` to
`run_finished`. Strategies: **dataflow** (a node starts when its upstream nodes end) and
**level** (level n+1 starts when all of level n has ended; shown for comparison, no target).
One fresh process per instance; an untimed warm-up run of the same DAG with every sleep at 0 s,
then one run per strategy. Target: ratio <= {TARGET_RATIO:g} with dataflow.
"""


def run(quick: bool) -> Section:
    """Measure every bundled instance in its own process; one table."""
    critical_path = QUICK_CRITICAL_PATH if quick else FULL_CRITICAL_PATH
    columns = (
        "instance",
        "nodes",
        "edges",
        "critical path s",
        *(f"{s} makespan s" for s in STRATEGIES),
        *(f"{s} ratio" for s in STRATEGIES),
        f"<= {TARGET_RATIO:g} (dataflow)",
    )
    table = Table(f"WfCommons instances, critical path scaled to {critical_path:g} s", columns)
    try:
        from core_engine import wfformat
    except ImportError as exc:
        table.error(f"core_engine.wfformat is not available ({exc}); nothing measured")
        return Section("wfcommons", "WfCommons workflows", _method(critical_path, "-"), [table])
    data_dir: Path = wfformat.default_data_dir()
    files = wfformat.instance_files(data_dir) if data_dir.is_dir() else []
    if not files:
        looked = ", ".join(_display(p) for p in wfformat.data_dir_candidates())
        table.error(f"no WfFormat instances found (looked in: {looked})")
    for path in files:
        print(f"  wfcommons: {path.name} ...", file=sys.stderr, flush=True)
        try:
            got = run_isolated(
                "benchmarks.wfcommons:measure", {"path": _display(path), "critical_path": critical_path}
            )
        except IsolatedError as exc:
            table.error(str(exc))
            table.add(path.stem, *(["error"] * (len(columns) - 2)), NONE)
            continue
        first = got[STRATEGIES[0]]
        bad = [f"{s} run ended {got[s]['status']}" for s in STRATEGIES if got[s]["status"] != "succeeded"]
        for problem in bad:
            table.error(f"{path.stem}: {problem}")
        ratio = first["ratio"]
        verdict = table.judge(
            f"{path.stem}: dataflow makespan {ratio:.3f}x the critical path (target <= {TARGET_RATIO:g})",
            ratio <= TARGET_RATIO and not bad,
        )
        table.add(
            path.stem,
            count_label(first["nodes"]),
            count_label(first["edges"]),
            f"{first['critical_path']:.3f}",
            *(f"{got[s]['makespan']:.3f}" for s in STRATEGIES),
            *(f"{got[s]['ratio']:.3f}" for s in STRATEGIES),
            verdict,
        )
    return Section("wfcommons", "WfCommons workflows", _method(critical_path, _display(data_dir)), [table])


def _display(path: Path) -> str:
    """``path`` relative to the repository root: no machine-specific paths in the report."""
    return os.path.relpath(path, ROOT)
