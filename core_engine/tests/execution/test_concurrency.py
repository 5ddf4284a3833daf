"""The concurrency limit: never exceeded, and reached when there is enough ready work."""

from __future__ import annotations

import asyncio
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from core_engine import DAGBuilder, Strategy, execute, run

from ._support import DagSpec, Probe, build, dag_specs, peak_running


@settings(max_examples=30, deadline=None)
@given(
    spec=dag_specs(max_nodes=12, sleeps=(0.001, 0.003)),
    limit=st.integers(1, 4),
    strategy=st.sampled_from([Strategy.DATAFLOW, Strategy.LEVEL]),
)
def test_running_tasks_never_exceed_the_concurrency_limit(
    spec: DagSpec, limit: int, strategy: Strategy
) -> None:
    probe = Probe()
    result = run(build(spec, probe), max_concurrency=limit, strategy=strategy)
    assert probe.peak <= limit
    assert peak_running(result.events) <= limit


async def test_limit_is_reached_when_enough_nodes_are_ready() -> None:
    probe = Probe()

    async def work() -> None:
        probe.enter("work")
        await asyncio.sleep(0.03)
        probe.leave()

    b = DAGBuilder("wide")
    for k in range(6):
        b.add_node(f"w{k}", work)
    await execute(b.build(), max_concurrency=3)
    assert probe.peak == 3


async def test_without_a_limit_every_ready_node_runs_at_once() -> None:
    probe = Probe()

    def blocking() -> None:
        probe.enter("blocking")
        time.sleep(0.05)
        probe.leave()

    b = DAGBuilder("wide-threads")
    for k in range(5):
        b.add_node(f"t{k}", blocking)
    await execute(b.build())
    assert probe.peak == 5
