"""Replay: the events alone rebuild the live final state, also after a JSON round trip."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core_engine import (
    DAG,
    DAGBuilder,
    Event,
    EventKind,
    FailurePolicy,
    NodeState,
    ReplayError,
    RunHandle,
    RunResult,
    RunStatus,
    Strategy,
    TriggerRule,
    event_from_dict,
    event_to_dict,
    execute,
    replay,
    start,
)
from core_engine.events import NodeQueued
from core_engine.state import RunState, digest

from ._support import MIXED_BEHAVIOURS, DagSpec, build, dag_specs, of


def _through_json(events: list[Event]) -> list[Event]:
    text = json.dumps([event_to_dict(e) for e in events])
    return [event_from_dict(d) for d in json.loads(text)]


def _assert_replay_matches(result: RunResult) -> None:
    replayed = replay(result.events)
    assert replayed.to_dict() == result.state.to_dict()
    assert digest(replayed) == digest(result.state)
    assert digest(replay(_through_json(result.events))) == digest(result.state)


async def _run_cancelling_at(dag: DAG, cancel_at: int | None, **options: Any) -> RunResult:
    """Run ``dag``; an event listener cancels the run when event ``cancel_at`` is emitted."""
    handles: list[RunHandle] = []

    def cancel_on(event: Event) -> None:
        if event.seq == cancel_at and handles:
            handles[0].cancel()

    handle = start(dag, on_event=cancel_on, **options)
    handles.append(handle)
    return await handle.wait()


@settings(max_examples=80, deadline=None)
@given(
    spec=dag_specs(
        behaviours=MIXED_BEHAVIOURS,
        sleeps=(0.0, 0.001, 0.003),
        triggers=tuple(TriggerRule),
    ),
    strategy=st.sampled_from(list(Strategy)),
    policy=st.sampled_from(list(FailurePolicy)),
    limit=st.none() | st.integers(1, 3),
    run_timeout=st.sampled_from([None, None, 0.004]),
    cancel_at=st.none() | st.integers(1, 40),
    seed=st.integers(0, 2**16),
)
def test_replay_of_any_run_equals_its_live_final_state(
    spec: DagSpec,
    strategy: Strategy,
    policy: FailurePolicy,
    limit: int | None,
    run_timeout: float | None,
    cancel_at: int | None,
    seed: int,
) -> None:
    result = asyncio.run(
        _run_cancelling_at(
            build(spec),
            cancel_at,
            strategy=strategy,
            failure_policy=policy,
            max_concurrency=limit,
            timeout=run_timeout,
            rng=random.Random(seed),
        )
    )
    assert result.state.status is not RunStatus.RUNNING
    assert all(node.state.is_terminal for node in result.state.nodes.values())
    assert [e.seq for e in result.events] == list(range(len(result.events)))
    assert result.events[-1].kind is EventKind.RUN_FINISHED
    _assert_replay_matches(result)


async def _ok() -> int:
    return 1


async def _after(x: int) -> int:
    return x + 1


def _chain_dag() -> DAGBuilder:
    b = DAGBuilder("chain")
    a = b.add_node("a", _ok)
    m = b.add_node("b", _after, {"x": a})
    b.add_node("c", _after, {"x": m})
    return b


async def test_replay_of_a_run_equals_its_live_state_and_digest() -> None:
    result = await execute(_chain_dag().build())
    replayed = replay(result.events)
    assert replayed.status is RunStatus.SUCCEEDED
    assert replayed.results() == {"a": 1, "b": 2, "c": 3}
    _assert_replay_matches(result)


async def test_replay_is_deterministic() -> None:
    result = await execute(_chain_dag().build())
    assert digest(replay(result.events)) == digest(replay(list(result.events)))


async def test_digest_tells_different_runs_apart() -> None:
    first = await execute(_chain_dag().build(), run_id="one")
    second = await execute(_chain_dag().build(), run_id="two")
    assert digest(first.state) != digest(second.state)


async def test_log_with_a_gap_raises_replay_error_at_the_gap() -> None:
    result = await execute(_chain_dag().build())
    events = [*result.events[:3], *result.events[4:]]
    with pytest.raises(ReplayError, match="expected sequence 3") as info:
        replay(events)
    assert info.value.seq == 4


async def test_log_with_a_repeated_event_raises_replay_error() -> None:
    result = await execute(_chain_dag().build())
    events = [*result.events[:3], result.events[2], *result.events[3:]]
    with pytest.raises(ReplayError) as info:
        replay(events)
    assert info.value.seq == 2


def test_instance_event_for_a_node_never_mapped_raises_replay_error() -> None:
    bogus = NodeQueued(0, 1.0, "x", 0)
    with pytest.raises(ReplayError, match="never mapped"):
        replay([bogus])


def test_replay_of_no_events_is_an_empty_running_state() -> None:
    state = replay([])
    assert state == RunState()
    assert state.status is RunStatus.RUNNING


async def test_prefix_of_a_log_replays_to_the_state_at_that_point() -> None:
    result = await execute(_chain_dag().build())
    cut = next(e.seq for e in result.events if e.kind is EventKind.NODE_SUCCEEDED and e.node_id == "b")
    partial = replay(result.events[: cut + 1])
    assert partial.status is RunStatus.RUNNING
    assert partial.nodes["b"].state is NodeState.SUCCEEDED
    assert "c" not in partial.nodes or not partial.nodes["c"].state.is_terminal


# ------------------------------------------------------------- re-entrant cancellation


async def test_cancel_from_an_event_listener_leaves_a_log_that_replays_to_the_live_state() -> None:
    holder: list[RunHandle] = []

    def cancel_on_first_success(event: Event) -> None:
        if event.kind is EventKind.NODE_SUCCEEDED and holder:
            holder[0].cancel()

    handle = start(_chain_dag().build(), on_event=cancel_on_first_success)
    holder.append(handle)
    result = await handle.wait()
    assert result.status is RunStatus.CANCELLED
    assert result.events[-1].kind is EventKind.RUN_FINISHED
    assert len(of(result.events, EventKind.RUN_FINISHED)) == 1
    assert result.state.nodes["a"].state is NodeState.SUCCEEDED
    assert of(result.events, EventKind.NODE_STARTED, "b") == []
    _assert_replay_matches(result)


async def test_inline_task_cancelling_its_own_run_leaves_a_log_that_replays_to_the_live_state() -> None:
    holder: list[RunHandle] = []

    def cancel_run(x: int) -> int:
        holder[0].cancel()
        return x

    b = DAGBuilder("self-cancel")
    root = b.add_node("root", _ok)  # async: the inline node runs once start() has returned
    a = b.add_node("a", cancel_run, {"x": root}, run_in="loop")
    b.add_node("b", _after, {"x": a})
    handle = start(b.build())
    holder.append(handle)
    result = await handle.wait()
    assert result.status is RunStatus.CANCELLED
    assert result.events[-1].kind is EventKind.RUN_FINISHED
    assert result.state.nodes["a"].state is NodeState.CANCELLED
    assert of(result.events, EventKind.NODE_STARTED, "b") == []
    _assert_replay_matches(result)
