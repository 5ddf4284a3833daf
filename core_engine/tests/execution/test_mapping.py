"""Dynamic mapping: one instance per item of an upstream list, results gathered in item order."""

from __future__ import annotations

import asyncio
from typing import Any

from core_engine import (
    DAGBuilder,
    EventKind,
    FailurePolicy,
    NodeState,
    Ref,
    RetryPolicy,
    RunStatus,
    SkipNode,
    Strategy,
    execute,
    replay,
    run,
    task,
)
from core_engine.state import digest

from ._support import of, one


def _items(values: Any) -> Any:
    async def items() -> Any:
        return values

    return items


async def _square_slowly(x: int) -> int:
    # Later items finish first, so gathering by completion order would reverse the list.
    await asyncio.sleep(0.01 * (5 - x))
    return x * x


async def _total(values: list[int]) -> int:
    return sum(values)


def _map_dag(values: Any, fn: Any = _square_slowly, **node: Any) -> DAGBuilder:
    b = DAGBuilder("map")
    src = b.add_node("src", _items(values))
    sq = b.add_node("square", fn, {"x": src}, map_over="x", **node)
    b.add_node("total", _total, {"values": sq})
    return b


async def test_mapped_node_runs_one_instance_per_item_and_gathers_results_in_item_order() -> None:
    result = await execute(_map_dag([1, 2, 3, 4]).build())
    assert result.results["square"] == [1, 4, 9, 16]
    assert result.results["total"] == 30
    assert one(result.events, EventKind.NODE_MAPPED, "square").instances == 4
    started = of(result.events, EventKind.NODE_STARTED, "square")
    assert sorted(e.map_index for e in started) == [0, 1, 2, 3]
    succeeded = [e for e in of(result.events, EventKind.NODE_SUCCEEDED, "square") if e.map_index is not None]
    assert {e.map_index: e.result for e in succeeded} == {0: 1, 1: 4, 2: 9, 3: 16}
    assert [e.map_index for e in succeeded] == [3, 2, 1, 0]  # they really ended in reverse
    instances = result.state.nodes["square"].instances
    assert instances is not None
    assert [(i.state, i.result, i.attempts) for i in instances] == [
        (NodeState.SUCCEEDED, x * x, 1) for x in (1, 2, 3, 4)
    ]


async def test_mapped_instances_receive_the_node_s_other_parameters() -> None:
    async def scale(x: int, factor: int, offset: int) -> int:
        return x * factor + offset

    b = DAGBuilder("map-extra")
    src = b.add_node("src", _items([1, 2]))
    factor = b.add_node("factor", _items(10))
    b.add_node("scaled", scale, {"x": src, "factor": factor, "offset": 3}, map_over="x")
    result = await execute(b.build())
    assert result.results["scaled"] == [13, 23]


async def test_task_map_builds_a_mapped_node_that_runs_per_item() -> None:
    @task
    async def numbers() -> list[int]:
        return [2, 3]

    @task
    async def double(x: int) -> int:
        return 2 * x

    with DAGBuilder("decorated") as b:
        double.map(x=numbers())
    result = await execute(b.build())
    assert result.results["double"] == [4, 6]


async def test_mapping_over_an_empty_list_succeeds_with_an_empty_list() -> None:
    result = await execute(_map_dag([]).build())
    assert result.results["square"] == []
    assert result.results["total"] == 0
    assert one(result.events, EventKind.NODE_MAPPED, "square").instances == 0
    assert of(result.events, EventKind.NODE_STARTED, "square") == []


async def test_mapping_over_a_non_list_fails_the_node_with_a_type_error_naming_it() -> None:
    result = await execute(_map_dag({"not": "a list"}).build())
    node = result.state.nodes["square"]
    assert node.state is NodeState.FAILED
    assert node.error is not None
    assert node.error.type == "TypeError"
    assert "'square'" in node.error.message
    assert "dict" in node.error.message
    assert result.state.nodes["total"].state is NodeState.UPSTREAM_FAILED
    assert digest(replay(result.events)) == digest(result.state)


async def _fail_on_two(x: int) -> int:
    if x == 2:
        raise ValueError(f"cannot square {x}")
    await asyncio.sleep(0.01)
    return x * x


async def test_failed_instance_fails_the_mapped_node_and_its_downstream() -> None:
    result = await execute(_map_dag([1, 2, 3], _fail_on_two).build())
    node = result.state.nodes["square"]
    assert node.state is NodeState.FAILED
    assert node.error is not None
    assert node.error.message == "cannot square 2"
    assert node.instances is not None
    assert [i.state for i in node.instances] == [NodeState.SUCCEEDED, NodeState.FAILED, NodeState.SUCCEEDED]
    assert result.state.nodes["total"].state is NodeState.UPSTREAM_FAILED
    assert result.status is RunStatus.FAILED
    assert digest(replay(result.events)) == digest(result.state)


async def test_failed_instance_under_fail_fast_cancels_the_other_instances() -> None:
    result = await execute(_map_dag([1, 2, 3], _fail_on_two).build(), failure_policy=FailurePolicy.FAIL_FAST)
    node = result.state.nodes["square"]
    assert node.state is NodeState.FAILED
    assert node.instances is not None
    assert [i.state for i in node.instances] == [
        NodeState.CANCELLED,
        NodeState.FAILED,
        NodeState.CANCELLED,
    ]
    assert result.state.nodes["total"].state is NodeState.UPSTREAM_FAILED
    assert digest(replay(result.events)) == digest(result.state)


async def test_failed_instance_is_retried_on_its_own() -> None:
    seen: dict[int, int] = {}

    async def flaky_on_two(x: int) -> int:
        seen[x] = seen.get(x, 0) + 1
        if x == 2 and seen[x] == 1:
            raise RuntimeError("first try of 2")
        return x * x

    policy = RetryPolicy(max_attempts=2, backoff_base=0.001, backoff_cap=0.001)
    result = await execute(_map_dag([1, 2, 3], flaky_on_two, retry=policy).build())
    assert result.results["square"] == [1, 4, 9]
    assert seen == {1: 1, 2: 2, 3: 1}
    instances = result.state.nodes["square"].instances
    assert instances is not None
    assert [i.attempts for i in instances] == [1, 2, 1]
    assert one(result.events, EventKind.NODE_RETRYING, "square", map_index=1).attempt == 1


async def test_skipped_instance_is_left_out_of_the_mapped_result() -> None:
    async def skip_odd(x: int) -> int:
        if x % 2:
            raise SkipNode("odd")
        return x

    result = await execute(_map_dag([1, 2, 3, 4], skip_odd).build())
    assert result.results["square"] == [2, 4]
    instances = result.state.nodes["square"].instances
    assert instances is not None
    assert [i.state for i in instances] == [
        NodeState.SKIPPED,
        NodeState.SUCCEEDED,
        NodeState.SKIPPED,
        NodeState.SUCCEEDED,
    ]


async def test_mapped_instances_respect_the_concurrency_limit() -> None:
    running = 0
    peak = 0

    async def track(x: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return x

    result = await execute(_map_dag(list(range(8)), track).build(), max_concurrency=3)
    assert result.results["square"] == list(range(8))
    assert peak == 3


def test_chain_of_2000_mapped_nodes_over_empty_lists_runs_without_recursion() -> None:
    async def same(x: Any) -> Any:
        return x

    b = DAGBuilder("empty-maps")
    b.add_node("m0000", _items([]))
    for k in range(1, 2000):
        b.add_node(f"m{k:04d}", same, {"x": Ref(f"m{k - 1:04d}")}, map_over="x")
    for strategy in Strategy:
        result = run(b.build(), strategy=strategy)
        assert result.status is RunStatus.SUCCEEDED, strategy
        assert result.results["m1999"] == []
        assert digest(replay(result.events)) == digest(result.state)


def test_chain_of_2000_all_done_mapped_nodes_over_non_lists_fails_without_recursion() -> None:
    async def same(x: Any) -> Any:
        return x

    b = DAGBuilder("failed-maps")
    b.add_node("m0000", _items("not a list"))
    for k in range(1, 2000):
        b.add_node(f"m{k:04d}", same, {"x": Ref(f"m{k - 1:04d}")}, map_over="x", trigger="all_done")
    result = run(b.build())
    assert result.state.counts() == {"succeeded": 1, "failed": 1999}
    assert digest(replay(result.events)) == digest(result.state)


async def test_mapping_over_a_non_list_under_fail_fast_marks_downstream_upstream_failed() -> None:
    result = await execute(_map_dag(7).build(), failure_policy=FailurePolicy.FAIL_FAST)
    assert result.state.nodes["square"].state is NodeState.FAILED
    assert result.state.nodes["total"].state is NodeState.UPSTREAM_FAILED
    assert result.status is RunStatus.FAILED
    assert digest(replay(result.events)) == digest(result.state)


async def test_mapping_over_a_skipped_upstream_skips_the_mapped_node() -> None:
    def items() -> list[int]:
        raise SkipNode("no input today")

    async def double(x: int) -> int:
        return 2 * x

    with DAGBuilder("map-skipped") as b:
        src = b.add_node("items", items)
        b.add_node("double", double, {"x": src}, map_over="x", trigger="none_failed")
    result = await execute(b.build())
    node = result.state.nodes["double"]
    assert node.state is NodeState.SKIPPED
    assert node.reason == "mapped input skipped"
    assert result.status is RunStatus.SUCCEEDED
    assert replay(result.events) == result.state
