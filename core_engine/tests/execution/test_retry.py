"""Retries: attempt counts, backoff delays with seeded jitter, the retry_on filter."""

from __future__ import annotations

import asyncio
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from core_engine import (
    DAGBuilder,
    EventKind,
    NodeState,
    RetryPolicy,
    RunStatus,
    SkipNode,
    Strategy,
    execute,
    replay,
)

from ._support import of, one


class Flaky:
    """Raises ``exc`` on its first ``failures`` calls, then returns the call count."""

    def __init__(self, failures: int, exc: type[Exception] = RuntimeError) -> None:
        self.failures = failures
        self.exc = exc
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc(f"attempt {self.calls} failed")
        return self.calls


def _dag(fn: Flaky, policy: RetryPolicy) -> DAGBuilder:
    b = DAGBuilder("retry")
    b.add_node("flaky", fn.__call__, retry=policy)
    return b


FAST = RetryPolicy(max_attempts=5, backoff_base=0.001, backoff_cap=0.004)


async def test_node_failing_twice_then_succeeding_ends_succeeded_with_three_attempts() -> None:
    fn = Flaky(2)
    result = await execute(_dag(fn, FAST).build())
    node = result.state.nodes["flaky"]
    assert (node.state, node.attempts, node.result, node.error) == (NodeState.SUCCEEDED, 3, 3, None)
    assert fn.calls == 3
    assert [e.attempt for e in of(result.events, EventKind.NODE_STARTED)] == [1, 2, 3]
    retrying = of(result.events, EventKind.NODE_RETRYING)
    assert [(e.attempt, e.error.type, e.error.message) for e in retrying] == [
        (1, "RuntimeError", "attempt 1 failed"),
        (2, "RuntimeError", "attempt 2 failed"),
    ]
    assert result.status is RunStatus.SUCCEEDED


async def test_node_failing_every_attempt_ends_failed_with_the_last_error() -> None:
    fn = Flaky(10)
    policy = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_cap=0.001)
    result = await execute(_dag(fn, policy).build())
    node = result.state.nodes["flaky"]
    assert node.state is NodeState.FAILED
    assert node.attempts == 3
    assert node.error is not None
    assert node.error.message == "attempt 3 failed"
    assert len(of(result.events, EventKind.NODE_RETRYING)) == 2
    assert one(result.events, EventKind.NODE_FAILED, "flaky").attempt == 3
    assert fn.calls == 3


async def test_retry_delays_follow_capped_exponential_backoff_with_seeded_jitter() -> None:
    policy = RetryPolicy(max_attempts=5, backoff_base=0.004, backoff_cap=0.01, jitter=0.5)
    result = await execute(_dag(Flaky(4), policy).build(), rng=random.Random(1234))
    draws = random.Random(1234)
    # base * 2 ** (n - 1), capped at 0.01, then spread by up to 50 % with the seeded draws
    expected = [raw * (1 + 0.5 * (2 * draws.random() - 1)) for raw in (0.004, 0.008, 0.01, 0.01)]
    delays = [e.delay for e in of(result.events, EventKind.NODE_RETRYING)]
    assert delays == expected


async def test_next_attempt_waits_out_the_backoff_delay() -> None:
    policy = RetryPolicy(max_attempts=2, backoff_base=0.08, backoff_cap=0.08)
    result = await execute(_dag(Flaky(1), policy).build())
    retrying = one(result.events, EventKind.NODE_RETRYING, "flaky")
    second = of(result.events, EventKind.NODE_STARTED, "flaky")[1]
    assert retrying.delay == 0.08
    assert second.ts - retrying.ts >= 0.07  # wall clock vs loop clock: allow 10 ms of skew


async def test_exception_not_named_in_retry_on_fails_at_once() -> None:
    fn = Flaky(1, ValueError)
    policy = RetryPolicy(max_attempts=3, backoff_base=0.001, retry_on=("KeyError",))
    result = await execute(_dag(fn, policy).build())
    node = result.state.nodes["flaky"]
    assert (node.state, node.attempts, fn.calls) == (NodeState.FAILED, 1, 1)
    assert of(result.events, EventKind.NODE_RETRYING) == []


async def test_exception_whose_base_class_is_named_in_retry_on_is_retried() -> None:
    fn = Flaky(1, KeyError)
    policy = RetryPolicy(max_attempts=3, backoff_base=0.001, retry_on=("LookupError",))
    result = await execute(_dag(fn, policy).build())
    node = result.state.nodes["flaky"]
    assert (node.state, node.attempts) == (NodeState.SUCCEEDED, 2)


async def test_skip_is_not_retried() -> None:
    calls = []

    async def skipper() -> None:
        calls.append(1)
        raise SkipNode("nothing to do")

    b = DAGBuilder("skip")
    b.add_node("skipper", skipper, retry=FAST)
    result = await execute(b.build())
    node = result.state.nodes["skipper"]
    assert (node.state, node.attempts, node.reason) == (NodeState.SKIPPED, 1, "nothing to do")
    assert len(calls) == 1


async def test_sync_callable_in_a_thread_is_retried_too() -> None:
    calls = []

    def flaky_sync() -> int:
        calls.append(1)
        if len(calls) < 2:
            raise OSError("disk hiccup")
        return len(calls)

    b = DAGBuilder("retry-sync")
    b.add_node("flaky", flaky_sync, retry=FAST)
    result = await execute(b.build())
    assert result.results == {"flaky": 2}
    assert result.state.nodes["flaky"].attempts == 2


@settings(max_examples=60, deadline=None)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 4), st.integers(1, 4), st.booleans()),  # failures, max attempts, chained
        min_size=1,
        max_size=8,
    ),
    strategy=st.sampled_from(list(Strategy)),
)
def test_retry_counts_follow_each_policy_on_random_dags(
    plan: list[tuple[int, int, bool]], strategy: Strategy
) -> None:
    calls: dict[str, int] = {}

    def flaky(node: str, failures: int) -> int:
        calls[node] = calls.get(node, 0) + 1
        if calls[node] <= failures:
            raise ConnectionError(f"{node}: attempt {calls[node]} fails")
        return calls[node]

    with DAGBuilder("retry-counts") as b:
        previous = None
        for i, (failures, max_attempts, chained) in enumerate(plan):
            node = f"n{i}"
            previous = b.add_node(
                node,
                flaky,
                {"node": node, "failures": failures},
                depends_on=[previous] if chained and previous is not None else [],
                retry=RetryPolicy(max_attempts=max_attempts, backoff_base=0.0, backoff_cap=0.0),
                trigger="all_done",  # every node runs whatever its upstream did
                run_in="loop",
            )
    result = asyncio.run(execute(b.build(), strategy=strategy))

    for i, (failures, max_attempts, _) in enumerate(plan):
        node = result.state.nodes[f"n{i}"]
        expected_attempts = min(failures + 1, max_attempts)
        assert node.attempts == expected_attempts == calls[f"n{i}"]
        retrying = [e for e in result.events if e.kind is EventKind.NODE_RETRYING and e.node_id == f"n{i}"]
        assert len(retrying) == expected_attempts - 1
        assert node.state is (NodeState.SUCCEEDED if failures < max_attempts else NodeState.FAILED)
    assert replay(result.events) == result.state
