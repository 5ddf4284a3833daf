"""Scheduling overhead per node: ``core_engine.execute`` against raw asyncio on trivial tasks.

Per shape and size, one fresh process builds the DAG and computes its ``content_hash`` (both
untimed here: the planning section reports them), warms both runners up on a 1k-node DAG of
the same shape, then times engine and raw runs interleaved, alternating which goes first, with
``gc.collect()`` before each. Each timing is one ``asyncio.run`` of the whole DAG, measured
inside the loop with ``time.perf_counter``.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from benchmarks import baseline, shapes
from benchmarks.isolate import IsolatedError, run_isolated
from benchmarks.report import NONE, Section, Table, count_label
from core_engine import DAG, RunStatus, execute

#: ``(nodes, repetitions)`` per size, full run and ``--quick``.
FULL_SIZES = ((1_000, 9), (10_000, 9), (100_000, 3))
QUICK_SIZES = ((1_000, 3), (10_000, 3))

#: Nodes of the warm-up DAG run (untimed) before the timed runs.
WARMUP_NODES = 1_000

#: The targets hold at this size: engine microseconds per node, and engine / raw.
TARGET_NODES = 10_000
TARGET_US_PER_NODE = 15.0
TARGET_RATIO = 2.5


async def _time_engine(dag: DAG) -> float:
    t0 = time.perf_counter()
    result = await execute(dag)
    elapsed = time.perf_counter() - t0
    if result.status is not RunStatus.SUCCEEDED:
        raise RuntimeError(f"{dag.name}: the run ended {result.status.value}")
    return elapsed


async def _time_raw(dag: DAG) -> float:
    t0 = time.perf_counter()
    await baseline.run_dag(dag.upstream, shapes.noop)
    return time.perf_counter() - t0


def measure(shape: str, n: int, reps: int) -> dict[str, list[float]]:
    """Child side: ``{"engine": [s, ...], "raw": [s, ...]}``, wall seconds per whole run."""
    dag = shapes.build(shape, n)
    _ = dag.content_hash  # the platform stores it with the version: not part of a run's cost
    warm = shapes.build(shape, min(n, WARMUP_NODES))
    asyncio.run(_time_engine(warm))
    asyncio.run(_time_raw(warm))
    del warm
    times: dict[str, list[float]] = {"engine": [], "raw": []}
    runners: list[tuple[str, Callable[[DAG], Coroutine[Any, Any, float]]]] = [
        ("engine", _time_engine),
        ("raw", _time_raw),
    ]
    for rep in range(reps):
        for name, runner in runners if rep % 2 == 0 else runners[::-1]:
            gc.collect()
            times[name].append(asyncio.run(runner(dag)))
    return times


def _method(sizes: tuple[tuple[int, int], ...]) -> str:
    reps = ", ".join(f"{r} at {count_label(n)}" for n, r in sizes)
    return f"""
Every node runs `async def noop(**kw): return None`. Shapes: **chain** (each node waits for the
previous one), **fanout** (one root, N-2 parallel nodes, one sink waiting for all of them) and
**layered** (layers of {shapes.LAYER_WIDTH} nodes, each waiting for {shapes.LAYER_FAN_IN} nodes of
the previous layer). Timed: the wall time of `await core_engine.execute(dag)` (default options:
dataflow strategy, no concurrency limit), divided by N. The DAG is built and its `content_hash`
computed beforehand; their cost is in the planning section.

Baseline (**raw**): plain asyncio, no engine: one task per node, all created up front; each awaits
its upstream nodes' futures, awaits `noop()` and sets its own future. It keeps no state, emits no
events and validates nothing.

Method: one fresh process per shape and size; an untimed warm-up on a {count_label(WARMUP_NODES)}-node DAG of
the same shape; then engine and raw runs interleaved (alternating which goes first), `gc.collect()`
before each, each run in its own `asyncio.run`. Repetitions: {reps}. Cells show medians; the
ratio is the median of the per-repetition ratios engine / raw. Targets, at
{count_label(TARGET_NODES)} nodes: <= {TARGET_US_PER_NODE:g} us per node and <= {TARGET_RATIO:g}x raw.
"""


def run(quick: bool) -> Section:
    """Measure every shape and size; one table, targets judged at :data:`TARGET_NODES`."""
    sizes = QUICK_SIZES if quick else FULL_SIZES
    table = Table(
        "Scheduling overhead per node (trivial async tasks)",
        (
            "shape",
            "nodes",
            "reps",
            "engine us/node",
            "raw us/node",
            "engine/raw",
            f"<= {TARGET_US_PER_NODE:g} us",
            f"<= {TARGET_RATIO:g}x raw",
        ),
    )
    for shape in shapes.SHAPES:
        for n, reps in sizes:
            print(f"  overhead: {shape} {count_label(n)} x{reps} ...", file=sys.stderr, flush=True)
            try:
                times = run_isolated("benchmarks.overhead:measure", {"shape": shape, "n": n, "reps": reps})
            except IsolatedError as exc:
                table.error(str(exc))
                table.add(shape, count_label(n), str(reps), "error", "error", "error", NONE, NONE)
                continue
            engine_us = statistics.median(times["engine"]) / n * 1e6
            raw_us = statistics.median(times["raw"]) / n * 1e6
            ratio = statistics.median(e / r for e, r in zip(times["engine"], times["raw"], strict=True))
            us_cell = ratio_cell = NONE
            if n == TARGET_NODES:
                label = f"{shape} {count_label(n)}"
                us_cell = table.judge(
                    f"{label}: {engine_us:.1f} us/node (target <= {TARGET_US_PER_NODE:g})",
                    engine_us <= TARGET_US_PER_NODE,
                )
                ratio_cell = table.judge(
                    f"{label}: {ratio:.2f}x raw (target <= {TARGET_RATIO:g}x)", ratio <= TARGET_RATIO
                )
            table.add(
                shape,
                count_label(n),
                str(reps),
                f"{engine_us:.2f}",
                f"{raw_us:.2f}",
                f"{ratio:.2f}x",
                us_cell,
                ratio_cell,
            )
    return Section("overhead", "Scheduling overhead", _method(sizes), [table])
