"""Runs with more coroutine attempts in flight than the scheduler records eagerly.

Past ``_EAGER_RECORDING_LIMIT`` running attempts, coroutine attempts are bare tasks with a
done-callback instead of running inside ``Run._attempt``; both paths must record the same
outcomes (results, failures, retries, timeouts, cancellation), and replay must agree.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core_engine import (
    DAGBuilder,
    NodeState,
    RetryPolicy,
    RunStatus,
    digest,
    execute,
    replay,
    start,
)
from core_engine.execution.scheduler import _EAGER_RECORDING_LIMIT

WIDTH = _EAGER_RECORDING_LIMIT + 300


def wide_dag(gate: asyncio.Event, calls: dict[int, int]) -> Any:
    async def leaf(i: int) -> int:
        calls[i] = calls.get(i, 0) + 1
        await gate.wait()
        if i % 97 == 0 and calls[i] == 1:
            raise ConnectionError(f"leaf {i} flaked")  # retried once, then succeeds
        if i % 89 == 0:
            raise ValueError(f"leaf {i} is broken")
        if i == WIDTH - 1:
            await asyncio.sleep(10)  # times out
        return i

    async def total(**values: int) -> int:
        return sum(v for v in values.values() if v is not None)

    with DAGBuilder("wide") as b:
        outs = {}
        for i in range(WIDTH):
            outs[f"v{i}"] = b.add_node(
                f"leaf{i:05d}",
                leaf,
                {"i": i},
                retry=RetryPolicy(max_attempts=2, backoff_base=0.0, backoff_cap=0.0),
                timeout=0.5,
            )
        b.add_node("total", total, outs, trigger="all_done")
    return b.build()


async def test_outcomes_past_the_eager_limit_match_replay() -> None:
    gate = asyncio.Event()
    calls: dict[int, int] = {}
    dag = wide_dag(gate, calls)
    handle = start(dag)
    await asyncio.sleep(0.05)
    gate.set()
    result = await handle.wait()

    nodes = result.state.nodes
    assert nodes["leaf00097"].state is NodeState.SUCCEEDED and nodes["leaf00097"].attempts == 2
    assert nodes["leaf00089"].state is NodeState.FAILED
    assert nodes["leaf00089"].error is not None and nodes["leaf00089"].error.type == "ValueError"
    last = nodes[f"leaf{WIDTH - 1:05d}"]
    assert last.state is NodeState.FAILED and last.error is not None
    assert last.error.type == "NodeTimeoutError" and last.attempts == 2
    expected = sum(i for i in range(WIDTH) if i % 89 != 0 and i != WIDTH - 1)
    assert result.results["total"] == expected
    assert result.status is RunStatus.FAILED
    rebuilt = replay(result.events)
    assert rebuilt == result.state
    assert digest(rebuilt) == digest(result.state)


async def test_cancelling_a_run_past_the_eager_limit_cancels_every_attempt() -> None:
    gate = asyncio.Event()
    cancelled: list[int] = []

    async def wait(i: int) -> None:
        try:
            await gate.wait()
        except asyncio.CancelledError:
            cancelled.append(i)
            raise

    with DAGBuilder("wide-cancel") as b:
        for i in range(WIDTH):
            b.add_node(f"n{i:05d}", wait, {"i": i})
    handle = start(b.build())
    await asyncio.sleep(0.05)
    handle.cancel()
    result = await handle.wait()
    await asyncio.sleep(0)  # let the cancelled tasks run their except blocks
    assert result.status is RunStatus.CANCELLED
    assert sorted(cancelled) == list(range(WIDTH))
    assert all(n.state is NodeState.CANCELLED for n in result.state.nodes.values())
    assert replay(result.events) == result.state


async def test_wide_and_narrow_runs_give_the_same_results() -> None:
    async def square(i: int) -> int:
        await asyncio.sleep(0)
        return i * i

    with DAGBuilder("wide-results") as b:
        for i in range(WIDTH):
            b.add_node(f"n{i:05d}", square, {"i": i})
    dag = b.build()
    wide = await execute(dag)
    narrow = await execute(dag, max_concurrency=8)
    assert wide.results == narrow.results == {f"n{i:05d}": i * i for i in range(WIDTH)}
