from __future__ import annotations

import uuid

from core_engine import DAG, event_to_dict, execute
from open_backend.db.models import ExecutionEvent
from open_backend.executions.projection import to_datetime
from open_backend.executions.service import timeline

RAW = {
    "schema_version": 1,
    "name": "t",
    "nodes": [
        {"id": "list", "task": {"type": "noop", "config": {"result": [1, 2]}}},
        {
            "id": "each",
            "task": {"type": "noop", "config": {}},
            "params": {"item": {"$ref": "list"}},
            "map_over": "item",
        },
        {
            "id": "flaky",
            "task": {"callable": "json:loads"},
            "params": {"s": "not json"},
            "retry": {"max_attempts": 2, "backoff_base": 0.01, "backoff_cap": 0.01},
        },
    ],
}


async def stored_events() -> list[ExecutionEvent]:
    run = await execute(DAG.from_dict(RAW))
    execution_id = uuid.uuid4()
    return [
        ExecutionEvent(
            execution_id=execution_id,
            sequence=event.seq,
            kind=event.kind.value,
            ts=to_datetime(event.ts),
            payload=event_to_dict(event),
        )
        for event in run.events
    ]


async def test_the_timeline_has_one_span_per_attempt_with_its_outcome() -> None:
    spans = timeline(await stored_events())
    assert {key: [(s.attempt, s.outcome) for s in runs] for key, runs in spans.items()} == {
        ("list", None): [(1, "succeeded")],
        ("each", 0): [(1, "succeeded")],
        ("each", 1): [(1, "succeeded")],
        ("flaky", None): [(1, "retrying"), (2, "failed")],
    }


async def test_every_span_ends_after_it_starts() -> None:
    spans = timeline(await stored_events())
    ends = [(s.started_at, s.finished_at) for runs in spans.values() for s in runs]
    assert all(end is not None and start <= end for start, end in ends)
