"""Planning time: building, hashing and ordering a layered DAG, step by step.

One fresh process per size builds the node list once, then per repetition times
``DAG.create`` (validation included), ``content_hash`` (on the new DAG, so never cached), the
DAG's ``topological_order()``, ``levels()`` and ``critical_path(durations)``, and the
:mod:`core_engine.plan` functions on the index arrays directly.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time

from benchmarks import shapes
from benchmarks.isolate import IsolatedError, run_isolated
from benchmarks.report import NONE, Section, Table, count_label
from core_engine import DAG, plan

#: ``(nodes, repetitions)`` per size, full run and ``--quick``.
FULL_SIZES = ((10_000, 5), (100_000, 3))
QUICK_SIZES = ((10_000, 3), (100_000, 1))

#: The target: the three planning calls of the DAG API on this many nodes, in seconds.
TARGET_NODES = 100_000
TARGET_SECONDS = 0.5

#: Steps in table order: key, label. The first two are build costs, the rest planning.
STEPS = (
    ("create", "DAG.create (build + validate)"),
    ("hash", "dag.content_hash"),
    ("topo", "dag.topological_order()"),
    ("levels", "dag.levels()"),
    ("critical", "dag.critical_path(durations)"),
    ("plan_topo", "plan.topological_order (index arrays)"),
    ("plan_levels", "plan.levels (index arrays)"),
    ("plan_critical", "plan.critical_path (index arrays)"),
)

#: The steps whose sum is judged against the target.
PLANNING = ("topo", "levels", "critical")


class _Stopwatch:
    """Appends the seconds of each ``with`` block to ``times[key]``."""

    def __init__(self, times: dict[str, list[float]]) -> None:
        self.times = times
        self.key = ""
        self.t0 = 0.0

    def __call__(self, key: str) -> _Stopwatch:
        self.key = key
        return self

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.times[self.key].append(time.perf_counter() - self.t0)


def measure(n: int, reps: int) -> dict[str, list[float]]:
    """Child side: seconds per step (keys of :data:`STEPS`), one entry per repetition."""
    nodes = shapes.nodes_for(shapes.layered_upstream(n))
    durations = {node.id: 1.0 + i % 7 for i, node in enumerate(nodes)}  # seconds, varied
    times: dict[str, list[float]] = {key: [] for key, _ in STEPS}
    timed = _Stopwatch(times)
    for _ in range(reps):
        gc.collect()
        with timed("create"):
            dag = DAG.create(f"layered-{n}", nodes)
        with timed("hash"):
            _ = dag.content_hash
        with timed("topo"):
            dag.topological_order()
        with timed("levels"):
            dag.levels()
        with timed("critical"):
            dag.critical_path(durations)
        indegree = [len(ups) for ups in dag.upstream]
        weights = [durations[node.id] for node in dag.nodes]
        with timed("plan_topo"):
            order = plan.topological_order(dag.downstream, indegree)
        with timed("plan_levels"):
            plan.levels(order, dag.upstream)
        with timed("plan_critical"):
            plan.critical_path(order, dag.upstream, weights)
        del dag
    return times


def _method(sizes: tuple[tuple[int, int], ...]) -> str:
    reps = ", ".join(f"{r} at {count_label(n)}" for n, r in sizes)
    return f"""
Shape: **layered** (layers of {shapes.LAYER_WIDTH} nodes, each waiting for {shapes.LAYER_FAN_IN} nodes of the
previous layer), trivial async tasks, ordering-only dependencies. The node objects are made
once per process (untimed); each repetition then times, with `time.perf_counter`:
`DAG.create` (every validation rule, index arrays, order and levels), `content_hash` of that new
DAG (canonical JSON + SHA-256; nothing cached), the DAG's `topological_order()`, `levels()` and
`critical_path(durations)` (the public planning API, returning node ids), and the
`core_engine.plan` functions on the index arrays alone. One fresh process per size,
`gc.collect()` before each repetition. Repetitions: {reps}; cells show medians in milliseconds.

Target: planning (topological order + levels + critical path through the DAG API) of a
{count_label(TARGET_NODES)}-node DAG in <= {TARGET_SECONDS:g} s ("well under a second"). Building and hashing
are reported beside it; they happen once per DAG version, when it is saved.
"""


def run(quick: bool) -> Section:
    """Measure every size in its own process; one table with a column per size."""
    sizes = QUICK_SIZES if quick else FULL_SIZES
    medians: dict[int, dict[str, float]] = {}
    table = Table(
        "Planning time, layered DAG (median ms)",
        ("step", *(f"{count_label(n)} nodes" for n, _ in sizes), f"<= {TARGET_SECONDS:g} s"),
    )
    for n, reps in sizes:
        print(f"  planning: layered {count_label(n)} x{reps} ...", file=sys.stderr, flush=True)
        try:
            times = run_isolated("benchmarks.planning:measure", {"n": n, "reps": reps})
        except IsolatedError as exc:
            table.error(str(exc))
            continue
        medians[n] = {key: statistics.median(values) for key, values in times.items()}

    def cells(keys: tuple[str, ...]) -> list[str]:
        return [
            f"{sum(medians[n][key] for key in keys) * 1e3:.1f}" if n in medians else "error" for n, _ in sizes
        ]

    for key, label in STEPS:
        table.add(label, *cells((key,)), NONE)
    verdict = NONE
    if TARGET_NODES in medians:
        total = sum(medians[TARGET_NODES][key] for key in PLANNING)
        verdict = table.judge(
            f"planning {count_label(TARGET_NODES)} nodes: {total:.3f} s (target <= {TARGET_SECONDS:g} s)",
            total <= TARGET_SECONDS,
        )
    else:
        table.notes.append(f"the target needs the {count_label(TARGET_NODES)}-node size, not measured")
    table.add("planning total (topological order + levels + critical path)", *cells(PLANNING), verdict)
    table.add("build + hash + planning total", *cells(("create", "hash", *PLANNING)), NONE)
    return Section("planning", "Planning time", _method(sizes), [table])
