"""Per-node timeouts, whole-run timeouts and cooperative cancellation through the handle."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from core_engine import (
    DAGBuilder,
    EventKind,
    NodeState,
    NodeTimeoutError,
    RetryPolicy,
    RunResult,
    RunStatus,
    execute,
    replay,
    start,
)
from core_engine.state import digest

from ._support import of, one


class Sleeper:
    """An async task that sleeps ``seconds`` and records whether it was cancelled."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        self.started.set()
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return "slept"


async def _ok() -> str:
    return "ok"


async def _after(x: str) -> str:
    return x + "!"


def _assert_replays(result: RunResult) -> None:
    assert digest(replay(result.events)) == digest(result.state)


# ------------------------------------------------------------------ node timeout


async def test_node_running_past_its_timeout_is_cancelled_and_fails_with_node_timeout_error() -> None:
    sleeper = Sleeper(2.0)
    b = DAGBuilder("timeout")
    s = b.add_node("slow", sleeper.__call__, timeout=0.05)
    b.add_node("after", _after, {"x": s})
    result = await execute(b.build())
    await asyncio.wait_for(sleeper.cancelled.wait(), 1.0)
    node = result.state.nodes["slow"]
    assert node.state is NodeState.FAILED
    assert node.error is not None
    assert node.error.type == NodeTimeoutError.__name__
    assert "'slow'" in node.error.message
    assert result.state.nodes["after"].state is NodeState.UPSTREAM_FAILED
    _assert_replays(result)


async def test_timed_out_attempt_is_retried_when_the_policy_allows() -> None:
    durations = iter([2.0, 0.0])

    async def slow_then_fast() -> str:
        await asyncio.sleep(next(durations))
        return "done"

    b = DAGBuilder("timeout-retry")
    b.add_node("node", slow_then_fast, timeout=0.05, retry=RetryPolicy(max_attempts=2, backoff_base=0.0))
    result = await execute(b.build())
    node = result.state.nodes["node"]
    assert (node.state, node.attempts, node.result) == (NodeState.SUCCEEDED, 2, "done")
    retrying = one(result.events, EventKind.NODE_RETRYING, "node")
    assert retrying.error.type == "NodeTimeoutError"
    assert retrying.duration >= 0.04


async def test_thread_attempt_past_its_timeout_fails_without_waiting_for_the_thread() -> None:
    def blocking() -> str:
        time.sleep(0.5)
        return "late"

    b = DAGBuilder("thread-timeout")
    b.add_node("blocking", blocking, timeout=0.05)
    t0 = time.perf_counter()
    result = await execute(b.build())
    assert time.perf_counter() - t0 < 0.4
    assert result.state.nodes["blocking"].error is not None
    assert result.state.nodes["blocking"].error.type == "NodeTimeoutError"


# ------------------------------------------------------------------ run timeout


async def test_run_timeout_ends_the_run_timed_out_and_cancels_open_nodes() -> None:
    sleeper = Sleeper(2.0)
    b = DAGBuilder("run-timeout")
    b.add_node("quick", _ok)
    s = b.add_node("slow", sleeper.__call__)
    b.add_node("after", _after, {"x": s})
    result = await execute(b.build(), timeout=0.1)
    await asyncio.wait_for(sleeper.cancelled.wait(), 1.0)
    assert result.status is RunStatus.TIMED_OUT
    nodes = result.state.nodes
    assert nodes["quick"].state is NodeState.SUCCEEDED
    assert nodes["slow"].state is NodeState.CANCELLED
    assert nodes["after"].state is NodeState.CANCELLED
    assert of(result.events, EventKind.NODE_STARTED, "after") == []
    assert result.events[-1].status == "timed_out"
    _assert_replays(result)


async def test_run_timeout_cancels_queued_nodes_waiting_for_a_slot() -> None:
    sleeper = Sleeper(2.0)
    b = DAGBuilder("run-timeout-queue")
    b.add_node("a_slow", sleeper.__call__)
    b.add_node("b_queued", _ok)
    result = await execute(b.build(), timeout=0.05, max_concurrency=1)
    assert result.state.nodes["b_queued"].state is NodeState.CANCELLED
    assert of(result.events, EventKind.NODE_STARTED, "b_queued") == []
    _assert_replays(result)


async def test_run_that_ends_before_its_timeout_succeeds() -> None:
    b = DAGBuilder("in-time")
    b.add_node("quick", _ok)
    result = await execute(b.build(), timeout=5.0)
    assert result.status is RunStatus.SUCCEEDED


# ------------------------------------------------------------------ handle.cancel()


async def test_cancel_cancels_running_attempts_and_starts_nothing_new() -> None:
    sleeper = Sleeper(2.0)
    b = DAGBuilder("cancel")
    s = b.add_node("slow", sleeper.__call__)
    b.add_node("after", _after, {"x": s})
    handle = start(b.build())
    await asyncio.wait_for(sleeper.started.wait(), 1.0)
    handle.cancel()
    result = await handle.wait()
    await asyncio.wait_for(sleeper.cancelled.wait(), 1.0)
    assert result.status is RunStatus.CANCELLED
    assert result.state.nodes["slow"].state is NodeState.CANCELLED
    assert result.state.nodes["after"].state is NodeState.CANCELLED
    assert of(result.events, EventKind.NODE_STARTED, "after") == []
    assert one(result.events, EventKind.NODE_CANCELLED, "slow").attempt == 1
    _assert_replays(result)


async def test_cancel_during_a_retry_backoff_prevents_the_next_attempt() -> None:
    calls = []

    async def failing() -> None:
        calls.append(1)
        raise RuntimeError("again")

    b = DAGBuilder("cancel-backoff")
    b.add_node("failing", failing, retry=RetryPolicy(max_attempts=3, backoff_base=5.0, backoff_cap=5.0))
    handle = start(b.build())
    async with contextlib.aclosing(handle.events()) as events:
        async for event in events:
            if event.kind is EventKind.NODE_RETRYING:
                break
    handle.cancel()
    result = await handle.wait()
    assert result.status is RunStatus.CANCELLED
    assert result.state.nodes["failing"].state is NodeState.CANCELLED
    assert len(calls) == 1
    _assert_replays(result)


async def test_cancelling_the_task_awaiting_wait_cancels_the_run() -> None:
    sleeper = Sleeper(2.0)
    b = DAGBuilder("cancel-waiter")
    b.add_node("slow", sleeper.__call__)
    handle = start(b.build())
    waiter = asyncio.create_task(handle.wait())
    await asyncio.wait_for(sleeper.started.wait(), 1.0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert handle.done
    assert handle.state().status is RunStatus.CANCELLED
    await asyncio.wait_for(sleeper.cancelled.wait(), 1.0)


async def test_cancel_after_the_run_ended_changes_nothing() -> None:
    b = DAGBuilder("done")
    b.add_node("quick", _ok)
    handle = start(b.build())
    result = await handle.wait()
    handle.cancel()
    assert handle.state().status is RunStatus.SUCCEEDED
    assert [e async for e in handle.events()] == result.events
