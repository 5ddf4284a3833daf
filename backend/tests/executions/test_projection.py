from __future__ import annotations

from datetime import UTC, datetime

from core_engine import DAG, NodeRun, NodeState, RunState, RunStatus, execute
from open_backend.db.models import ExecutionStatus
from open_backend.executions.projection import (
    NodeRow,
    comparable,
    comparable_from_rows,
    differences,
    node_row,
    rebuild,
    to_datetime,
)

RAW = {
    "schema_version": 1,
    "name": "m",
    "nodes": [
        {"id": "list", "task": {"type": "noop", "config": {"result": [1, 2]}}},
        {
            "id": "each",
            "task": {"type": "noop", "config": {"result": "x"}},
            "params": {"item": {"$ref": "list"}},
            "map_over": "item",
        },
    ],
}


def row(status: NodeState, attempts: int = 1, result: object = None, ref: str | None = None) -> NodeRow:
    return NodeRow(status, attempts, None, None, None, result, ref, None)


async def test_rebuild_gives_one_row_per_node_and_per_mapped_instance() -> None:
    run = await execute(DAG.from_dict(RAW))
    execution, rows = rebuild(run.events)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert execution.started_at == to_datetime(run.state.started_at)
    assert {key: (r.status, r.attempts, r.result) for key, r in rows.items()} == {
        ("list", None): (NodeState.SUCCEEDED, 1, [1, 2]),
        ("each", None): (NodeState.SUCCEEDED, 0, ["x", "x"]),
        ("each", 0): (NodeState.SUCCEEDED, 1, "x"),
        ("each", 1): (NodeState.SUCCEEDED, 1, "x"),
    }


async def test_rows_rebuilt_from_events_compare_equal_to_the_engine_state() -> None:
    run = await execute(DAG.from_dict(RAW))
    execution, rows = rebuild(run.events)
    assert differences(comparable(run.state), comparable_from_rows(execution.status, rows)) == []


def test_an_artifact_marker_result_becomes_a_reference() -> None:
    projected = node_row(NodeRun(state=NodeState.SUCCEEDED, attempts=1, result={"$artifact": "e/a.json"}))
    assert (projected.result, projected.result_ref) == (None, "e/a.json")


def test_differences_name_status_attempts_result_and_missing_nodes() -> None:
    events_state = RunState(status=RunStatus.SUCCEEDED)
    events_state.nodes = {
        "a": NodeRun(state=NodeState.SUCCEEDED, attempts=1, result=1),
        "b": NodeRun(state=NodeState.SUCCEEDED, attempts=1),
    }
    rows_state = comparable_from_rows(
        ExecutionStatus.FAILED,
        {("a", None): row(NodeState.FAILED, 2, result=2), ("c", None): row(NodeState.SKIPPED)},
    )
    assert differences(comparable(events_state), rows_state) == [
        "status: events say succeeded, rows say failed",
        "node a: status succeeded in the events, failed in the rows",
        "node a: attempts 1 in the events, 2 in the rows",
        "node a: result differs between the events and the rows",
        "node b: only in the events",
        "node c: only in the rows",
    ]


def test_a_queued_execution_without_rows_compares_as_a_running_empty_run() -> None:
    state = comparable_from_rows(ExecutionStatus.QUEUED, {})
    assert (state.status, state.nodes) == (RunStatus.RUNNING, {})


def test_epoch_seconds_become_aware_utc_datetimes() -> None:
    assert to_datetime(0.0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert to_datetime(None) is None
