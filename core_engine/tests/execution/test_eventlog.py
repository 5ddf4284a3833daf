"""The compact event log: what it stores, and the typed events it gives back on every read."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

from core_engine import DAGBuilder, Event, RetryPolicy, RunResult, RunState, RunStatus, execute, start
from core_engine.events import NodeQueued, NodeStarted, NodeSucceeded, RunFinished, RunStarted
from core_engine.execution.eventlog import TYPED, EventLog

RETRY_ONCE = RetryPolicy(max_attempts=2, backoff_base=0.0)


async def _one() -> int:
    return 1


async def _plus(x: int) -> int:
    return x + 1


async def _flaky_once(calls: list[int]) -> int:
    calls.append(1)
    if len(calls) == 1:
        raise ConnectionError("first attempt")
    return len(calls)


def _chain(length: int) -> Any:
    with DAGBuilder("chain") as b:
        previous = b.add_node("n0", _one)
        for i in range(1, length):
            previous = b.add_node(f"n{i}", _plus, {"x": previous})
    return b.build()


async def _log_of(dag: Any) -> EventLog:
    handle = start(dag)
    await handle.wait()
    log: EventLog = handle._run.log  # the run's own log, before any typed event is made
    return log


async def test_events_read_back_equal_the_typed_events_listeners_received() -> None:
    received: list[Event] = []
    calls: list[int] = []
    with DAGBuilder("mixed") as b:
        b.add_node("flaky", _flaky_once, {"calls": calls}, retry=RETRY_ONCE)
        b.add_node("one", _one)
    result = await execute(b.build(), on_event=received.append)
    assert result.events == received
    assert [type(e) for e in result.events] == [type(e) for e in received]
    assert [e.seq for e in result.events] == list(range(len(received)))


async def test_plain_node_events_read_back_with_every_field() -> None:
    result = await execute(_chain(2))
    queued, started, succeeded = (e for e in result.events if getattr(e, "node_id", None) == "n1")
    assert type(queued) is NodeQueued and queued.map_index is None
    assert type(started) is NodeStarted and (started.map_index, started.attempt) == (None, 1)
    assert type(succeeded) is NodeSucceeded
    assert (succeeded.map_index, succeeded.attempt, succeeded.result) == (None, 1, 2)
    assert succeeded.resumed is False and succeeded.duration >= 0
    node = result.state.nodes["n1"]
    assert (started.ts, succeeded.ts) == (node.started_at, node.finished_at)
    assert succeeded.duration == node.duration


async def test_log_indexes_like_a_list() -> None:
    log = await _log_of(_chain(3))
    events = list(log)
    assert len(log) == len(events) == 11
    assert isinstance(log[0], RunStarted) and isinstance(log[-1], RunFinished)
    assert log[-2] == events[-2]
    assert log[1:4] == events[1:4]
    assert log[::-1] == events[::-1]
    with pytest.raises(IndexError):
        log[len(events)]
    with pytest.raises(IndexError):
        log[-len(events) - 1]


async def test_log_of_trivial_nodes_holds_nothing_the_garbage_collector_tracks() -> None:
    log = await _log_of(_chain(50))
    gc.collect()  # a collection untracks exact tuples that hold only untracked values
    compact = [data for code, data in zip(log.kinds, log.data, strict=True) if code != TYPED]
    assert len(compact) == 3 * 50
    assert not any(gc.is_tracked(data) for data in compact)


def test_typed_events_appended_to_a_log_come_back_as_they_are() -> None:
    log = EventLog()
    first = RunStarted(0, 1.0, "run", "dag", "sha256:x", 0, {})
    last = RunFinished(1, 2, "succeeded", 1.0)  # an int timestamp stays an int
    log.append(first)
    log.append(last)
    assert log[0] is first and log[1] is last
    assert list(log) == [first, last]
    assert repr(log) == "<EventLog: 2 events>"


async def test_run_result_makes_its_event_list_once() -> None:
    result = await execute(_chain(3))
    assert result.events is result.events
    assert RunResult(result.state, list(result.events)) == result
    assert repr(result).endswith("succeeded, 11 events>")


def test_run_result_keeps_a_given_list_and_is_read_only() -> None:
    events: list[Event] = []
    result = RunResult(RunState(status=RunStatus.SUCCEEDED), events)
    assert result.events is events
    with pytest.raises(AttributeError):
        result.state = RunState()  # type: ignore[misc]


async def test_events_iterator_reads_compact_events_as_they_come() -> None:
    gate = asyncio.Event()

    async def wait() -> int:
        await gate.wait()
        return 1

    with DAGBuilder("gated") as b:
        b.add_node("wait", wait)
        b.add_node("after", _plus, {"x": b.add_node("first", _one)})
    handle = start(b.build())
    seen: list[Event] = []
    async for event in handle.events():
        seen.append(event)
        if isinstance(event, NodeSucceeded) and event.node_id == "after":
            gate.set()
    result = await handle.wait()
    assert seen == result.events
