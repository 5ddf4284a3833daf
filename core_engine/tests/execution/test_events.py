"""Events: sequence numbers, timestamps and payloads, their consumers, and their JSON form."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
from typing import Any

import pytest

from core_engine import (
    DAGBuilder,
    Event,
    EventKind,
    RetryPolicy,
    RunResult,
    SkipNode,
    event_from_dict,
    event_to_dict,
    execute,
    start,
)
from core_engine.events import ErrorInfo, NodeQueued, format_ts
from core_engine.node import TypedTask

from ._support import of, one


async def _value() -> int:
    await asyncio.sleep(0.03)
    return 3


async def _boom() -> int:
    raise ValueError("boom in task")


async def _double(x: int) -> int:
    return 2 * x


def _small_dag() -> Any:
    b = DAGBuilder("small")
    v = b.add_node("value", _value)
    b.add_node("double", _double, {"x": v})
    b.add_node("boom", _boom)
    return b.build()


async def _every_kind_run() -> RunResult:
    """One run that emits every event kind: retry, map, skip, failure, upstream failure,
    a log line, and a run timeout that cancels a sleeping node."""
    calls = []

    async def flaky() -> list[int]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first attempt")
        return [1, 2]

    async def square(x: int) -> int:
        return x * x

    async def skip() -> None:
        raise SkipNode("not today")

    async def forever() -> None:
        await asyncio.sleep(5)

    b = DAGBuilder("every-kind")
    f = b.add_node("flaky", flaky, retry=RetryPolicy(max_attempts=2, backoff_base=0.001))
    b.add_node("square", square, {"x": f}, map_over="x")
    b.add_node("skip", skip)
    bad = b.add_node("boom", _boom)
    b.add_node("after_boom", _double, {"x": bad})
    b.add_node("forever", forever)
    logs = [sys.executable, "-I", "-c", "import sys; print('a log line', file=sys.stderr)"]
    b.add_node("logs", TypedTask("command", {"argv": logs}))
    return await execute(b.build(), timeout=0.2)


async def test_every_run_numbers_its_events_from_zero_without_gaps() -> None:
    result = await execute(_small_dag())
    assert [e.seq for e in result.events] == list(range(len(result.events)))
    assert result.events[0].kind is EventKind.RUN_STARTED
    assert result.events[-1].kind is EventKind.RUN_FINISHED
    assert len(of(result.events, EventKind.RUN_STARTED)) == 1
    assert len(of(result.events, EventKind.RUN_FINISHED)) == 1


async def test_event_timestamps_are_utc_epoch_seconds_taken_during_the_run() -> None:
    before = time.time()
    result = await execute(_small_dag())
    after = time.time()
    stamps = [e.ts for e in result.events]
    assert all(before <= ts <= after for ts in stamps)
    assert stamps == sorted(stamps)
    assert format_ts(result.events[0].ts).endswith("Z")


def test_format_ts_renders_iso_8601_utc_with_microseconds() -> None:
    assert format_ts(0.0) == "1970-01-01T00:00:00.000000Z"
    assert format_ts(86_400.5) == "1970-01-02T00:00:00.500000Z"


async def test_run_started_event_describes_the_run() -> None:
    dag = _small_dag()
    result = await execute(dag, run_id="run-42")
    started = result.events[0]
    assert (started.run_id, started.dag_name, started.dag_hash) == ("run-42", "small", dag.content_hash)
    assert started.node_count == 3
    assert started.params == {}


async def test_node_events_carry_attempts_durations_and_results() -> None:
    result = await execute(_small_dag())
    started = one(result.events, EventKind.NODE_STARTED, "value")
    succeeded = one(result.events, EventKind.NODE_SUCCEEDED, "value")
    assert started.attempt == 1
    assert (succeeded.attempt, succeeded.result, succeeded.resumed) == (1, 3, False)
    assert 0.025 <= succeeded.duration < 1.0
    assert one(result.events, EventKind.NODE_SUCCEEDED, "double").result == 6
    finished = result.events[-1]
    assert finished.status == "failed"
    assert finished.duration >= succeeded.duration


async def test_failure_events_carry_the_error_type_message_and_traceback() -> None:
    result = await execute(_small_dag())
    error = one(result.events, EventKind.NODE_FAILED, "boom").error
    assert isinstance(error, ErrorInfo)
    assert (error.type, error.message) == ("ValueError", "boom in task")
    assert "Traceback" in error.traceback
    assert "_boom" in error.traceback
    assert 'raise ValueError("boom in task")' in error.traceback


async def test_every_state_change_of_a_node_emits_one_event_in_order() -> None:
    result = await execute(_small_dag())
    kinds = [e.kind for e in result.events if getattr(e, "node_id", None) == "double"]
    assert kinds == [EventKind.NODE_QUEUED, EventKind.NODE_STARTED, EventKind.NODE_SUCCEEDED]


async def test_on_event_callbacks_receive_every_event_in_order() -> None:
    first: list[Event] = []
    second: list[Event] = []
    result = await execute(_small_dag(), on_event=(first.append, second.append))
    assert first == result.events
    assert second == result.events


async def test_failing_on_event_callback_is_logged_and_does_not_break_the_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    seen: list[Event] = []
    with caplog.at_level(logging.ERROR, logger="core_engine.execution.scheduler"):
        result = await execute(_small_dag(), on_event=(broken, seen.append))
    assert seen == result.events
    assert result.results["double"] == 6
    assert any("listener" in record.getMessage() for record in caplog.records)


async def test_events_iterator_gives_a_late_subscriber_earlier_events_then_live_ones() -> None:
    handle = start(_small_dag())
    await asyncio.sleep(0.01)  # value is still sleeping: some events exist, more will come
    assert not handle.done
    got = [e async for e in handle.events()]
    result = await handle.wait()
    assert got == result.events
    assert got[-1].kind is EventKind.RUN_FINISHED


async def test_events_iterators_running_side_by_side_each_see_every_event_once() -> None:
    handle = start(_small_dag())

    async def collect() -> list[Event]:
        return [e async for e in handle.events()]

    a, b = await asyncio.gather(collect(), collect())
    result = await handle.wait()
    assert a == b == result.events


async def test_events_iterator_after_a_sequence_number_starts_after_it() -> None:
    handle = start(_small_dag())
    result = await handle.wait()
    tail = [e async for e in handle.events(after=3)]
    assert tail == result.events[4:]


async def test_events_iterator_abandoned_midway_does_not_disturb_the_run() -> None:
    handle = start(_small_dag())
    async with contextlib.aclosing(handle.events()) as events:
        async for event in events:
            if event.kind is EventKind.NODE_STARTED:
                break
    result = await handle.wait()
    assert result.results["double"] == 6


async def test_one_run_can_emit_every_event_kind() -> None:
    result = await _every_kind_run()
    assert {e.kind for e in result.events} == set(EventKind)


async def test_every_event_kind_round_trips_through_dicts_and_json() -> None:
    result = await _every_kind_run()
    for event in result.events:
        data = event_to_dict(event)
        assert data["kind"] == event.kind.value
        assert event_from_dict(data) == event
        again = event_from_dict(json.loads(json.dumps(data)))
        assert again == event
        assert type(again) is type(event)
        if hasattr(event, "error"):
            assert isinstance(again.error, ErrorInfo)  # type: ignore[union-attr]


def test_event_from_dict_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown event kind 'node_exploded'"):
        event_from_dict({"kind": "node_exploded", "seq": 0, "ts": 0.0})


def test_event_from_dict_refuses_a_missing_field_naming_it() -> None:
    with pytest.raises(ValueError, match="lacks field 'node_id'"):
        event_from_dict({"kind": "node_queued", "seq": 0, "ts": 0.0, "map_index": None})


def test_event_from_dict_ignores_fields_the_kind_does_not_have() -> None:
    data = {"kind": "node_queued", "seq": 4, "ts": 1.5, "node_id": "a", "map_index": None, "extra": 1}
    event = event_from_dict(data)
    assert type(event) is NodeQueued
    assert event == NodeQueued(4, 1.5, "a", None)
