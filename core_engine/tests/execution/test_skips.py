"""Skips and trigger rules, and propagation along long chains without recursion."""

from __future__ import annotations

from typing import Any

import pytest

from core_engine import (
    DAGBuilder,
    EventKind,
    NodeState,
    Ref,
    RunStatus,
    SkipNode,
    Strategy,
    TriggerRule,
    execute,
    replay,
    run,
)
from core_engine.state import digest

from ._support import of, one


async def _value() -> int:
    return 5


async def _skip() -> int:
    raise SkipNode("why")


async def _fail() -> int:
    raise ValueError("broken")


class Recorder:
    """Returns the inputs it was called with and keeps them."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **inputs: Any) -> dict[str, Any]:
        self.calls.append(inputs)
        return inputs


async def test_task_raising_skip_node_ends_skipped_with_its_reason() -> None:
    b = DAGBuilder("skip")
    b.add_node("s", _skip)
    result = await execute(b.build())
    node = result.state.nodes["s"]
    assert (node.state, node.reason, node.attempts) == (NodeState.SKIPPED, "why", 1)
    assert one(result.events, EventKind.NODE_SKIPPED, "s").reason == "why"
    assert result.status is RunStatus.SUCCEEDED


async def test_all_success_downstream_of_a_skip_is_skipped_without_running() -> None:
    rec = Recorder()
    b = DAGBuilder("skip")
    s = b.add_node("s", _skip)
    b.add_node("down", rec.__call__, {"x": s})
    result = await execute(b.build())
    node = result.state.nodes["down"]
    assert (node.state, node.reason, node.attempts) == (NodeState.SKIPPED, "upstream skipped", 0)
    assert rec.calls == []
    assert result.status is RunStatus.SUCCEEDED


async def test_none_failed_downstream_of_a_skip_runs_with_none_for_the_skipped_input() -> None:
    rec = Recorder()
    b = DAGBuilder("skip")
    s = b.add_node("s", _skip)
    v = b.add_node("v", _value)
    b.add_node("down", rec.__call__, {"x": s, "y": v}, trigger=TriggerRule.NONE_FAILED)
    result = await execute(b.build())
    assert result.results["down"] == {"x": None, "y": 5}
    assert rec.calls == [{"x": None, "y": 5}]


async def test_none_failed_downstream_of_a_failure_ends_upstream_failed() -> None:
    rec = Recorder()
    b = DAGBuilder("skip")
    f = b.add_node("f", _fail)
    s = b.add_node("s", _skip)
    b.add_node("down", rec.__call__, {"x": f, "y": s}, trigger="none_failed")
    result = await execute(b.build())
    node = result.state.nodes["down"]
    assert (node.state, node.reason) == (NodeState.UPSTREAM_FAILED, "f")
    assert rec.calls == []


async def test_all_done_runs_after_a_failure_with_none_for_the_failed_input() -> None:
    rec = Recorder()
    b = DAGBuilder("cleanup")
    f = b.add_node("f", _fail)
    v = b.add_node("v", _value)
    s = b.add_node("s", _skip)
    b.add_node("cleanup", rec.__call__, {"x": f, "y": v, "z": s}, trigger=TriggerRule.ALL_DONE)
    result = await execute(b.build())
    assert result.results["cleanup"] == {"x": None, "y": 5, "z": None}
    assert result.status is RunStatus.FAILED  # the failure still fails the run


async def test_all_success_downstream_of_a_failure_and_a_skip_ends_upstream_failed() -> None:
    b = DAGBuilder("both")
    f = b.add_node("f", _fail)
    s = b.add_node("s", _skip)
    b.add_node("down", Recorder().__call__, {"x": f, "y": s})
    result = await execute(b.build())
    assert result.state.nodes["down"].state is NodeState.UPSTREAM_FAILED


async def test_upstream_failure_propagates_transitively_naming_the_direct_culprit() -> None:
    b = DAGBuilder("chain")
    f = b.add_node("f", _fail)
    m = b.add_node("m", Recorder().__call__, {"x": f})
    b.add_node("z", Recorder().__call__, {"x": m})
    result = await execute(b.build())
    assert one(result.events, EventKind.NODE_UPSTREAM_FAILED, "m").upstream_id == "f"
    assert one(result.events, EventKind.NODE_UPSTREAM_FAILED, "z").upstream_id == "m"
    assert result.state.nodes["z"].reason == "m"


def _chain(length: int, root: Any) -> DAGBuilder:
    async def link(x: Any) -> Any:
        return x

    b = DAGBuilder("long-chain")
    b.add_node("c00000", root)
    for k in range(1, length):
        b.add_node(f"c{k:05d}", link, {"x": Ref(f"c{k - 1:05d}")})
    return b


@pytest.mark.parametrize("strategy", list(Strategy))
def test_failure_at_the_head_of_a_5000_node_chain_propagates_without_recursion(strategy: Strategy) -> None:
    result = run(_chain(5000, _fail).build(), strategy=strategy)
    assert result.state.counts() == {"failed": 1, "upstream_failed": 4999}
    assert len(of(result.events, EventKind.NODE_UPSTREAM_FAILED)) == 4999
    assert digest(replay(result.events)) == digest(result.state)


@pytest.mark.parametrize("strategy", list(Strategy))
def test_skip_at_the_head_of_a_5000_node_chain_propagates_without_recursion(strategy: Strategy) -> None:
    result = run(_chain(5000, _skip).build(), strategy=strategy)
    assert result.state.counts() == {"skipped": 5000}
    assert result.status is RunStatus.SUCCEEDED


def test_5000_node_chain_of_inline_tasks_runs_without_recursion() -> None:
    def one_more(x: int) -> int:
        return x + 1

    def zero() -> int:
        return 0

    b = DAGBuilder("inline-chain")
    b.add_node("c00000", zero, run_in="loop")
    for k in range(1, 5000):
        b.add_node(f"c{k:05d}", one_more, {"x": Ref(f"c{k - 1:05d}")}, run_in="loop")
    result = run(b.build())
    assert result.results["c04999"] == 4999
