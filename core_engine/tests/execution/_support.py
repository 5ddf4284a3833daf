"""Shared pieces of the execution tests: event queries, a concurrency probe and random DAGs.

Random DAGs are described by a :class:`DagSpec` (plain data hypothesis can shrink) and turned
into a fresh :class:`~core_engine.DAG` by :func:`build` for every run, so per-run task state
(the attempt counters of flaky tasks) never leaks between runs. :func:`reference_results`
computes what an all-``ok`` spec must produce without the engine: the oracle of the
strategy-equivalence tests.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from core_engine import (
    DAG,
    DAGBuilder,
    Event,
    EventKind,
    Ref,
    RetryPolicy,
    RunIn,
    SkipNode,
    TriggerRule,
)

#: Kinds that end a node or an instance for good.
END_KINDS = frozenset(
    {
        EventKind.NODE_SUCCEEDED,
        EventKind.NODE_FAILED,
        EventKind.NODE_SKIPPED,
        EventKind.NODE_CANCELLED,
        EventKind.NODE_UPSTREAM_FAILED,
    }
)

#: Kinds that end one attempt (the unit stops running).
ATTEMPT_END_KINDS = END_KINDS | {EventKind.NODE_RETRYING}


# ------------------------------------------------------------------ event queries


def of(events: Iterable[Event], kind: EventKind, node_id: str | None = None) -> list[Any]:
    """The events of ``kind`` (for ``node_id`` when given), in log order."""
    return [
        e for e in events if e.kind is kind and (node_id is None or getattr(e, "node_id", None) == node_id)
    ]


def one(events: Iterable[Event], kind: EventKind, node_id: str, map_index: int | None = None) -> Any:
    """The single event of ``kind`` for ``node_id`` (and ``map_index``); fails if not exactly one."""
    found = [e for e in of(events, kind, node_id) if getattr(e, "map_index", None) == map_index]
    assert len(found) == 1, f"expected one {kind} for {node_id!r}[{map_index}], got {found}"
    return found[0]


def end_seq(events: Iterable[Event]) -> dict[str, int]:
    """Sequence number of each node's terminal event (instances excluded)."""
    return {e.node_id: e.seq for e in events if e.kind in END_KINDS and getattr(e, "map_index", None) is None}


def started_ids(events: Iterable[Event]) -> list[str]:
    """Node ids in the order of their first ``node_started`` event."""
    seen: dict[str, None] = {}
    for e in events:
        if e.kind is EventKind.NODE_STARTED:
            seen.setdefault(e.node_id, None)
    return list(seen)


def peak_running(events: Iterable[Event]) -> int:
    """Most attempts the log shows running at once (started, not yet ended)."""
    running: set[tuple[str, int | None]] = set()
    peak = 0
    for e in events:
        unit = (getattr(e, "node_id", ""), getattr(e, "map_index", None))
        if e.kind is EventKind.NODE_STARTED:
            running.add(unit)
            peak = max(peak, len(running))
        elif e.kind in ATTEMPT_END_KINDS:
            running.discard(unit)
    return peak


# ------------------------------------------------------------------ probe


class Probe:
    """Counts the task bodies running at once, from inside the tasks (loop or threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.calls: list[str] = []

    def enter(self, name: str) -> None:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
            self.calls.append(name)

    def leave(self) -> None:
        with self._lock:
            self.current -= 1


# ------------------------------------------------------------------ random DAGs

BEHAVIOURS = ("ok", "fail", "skip", "flaky", "slow")

#: Mostly ``ok``, so that downstream and mapped nodes get to run in mixed DAGs.
MIXED_BEHAVIOURS = ("ok", "ok", "ok", "fail", "skip", "flaky", "slow")


@dataclass(frozen=True)
class NodeSpec:
    """One node of a random DAG.

    ``behaviour``: ``ok`` computes its value; ``fail`` raises ValueError; ``skip`` raises
    SkipNode; ``flaky`` fails its first attempt per input, then computes (3 attempts
    allowed); ``slow`` outlives its 5 ms timeout on every attempt (2 attempts allowed).
    ``mapped`` maps over the first upstream's list. ``sync`` makes it a plain function (run in
    a thread). ``sleep`` is seconds spent before answering.
    """

    ups: tuple[int, ...] = ()
    behaviour: str = "ok"
    trigger: TriggerRule = TriggerRule.ALL_SUCCESS
    mapped: bool = False
    sync: bool = False
    sleep: float = 0.0


@dataclass(frozen=True)
class DagSpec:
    """A random DAG: node ``i`` is called ``node_id(i)`` and depends only on lower indices."""

    nodes: tuple[NodeSpec, ...]


def node_id(i: int) -> str:
    """Zero-padded so that id order is index order."""
    return f"n{i:02d}"


def flatten_sum(value: Any) -> int:
    """Sum of every int in a nested list (None counts 0)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return sum(flatten_sum(v) for v in value)


def compute(i: int, inputs: dict[str, Any]) -> list[int]:
    """The value of node ``i`` from its inputs: a list of 0 to 2 small ints."""
    total = i + 1 + sum(flatten_sum(v) for _, v in sorted(inputs.items()))
    return [(total * (k + 3)) % 1009 for k in range(total % 3)]


def reference_results(spec: DagSpec) -> dict[str, Any]:
    """Results of an all-``ok`` spec, computed directly in index order (no engine)."""
    out: dict[int, Any] = {}
    for i, node in enumerate(spec.nodes):
        inputs = {f"u{u}": out[u] for u in node.ups}
        if node.mapped:
            name = f"u{node.ups[0]}"
            out[i] = [compute(i, {**inputs, name: item}) for item in out[node.ups[0]]]
        else:
            out[i] = compute(i, inputs)
    return {node_id(i): value for i, value in out.items()}


def make_task(i: int, node: NodeSpec, probe: Probe | None) -> Callable[..., Any]:
    """The callable of node ``i``; a fresh one (with fresh attempt counters) per call."""
    attempts: dict[str, int] = {}
    name = node_id(i)

    def answer(inputs: dict[str, Any]) -> list[int]:
        if node.behaviour == "fail":
            raise ValueError(f"{name} fails")
        if node.behaviour == "skip":
            raise SkipNode(f"{name} skips")
        if node.behaviour == "flaky":
            key = repr(sorted(inputs.items()))
            attempts[key] = attempts.get(key, 0) + 1
            if attempts[key] == 1:
                raise RuntimeError(f"{name} is flaky")
        return compute(i, inputs)

    if node.sync:

        def sync_task(**inputs: Any) -> list[int]:
            if probe is not None:
                probe.enter(name)
            try:
                if node.sleep:
                    time.sleep(node.sleep)
                return answer(inputs)
            finally:
                if probe is not None:
                    probe.leave()

        return sync_task

    async def async_task(**inputs: Any) -> list[int]:
        if probe is not None:
            probe.enter(name)
        try:
            if node.behaviour == "slow":
                await asyncio.sleep(0.05)
            elif node.sleep:
                await asyncio.sleep(node.sleep)
            return answer(inputs)
        finally:
            if probe is not None:
                probe.leave()

    return async_task


def build(spec: DagSpec, probe: Probe | None = None) -> DAG:
    """A fresh DAG for ``spec`` (see :class:`NodeSpec` for what each node does)."""
    builder = DAGBuilder("random")
    for i, node in enumerate(spec.nodes):
        retry = None
        timeout = None
        if node.behaviour == "flaky":
            retry = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_cap=0.002, jitter=0.5)
        elif node.behaviour == "slow":
            retry = RetryPolicy(max_attempts=2, backoff_base=0.0, backoff_cap=0.0)
            timeout = 0.005
        builder.add_node(
            node_id(i),
            make_task(i, node, probe),
            {f"u{u}": Ref(node_id(u)) for u in node.ups},
            map_over=f"u{node.ups[0]}" if node.mapped else None,
            retry=retry,
            timeout=timeout,
            trigger=node.trigger,
            run_in=RunIn.AUTO,
        )
    return builder.build()


@st.composite
def dag_specs(
    draw: st.DrawFn,
    *,
    behaviours: Sequence[str] = ("ok",),
    max_nodes: int = 10,
    sleeps: Sequence[float] = (0.0, 0.001),
    mapping: bool = True,
    sync: bool = True,
    triggers: Sequence[TriggerRule] = (TriggerRule.ALL_SUCCESS,),
) -> DagSpec:
    """Random DAG specs with the given behaviours, sleeps and trigger rules."""
    n = draw(st.integers(1, max_nodes))
    nodes = []
    for i in range(n):
        ups: tuple[int, ...] = ()
        if i:
            ups = tuple(draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)))
        behaviour = draw(st.sampled_from(behaviours))
        nodes.append(
            NodeSpec(
                ups=ups,
                behaviour=behaviour,
                trigger=draw(st.sampled_from(triggers)),
                mapped=bool(ups) and mapping and draw(st.booleans()),
                sync=sync and behaviour != "slow" and draw(st.booleans()),
                sleep=draw(st.sampled_from(sleeps)),
            )
        )
    return DagSpec(tuple(nodes))
