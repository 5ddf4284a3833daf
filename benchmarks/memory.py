"""Memory per in-flight node: resident memory growth while N tasks await one shared event.

Engine: a fan-out DAG (one trivial root, N leaves) whose leaves all await one
:class:`asyncio.Event`, so all N are running at once. Raw: N plain asyncio tasks awaiting the
event. Each measurement runs in a fresh process; resident memory (RSS) is read just before the
run starts (DAG built and hashed, ``gc.collect()`` done) and again when every leaf has entered
the task, i.e. every ``node_started`` event has been emitted and every leaf is suspended.
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import baseline, shapes
from benchmarks.isolate import IsolatedError, run_isolated
from benchmarks.report import NONE, Section, Table, count_label
from core_engine import RunStatus, start

#: In-flight node counts, full run and ``--quick``.
FULL_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000,)

#: Target: resident bytes per in-flight engine node.
TARGET_BYTES_PER_NODE = 2048

_STATM = Path("/proc/self/statm")


def rss_bytes() -> int:
    """Resident memory of this process now, in bytes (``/proc/self/statm``).

    Without ``/proc`` (not Linux) falls back to the peak resident size from
    ``resource.getrusage``, which is the current size only while memory grows.
    """
    if _STATM.exists():
        return int(_STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


class Gate:
    """N tasks that wait at one event; tells when all N have arrived. Use inside one loop."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.entered = 0
        loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        self.all_in: asyncio.Future[None] = loop.create_future()

    async def leaf(self, **kwargs: object) -> None:
        """Count this task in, then wait until the gate opens."""
        self.entered += 1
        if self.entered == self.expected:
            self.all_in.set_result(None)
        await self.event.wait()


async def _engine(n: int) -> dict[str, Any]:
    gate = Gate(n)
    dag = shapes.gated_fanout(n, gate.leaf)
    _ = dag.content_hash  # stored with the version, computed before any run
    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    handle = start(dag)
    await gate.all_in
    seconds = time.perf_counter() - t0
    after = rss_bytes()
    gate.event.set()
    result = await handle.wait()
    if result.status is not RunStatus.SUCCEEDED:
        raise RuntimeError(f"{dag.name}: the run ended {result.status.value}")
    return {"before": before, "after": after, "seconds": seconds}


async def _raw(n: int) -> dict[str, Any]:
    gate = Gate(n)
    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    tasks = await baseline.start_waiters(n, gate.leaf)
    await gate.all_in
    seconds = time.perf_counter() - t0
    after = rss_bytes()
    gate.event.set()
    for task in tasks:
        await task
    return {"before": before, "after": after, "seconds": seconds}


def measure(runner: str, n: int) -> dict[str, Any]:
    """Child side: RSS before and at all-in (bytes), and seconds from start to all-in."""
    return asyncio.run(_engine(n) if runner == "engine" else _raw(n))


def _method(sizes: tuple[int, ...]) -> str:
    counts = " and ".join(count_label(n) for n in sizes)
    return f"""
N = {counts} tasks in flight at once. **Engine**: a fan-out DAG, one trivial root and N leaves,
each leaf awaiting one shared `asyncio.Event`; started with `core_engine.start(dag)` (default
options). **Raw**: N `asyncio` tasks awaiting the same kind of event, no engine.

Timed and measured: resident memory (RSS, from `/proc/self/statm`) just before `start()` (the
DAG already built and its hash computed, after `gc.collect()`) and at the moment the N-th leaf
has entered its task (so every `node_started` event has been emitted and every leaf is
suspended on the event); bytes/node = growth / N. "start s" is the wall time from `start()` (or
the first `create_task`) to that moment. The engine's growth includes everything a run
keeps per node: node records, the event log, futures and the task itself. One fresh process per
measurement (single run each: RSS growth of a fresh process repeats closely). Memory the process
freed while building the DAG may be reused by the run, so the engine figure can be slightly low.
Target: <= {TARGET_BYTES_PER_NODE} bytes per in-flight engine node.
"""


def run(quick: bool) -> Section:
    """Measure engine and raw at each size in fresh processes; one table."""
    sizes = QUICK_SIZES if quick else FULL_SIZES
    table = Table(
        "Memory per in-flight node (RSS growth / N)",
        (
            "in flight",
            "engine B/node",
            "raw B/node",
            "engine/raw",
            "engine growth MiB",
            "engine start s",
            "raw start s",
            f"<= {TARGET_BYTES_PER_NODE} B",
        ),
    )
    for n in sizes:
        got: dict[str, dict[str, Any]] = {}
        for runner in ("engine", "raw"):
            print(f"  memory: {runner} {count_label(n)} ...", file=sys.stderr, flush=True)
            try:
                got[runner] = run_isolated("benchmarks.memory:measure", {"runner": runner, "n": n})
            except IsolatedError as exc:
                table.error(str(exc))
        if len(got) < 2:
            table.add(count_label(n), *(["error"] * 6), NONE)
            continue
        per = {k: (v["after"] - v["before"]) / n for k, v in got.items()}
        growth_mib = (got["engine"]["after"] - got["engine"]["before"]) / 2**20
        verdict = table.judge(
            f"{count_label(n)} in flight: {per['engine']:.0f} B/node (target <= {TARGET_BYTES_PER_NODE})",
            per["engine"] <= TARGET_BYTES_PER_NODE,
        )
        table.add(
            count_label(n),
            f"{per['engine']:.0f}",
            f"{per['raw']:.0f}",
            f"{per['engine'] / per['raw']:.2f}x" if per["raw"] > 0 else NONE,
            f"{growth_mib:.0f}",
            f"{got['engine']['seconds']:.2f}",
            f"{got['raw']['seconds']:.2f}",
            verdict,
        )
    return Section("memory", "Memory per in-flight node", _method(sizes), [table])
