"""Failure policies: fail_fast stops the run, continue lets independent branches finish."""

from __future__ import annotations

import asyncio

from core_engine import DAGBuilder, EventKind, FailurePolicy, NodeState, RunStatus, execute, replay
from core_engine.state import digest

from ._support import of


class Slow:
    """Sleeps ``seconds``; records whether it was cancelled."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.cancelled = False

    async def __call__(self) -> str:
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return "slow done"


async def _bad() -> str:
    await asyncio.sleep(0.02)
    raise ValueError("bad input")


async def _after(x: str) -> str:
    return f"after {x}"


async def _join(a: str, b: str) -> str:
    return a + b


def _dag(slow: Slow) -> DAGBuilder:
    """bad -> after_bad; slow -> after_slow; (bad, slow) -> join."""
    b = DAGBuilder("policies")
    bad = b.add_node("bad", _bad)
    s = b.add_node("slow", slow.__call__)
    b.add_node("after_bad", _after, {"x": bad})
    b.add_node("after_slow", _after, {"x": s})
    b.add_node("join", _join, {"a": bad, "b": s})
    return b


async def test_fail_fast_cancels_running_nodes_and_marks_downstream_of_the_failure() -> None:
    slow = Slow(0.3)
    result = await execute(_dag(slow).build(), failure_policy=FailurePolicy.FAIL_FAST)
    await asyncio.sleep(0.01)  # let the cancelled task see its CancelledError
    assert slow.cancelled
    states = {nid: node.state for nid, node in result.state.nodes.items()}
    assert states == {
        "bad": NodeState.FAILED,
        "slow": NodeState.CANCELLED,
        "after_bad": NodeState.UPSTREAM_FAILED,
        "after_slow": NodeState.CANCELLED,
        "join": NodeState.UPSTREAM_FAILED,
    }
    assert result.state.nodes["join"].reason == "bad"
    assert result.status is RunStatus.FAILED
    assert of(result.events, EventKind.NODE_STARTED, "after_slow") == []
    assert digest(replay(result.events)) == digest(result.state)


async def test_continue_lets_independent_branches_finish() -> None:
    slow = Slow(0.05)
    result = await execute(_dag(slow).build(), failure_policy=FailurePolicy.CONTINUE)
    assert not slow.cancelled
    states = {nid: node.state for nid, node in result.state.nodes.items()}
    assert states == {
        "bad": NodeState.FAILED,
        "slow": NodeState.SUCCEEDED,
        "after_bad": NodeState.UPSTREAM_FAILED,
        "after_slow": NodeState.SUCCEEDED,
        "join": NodeState.UPSTREAM_FAILED,
    }
    assert result.results["after_slow"] == "after slow done"
    assert result.state.nodes["after_bad"].reason == "bad"
    assert result.status is RunStatus.FAILED
    assert digest(replay(result.events)) == digest(result.state)


async def test_continue_is_the_default_policy() -> None:
    result = await execute(_dag(Slow(0.05)).build())
    assert result.state.nodes["after_slow"].state is NodeState.SUCCEEDED


async def test_fail_fast_stops_queued_nodes_from_starting() -> None:
    started = []

    async def record(name: str) -> str:
        started.append(name)
        return name

    b = DAGBuilder("queue")
    b.add_node("a_bad", _bad)
    for name in ("b", "c", "d"):
        b.add_node(name, record, {"name": name})
    result = await execute(b.build(), failure_policy="fail_fast", max_concurrency=1)
    assert started == []
    assert {result.state.nodes[n].state for n in ("b", "c", "d")} == {NodeState.CANCELLED}
    assert result.status is RunStatus.FAILED
