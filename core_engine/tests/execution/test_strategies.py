"""Strategies: dataflow, level and sequential give the same results, each with its own order."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from core_engine import DAGBuilder, EventKind, RunStatus, Strategy, execute, run

from ._support import (
    DagSpec,
    NodeSpec,
    Probe,
    build,
    dag_specs,
    end_seq,
    of,
    one,
    peak_running,
    reference_results,
    started_ids,
)


@settings(max_examples=25, deadline=None)
@given(spec=dag_specs(), limit=st.none() | st.integers(1, 4))
def test_every_strategy_computes_the_reference_results(spec: DagSpec, limit: int | None) -> None:
    expected = reference_results(spec)
    for strategy in Strategy:
        result = run(build(spec), strategy=strategy, max_concurrency=limit)
        assert result.status is RunStatus.SUCCEEDED, strategy
        assert result.results == expected, strategy


@settings(max_examples=20, deadline=None)
@given(spec=dag_specs(sleeps=(0.0, 0.001, 0.003)), limit=st.none() | st.integers(1, 3))
def test_level_strategy_starts_no_unit_before_every_lower_level_node_ended(
    spec: DagSpec, limit: int | None
) -> None:
    dag = build(spec)
    result = run(dag, strategy=Strategy.LEVEL, max_concurrency=limit)
    levels = dag.levels()
    ended = end_seq(result.events)
    for started in of(result.events, EventKind.NODE_STARTED):
        lower = [nid for nid, lvl in levels.items() if lvl < levels[started.node_id]]
        assert all(ended[nid] < started.seq for nid in lower), (started, lower)


@settings(max_examples=20, deadline=None)
@given(spec=dag_specs(sleeps=(0.0, 0.001)), limit=st.none() | st.integers(2, 5))
def test_sequential_strategy_runs_one_unit_at_a_time_in_topological_order(
    spec: DagSpec, limit: int | None
) -> None:
    probe = Probe()
    dag = build(spec, probe)
    result = run(dag, strategy=Strategy.SEQUENTIAL, max_concurrency=limit)
    assert probe.peak == 1
    assert peak_running(result.events) == 1
    started = started_ids(result.events)
    assert started == [nid for nid in dag.topological_order() if nid in set(started)]
    assert {node.id for node in dag.nodes if not node.map_over} <= set(started)


def _fast_and_slow_branches() -> DAGBuilder:
    """``fast -> after_fast`` and ``slow`` (0.2 s): after_fast is level 1, slow level 0."""

    async def fast() -> int:
        return 1

    async def slow() -> int:
        await asyncio.sleep(0.2)
        return 2

    async def after_fast(x: int) -> int:
        return x + 10

    b = DAGBuilder("branches")
    f = b.add_node("fast", fast)
    b.add_node("slow", slow)
    b.add_node("after_fast", after_fast, {"x": f})
    return b


async def test_dataflow_starts_a_fast_branchs_downstream_before_a_slow_sibling_ends() -> None:
    result = await execute(_fast_and_slow_branches().build(), strategy=Strategy.DATAFLOW)
    started = one(result.events, EventKind.NODE_STARTED, "after_fast")
    slow_end = one(result.events, EventKind.NODE_SUCCEEDED, "slow")
    assert started.seq < slow_end.seq
    assert result.results == {"fast": 1, "slow": 2, "after_fast": 11}


async def test_level_holds_a_fast_branchs_downstream_until_the_slow_sibling_ends() -> None:
    result = await execute(_fast_and_slow_branches().build(), strategy=Strategy.LEVEL)
    started = one(result.events, EventKind.NODE_STARTED, "after_fast")
    slow_end = one(result.events, EventKind.NODE_SUCCEEDED, "slow")
    assert slow_end.seq < started.seq
    assert result.results == {"fast": 1, "slow": 2, "after_fast": 11}


async def test_sequential_ignores_a_larger_concurrency_limit() -> None:
    probe = Probe()

    async def work(name: str) -> str:
        probe.enter(name)
        await asyncio.sleep(0.01)
        probe.leave()
        return name

    b = DAGBuilder("flat")
    for name in ("c", "a", "b"):
        b.add_node(name, work, {"name": name})
    await execute(b.build(), strategy="sequential", max_concurrency=8)
    assert probe.peak == 1
    assert probe.calls == ["a", "b", "c"]


def test_reference_evaluation_matches_a_hand_computed_mapped_example() -> None:
    # n00: total 1 -> [1 * 3]; n01 maps over [3]: total 1 + 1 + 3 = 5 -> [5 * 3, 5 * 4].
    spec = DagSpec((NodeSpec(), NodeSpec(ups=(0,), mapped=True, sync=True)))
    assert reference_results(spec) == {"n00": [3], "n01": [[15, 20]]}
    assert run(build(spec)).results == {"n00": [3], "n01": [[15, 20]]}
