"""The platform on its real stack: API to first node start, throughput, events stored, fan-out.

Everything runs as it does in production (:mod:`benchmarks.platform_stack`): PostgreSQL, Redis,
the app served by uvicorn in its own process with ``REDIS_URL`` set, and real worker processes
(``python -m open_backend.worker``, default settings) reading the arq queue. Executions are sent
with ``executeDag`` over HTTP; every figure is read from the stored event log (the ``ts`` of its
events, ``time.time()`` of the worker, on the same machine as the benchmark's clock) or from the
``executions`` rows polled by the benchmark.

Unlike the other sections, the platform part runs in the benchmark's own process (the servers
and the workers are fresh processes anyway): there a Ctrl-C cancels the measurement and its
clean-up still kills the processes and drops the database, while a child measured through
:func:`benchmarks.isolate.run_isolated` would be killed outright. core_engine's own run of the
fan-out DAG is measured in a fresh process, as the other sections do.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from benchmarks.api_harness import DEFAULT_SERVER_URL, SERVER_URL_VARIABLE
from benchmarks.isolate import ROOT, IsolatedError, run_isolated
from benchmarks.platform_stack import DEFAULT_REDIS_URL, REDIS_URL_VARIABLE, Stack, platform_stack
from benchmarks.report import NONE, Section, Table, count_label
from benchmarks.storage_floor import copy_floor_s


@dataclass(frozen=True, slots=True)
class Sizes:
    """How much one run measures.

    Attributes:
        latency_runs: executions timed one at a time for API-to-first-node-start.
        throughput_runs: executions of each throughput batch.
        fanout_reps: timed runs of the fan-out DAG (after ``fanout_warmup`` untimed ones), on
            the platform and on core_engine alone.
        fanout_warmup: untimed runs of the fan-out DAG first.
    """

    latency_runs: int
    throughput_runs: int
    fanout_reps: int
    fanout_warmup: int


FULL: Final = Sizes(latency_runs=40, throughput_runs=200, fanout_reps=3, fanout_warmup=1)
QUICK: Final = Sizes(latency_runs=10, throughput_runs=40, fanout_reps=1, fanout_warmup=0)

#: Nodes of the chained DAG of the latency and throughput runs.
CHAIN_NODES: Final = 10

#: Nodes of the fan-out DAG: one root, ``FANOUT_NODES - 2`` parallel nodes, one sink.
FANOUT_NODES: Final = 1_000

#: Worker process counts of the throughput runs.
WORKER_COUNTS: Final = (1, 2)

#: ``executeDag`` requests in flight at once while submitting a throughput batch.
SUBMIT_CONCURRENCY: Final = 8

#: Throughput modes: sent while warm workers run, or all queued before fresh workers start.
WHILE_RUNNING: Final = "sent while running"
QUEUED_FIRST: Final = "queued first"

#: Untimed executions after a worker starts (imports, connection pool, caches).
WARMUP_RUNS: Final = 5

#: Target: median milliseconds from sending ``executeDag`` (over HTTP, an arq job enqueued on
#: Redis) to its response.
TARGET_EXECUTE_MS: Final = 20.0

#: Target: the fan-out DAG's run on the platform takes at most this many times core_engine's.
TARGET_RATIO: Final = 3.0

#: Timed copies of the fan-out's rows into bare tables (:mod:`benchmarks.storage_floor`).
FLOOR_REPS: Final = 5

#: Seconds between polls of the event log while waiting for a first node start.
START_POLL_S: Final = 0.005

#: Longest wait, in seconds, for a batch of executions to end.
DEADLINE_S: Final = 120.0


def chain_definition() -> dict[str, Any]:
    """:data:`CHAIN_NODES` ``noop`` nodes one after the other."""
    nodes = [
        {
            "id": f"n{i:02d}",
            "task": {"type": "noop", "config": {}},
            "depends_on": [f"n{i - 1:02d}"] if i else [],
        }
        for i in range(CHAIN_NODES)
    ]
    return {"schema_version": 1, "name": "chain", "nodes": nodes}


def fanout_definition(n: int) -> dict[str, Any]:
    """``n`` ``noop`` nodes (``n >= 3``): a root, ``n - 2`` nodes after it, a sink after them all."""
    ids = [f"n{i:04d}" for i in range(n)]
    middle = ids[1:-1]
    nodes = [{"id": ids[0], "task": {"type": "noop", "config": {}}, "depends_on": []}]
    nodes += [{"id": i, "task": {"type": "noop", "config": {}}, "depends_on": [ids[0]]} for i in middle]
    nodes.append({"id": ids[-1], "task": {"type": "noop", "config": {}}, "depends_on": middle})
    return {"schema_version": 1, "name": "fanout", "nodes": nodes}


def core_fanout(nodes: int, reps: int, warmup: int) -> list[float]:
    """Child side: seconds from the first ``node_started`` to ``run_finished`` (event ``ts``) of
    ``reps`` in-process core_engine runs of :func:`fanout_definition`, with the platform's task
    types and an ``on_event`` that keeps the events in a list."""
    from core_engine import DAG, Event, EventKind, start
    from open_backend.tasktypes.registry import registry_for

    registry = registry_for(())
    definition = fanout_definition(nodes)

    async def once() -> float:
        dag = DAG.from_dict(definition, resolve_callables=False, registry=registry)
        events: list[Event] = []
        handle = start(dag, {}, run_id=uuid.uuid4().hex, on_event=events.append, registry=registry)
        await handle.wait()
        first = min(e.ts for e in events if e.kind is EventKind.NODE_STARTED)
        end = max(e.ts for e in events if e.kind is EventKind.RUN_FINISHED)
        return end - first

    async def measure() -> list[float]:
        return [await once() for _ in range(warmup + reps)][warmup:]

    return asyncio.run(measure())


@dataclass(frozen=True, slots=True)
class Throughput:
    """One throughput batch.

    Attributes:
        mode: :data:`WHILE_RUNNING` or :data:`QUEUED_FIRST`.
        workers: worker processes.
        executions: executions in the batch.
        submit_s: seconds to send its ``executeDag`` requests.
        total_s: seconds timed (see :func:`_throughput`).
        events: events stored for the batch.
    """

    mode: str
    workers: int
    executions: int
    submit_s: float
    total_s: float
    events: int


@dataclass
class Results:
    """What the run measured so far (a failure keeps what came before it)."""

    latencies_s: list[float] = field(default_factory=list)
    requests_s: list[float] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)
    fanout_platform_s: list[float] = field(default_factory=list)
    fanout_stored_s: list[float] = field(default_factory=list)
    fanout_core_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)


def _progress(text: str) -> None:
    print(f"  platform: {text}", file=sys.stderr, flush=True)


async def _submit(stack: Stack, dag_id: str, count: int) -> list[uuid.UUID]:
    """Send ``count`` ``executeDag`` requests, :data:`SUBMIT_CONCURRENCY` at a time."""
    ids: list[uuid.UUID] = []
    left = iter(range(count))

    async def sender() -> None:
        ids.extend([await stack.execute(dag_id) for _ in left])

    await asyncio.gather(*(sender() for _ in range(min(SUBMIT_CONCURRENCY, count))))
    return ids


async def _first_start_latency(stack: Stack, dag_id: str) -> tuple[float, float]:
    """``(request sent -> response, request sent -> first node_started)``, seconds."""
    sent = time.time()
    execution_id = await stack.execute(dag_id)
    responded = time.time()
    end = time.monotonic() + DEADLINE_S
    while (started := await stack.first_node_start(execution_id)) is None:
        stack.check_workers()
        if time.monotonic() > end:
            raise RuntimeError(f"execution {execution_id} did not start within {DEADLINE_S:g} s")
        await asyncio.sleep(START_POLL_S)
    await stack.wait_ended([execution_id], DEADLINE_S)
    return responded - sent, started - sent


async def _throughput(stack: Stack, dag_id: str, count: int) -> Throughput:
    """:data:`WHILE_RUNNING`: sent to the running (warm) workers, timed from the first request
    until all were seen ended."""
    t0 = time.time()
    ids = await _submit(stack, dag_id, count)
    submitted = time.time()
    ended = await stack.wait_ended(ids, DEADLINE_S)
    events = await stack.event_count(ids)
    return Throughput(WHILE_RUNNING, len(stack.workers), count, submitted - t0, ended - t0, events)


async def _queued_first(stack: Stack, dag_id: str, count: int) -> Throughput:
    """:data:`QUEUED_FIRST`: with the (warm, idle) workers paused, send ``count`` executions;
    then let the workers go on together, timed from then until all were seen ended."""
    stack.pause_workers()
    try:
        t0 = time.time()
        ids = await _submit(stack, dag_id, count)
        submitted = time.time()
    finally:
        resumed = time.time()
        stack.resume_workers()
    ended = await stack.wait_ended(ids, DEADLINE_S)
    events = await stack.event_count(ids)
    return Throughput(QUEUED_FIRST, len(stack.workers), count, submitted - t0, ended - resumed, events)


async def _fanout(stack: Stack, dag_id: str) -> tuple[uuid.UUID, float, float]:
    """``(execution id, first node start -> run_finished, first node start -> seen succeeded)``,
    seconds."""
    execution_id = await stack.execute(dag_id)
    seen = await stack.wait_ended([execution_id], DEADLINE_S, poll_s=0.01)
    first, finished = await stack.span(execution_id)
    return execution_id, finished - first, seen - first


async def _measure_platform(sizes: Sizes, server_url: str, redis_url: str, out: Results) -> None:
    _progress("starting PostgreSQL database, API server and worker 1 ...")
    async with platform_stack(server_url, redis_url) as stack:
        chain_id = await stack.create_dag("chain", chain_definition())
        fanout_id = await stack.create_dag("fanout", fanout_definition(FANOUT_NODES))
        await stack.start_worker()
        await stack.wait_ended(await _submit(stack, chain_id, WARMUP_RUNS), DEADLINE_S)

        _progress(f"API to first node start, {sizes.latency_runs} executions one at a time ...")
        for _ in range(sizes.latency_runs):
            request_s, start_s = await _first_start_latency(stack, chain_id)
            out.requests_s.append(request_s)
            out.latencies_s.append(start_s)

        for workers in WORKER_COUNTS:
            while len(stack.workers) < workers:
                _progress(f"starting worker {len(stack.workers) + 1} ...")
                await stack.start_worker()
                await stack.wait_ended(await _submit(stack, chain_id, WARMUP_RUNS * workers), DEADLINE_S)
            batch = sizes.throughput_runs
            _progress(f"throughput, {batch} executions sent while {workers} worker(s) run ...")
            out.throughput.append(await _throughput(stack, chain_id, batch))
            _progress(f"throughput, {batch} executions queued, then {workers} worker(s) go on ...")
            out.throughput.append(await _queued_first(stack, chain_id, batch))
            if workers == 1:
                runs = sizes.fanout_warmup + sizes.fanout_reps
                _progress(f"{count_label(FANOUT_NODES)}-node fan-out on the platform, {runs} run(s) ...")
                for rep in range(runs):
                    execution_id, platform_s, stored_s = await _fanout(stack, fanout_id)
                    if rep >= sizes.fanout_warmup:
                        out.fanout_platform_s.append(platform_s)
                        out.fanout_stored_s.append(stored_s)
                _progress("PostgreSQL alone: COPY of the fan-out's rows into bare tables ...")
                out.floor_s = await copy_floor_s(stack.engine, execution_id, FLOOR_REPS)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _tables(out: Results, errors: list[str]) -> list[Table]:
    latency = Table(
        "API to first node start, 1 worker (ms)",
        ("measure", "executions", "median", "p95", "max", "target (median)", "met"),
    )
    if out.requests_s:
        ms = [s * 1e3 for s in out.requests_s]
        median_ms = statistics.median(ms)
        verdict = latency.judge(
            f"executeDag over HTTP, arq job on Redis: median {median_ms:.1f} ms "
            f"(target <= {TARGET_EXECUTE_MS:g} ms)",
            median_ms <= TARGET_EXECUTE_MS,
        )
        latency.add(
            "executeDag sent -> response (arq job on Redis)",
            str(len(ms)),
            f"{median_ms:.1f}",
            f"{_percentile(ms, 0.95):.1f}",
            f"{max(ms):.1f}",
            f"<= {TARGET_EXECUTE_MS:g}",
            verdict,
        )
    if out.latencies_s:
        ms = [s * 1e3 for s in out.latencies_s]
        latency.add(
            "executeDag sent -> first node_started",
            str(len(ms)),
            f"{statistics.median(ms):.1f}",
            f"{_percentile(ms, 0.95):.1f}",
            f"{max(ms):.1f}",
            NONE,
            NONE,
        )
    throughput = Table(
        f"Throughput, {CHAIN_NODES}-node chain of noop tasks",
        (
            "mode",
            "workers",
            "executions",
            "submitted in (s)",
            "timed (s)",
            "executions/s",
            "events",
            "events/s",
        ),
    )
    for t in out.throughput:
        throughput.add(
            t.mode,
            str(t.workers),
            str(t.executions),
            f"{t.submit_s:.2f}",
            f"{t.total_s:.2f}",
            f"{t.executions / t.total_s:.1f}",
            str(t.events),
            f"{t.events / t.total_s:.0f}",
        )
    fanout = Table(
        f"{count_label(FANOUT_NODES)}-node fan-out from the first node start (ms)",
        ("run", "reps", "median", "ratio", "target", "met"),
    )
    core_ms = statistics.median(out.fanout_core_s) * 1e3 if out.fanout_core_s else None
    if core_ms is not None:
        fanout.add(
            "core_engine alone, to run_finished",
            str(len(out.fanout_core_s)),
            f"{core_ms:.1f}",
            "1.00x",
            NONE,
            NONE,
        )
    if out.fanout_platform_s:
        platform_ms = statistics.median(out.fanout_platform_s) * 1e3
        stored_ms = statistics.median(out.fanout_stored_s) * 1e3
        reps = str(len(out.fanout_platform_s))
        fanout.add(
            "platform, 1 worker, to run_finished",
            reps,
            f"{platform_ms:.1f}",
            NONE if core_ms is None else f"{platform_ms / core_ms:.2f}x",
            NONE,
            NONE,
        )
        ratio = stored_ms / core_ms if core_ms else None
        verdict = (
            fanout.judge(
                f"fan-out platform, all stored, /core_engine {ratio:.2f}x (target <= {TARGET_RATIO:g}x)",
                ratio <= TARGET_RATIO,
            )
            if ratio is not None
            else NONE
        )
        fanout.add(
            "platform, 1 worker, to all events stored",
            reps,
            f"{stored_ms:.1f}",
            NONE if ratio is None else f"{ratio:.2f}x",
            f"<= {TARGET_RATIO:g}x",
            verdict,
        )
    if out.floor_s:
        floor_ms = statistics.median(out.floor_s) * 1e3
        fanout.add(
            "PostgreSQL alone: COPY of its rows into bare tables",
            str(len(out.floor_s)),
            f"{floor_ms:.1f}",
            NONE if core_ms is None else f"{floor_ms / core_ms:.2f}x",
            NONE,
            NONE,
        )
        if core_ms is not None:
            fanout.add(
                "floor: core_engine run, then that COPY",
                NONE,
                f"{core_ms + floor_ms:.1f}",
                f"{(core_ms + floor_ms) / core_ms:.2f}x",
                NONE,
                NONE,
            )
    if out.fanout_platform_s:
        fanout.notes.append(
            "to all events stored: until the benchmark saw the execution succeeded, i.e. its last "
            "batch of events committed (polled every 10 ms): the total platform overhead, judged; "
            "to run_finished: the engine's pace inside a worker, reported"
        )
    tables = [latency, throughput, fanout]
    fanout.errors.extend(errors)
    return tables


def _method(sizes: Sizes) -> str:
    return f"""
The whole platform on one machine: a fresh PostgreSQL database (server from
`{SERVER_URL_VARIABLE}`, default `{DEFAULT_SERVER_URL}`), a queue of its own on Redis
(`{REDIS_URL_VARIABLE}`, default `{DEFAULT_REDIS_URL}`), the app served by uvicorn in its own
process with `REDIS_URL` set, and `python -m open_backend.worker` processes with their default
settings (16 executions at once each, events flushed every 50 ms). One signed-up user sends
`executeDag` over HTTP; the figures come from the stored event log (the `ts` of its events) and
from polling the `executions` rows. After each worker starts, {WARMUP_RUNS} untimed executions per
worker.

- **API to first node start**: {sizes.latency_runs} executions of a {CHAIN_NODES}-node chain of
  `noop` tasks, one at a time on 1 worker: from just before `executeDag` is sent to the `ts` of the
  first `node_started` event (which includes the worker's 50 ms queue poll), reported; and from
  then to the `executeDag` response (uvicorn, authentication, insert and commit, the arq job
  enqueued on Redis), the path the target "median < {TARGET_EXECUTE_MS:g} ms from request to response" is
  set for, judged. The worker is idle when each request is sent (the previous run has ended);
  the *Executions API latency* section measures the embedded mode, where earlier runs share
  the API's event loop.
- **Throughput**: {sizes.throughput_runs} executions of the same chain sent with
  {SUBMIT_CONCURRENCY} requests in flight, on {" and ".join(map(str, WORKER_COUNTS))} worker
  processes, two ways. *{WHILE_RUNNING}*: to warm workers, timed from the first request until
  the benchmark saw them all succeeded (polled every 20 ms), so the API's own pace (on the same
  CPUs) counts. *{QUEUED_FIRST}*: all sent while the (warm, idle) workers are paused
  (`SIGSTOP`), then the workers go on together (`SIGCONT`), timed from then until all were seen
  succeeded: what the workers alone get through, the API idle. Executions/s and stored events/s
  over the timed span. Reported, no target.
- **Fan-out**: a {count_label(FANOUT_NODES)}-node fan-out of `noop` tasks (a root, then
  {FANOUT_NODES - 2:,} parallel nodes, then a sink), from the first `node_started` to
  `run_finished` in the stored log, on 1 worker, against core_engine alone running the same
  definition in a fresh process with the same task types (an `on_event` that keeps the events
  in a list); {sizes.fanout_warmup} untimed and {sizes.fanout_reps} timed run(s) each, medians.
  Target: platform / core_engine <= {TARGET_RATIO:g}x for the row *to all events stored* (until
  the execution was seen succeeded, i.e. its last batch of about {3 * FANOUT_NODES:,} events
  and {FANOUT_NODES:,} node rows committed): the total platform overhead. The row *to
  run_finished* is reported only: the engine usually ends such a run before the event log's
  first 50 ms flush, so it shows the engine's pace inside a worker, not what persisting costs.
- **PostgreSQL alone** (reported, no target): the least any design that stores one row per event
  and per node pays on this server. The last fan-out's stored events and node rows are copied
  {FLOOR_REPS} times with binary `COPY` into two bare tables (a `jsonb` payload, only the unique
  `(execution_id, sequence)` and `(execution_id, node_id)` indexes; records built before the
  clock starts; commit included). *floor* adds core_engine's run before it: when that is
  above {TARGET_RATIO:g}x, the target cannot be met by any Python-side work on this machine.
"""


def run(quick: bool) -> Section:
    """Measure (see the module docstring); three tables, the executeDag latency over HTTP and the
    stored fan-out ratio judged."""
    sizes = QUICK if quick else FULL
    server_url = os.environ.get(SERVER_URL_VARIABLE) or DEFAULT_SERVER_URL
    redis_url = os.environ.get(REDIS_URL_VARIABLE) or DEFAULT_REDIS_URL
    out = Results()
    errors: list[str] = []
    _progress(f"core_engine alone, {count_label(FANOUT_NODES)}-node fan-out ...")
    try:
        out.fanout_core_s = run_isolated(
            "benchmarks.platform:core_fanout",
            {"nodes": FANOUT_NODES, "reps": sizes.fanout_reps, "warmup": sizes.fanout_warmup},
        )
    except IsolatedError as exc:
        errors.append(str(exc))
    try:
        asyncio.run(_measure_platform(sizes, server_url, redis_url, out))
    except Exception as exc:  # reported under the table; the other sections still run
        message = f"{type(exc).__name__}: {exc}".replace(str(ROOT), "<repo>")  # no machine paths
        errors.append(
            message.replace(server_url, f"${SERVER_URL_VARIABLE}").replace(
                redis_url, f"${REDIS_URL_VARIABLE}"
            )
        )
    return Section("platform", "Platform on its real stack", _method(sizes), _tables(out, errors))
