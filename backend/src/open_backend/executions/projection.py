"""The projections of an execution's events: its ``executions`` row and ``node_executions`` rows.

Pure functions. The fold itself is core_engine's (:func:`core_engine.replay.apply`): a
:class:`~core_engine.RunState` built from the stored events; :func:`node_rows` and
:func:`execution_row` turn it into row values. :func:`comparable` reduces a state to what both
the event log and the rows can say (run status; per node status, attempts and result), the basis
of the replay check (:func:`differences`, :func:`replay_report`), shared by the API's
``replayExecution`` and the operator's ``openctl replay``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core_engine import Event, NodeRun, NodeState, RunState, RunStatus, digest, event_from_dict, replay
from core_engine.replay import ReplayError
from open_backend.db.models import ExecutionStatus, NodeExecution
from open_backend.executions.artifacts import ref_of

#: A node row's key: ``(node id, map index)``; ``None`` for the node itself.
NodeKey = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class NodeRow:
    """The values of one ``node_executions`` row (times aware UTC, durations in seconds)."""

    status: NodeState
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    result: Any
    result_ref: str | None
    error: dict[str, Any] | None

    def values(self) -> dict[str, Any]:
        """The row's columns by name."""
        return {
            "status": self.status,
            "attempts": self.attempts,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_s": self.duration_s,
            "result": self.result,
            "result_ref": self.result_ref,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class ExecutionRow:
    """The event-derived values of an ``executions`` row."""

    status: ExecutionStatus
    started_at: datetime | None
    finished_at: datetime | None


def to_datetime(ts: float | None) -> datetime | None:
    """UTC epoch seconds as an aware UTC datetime (``None`` stays ``None``)."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def node_row(run: NodeRun) -> NodeRow:
    """The row of one node (or instance) record; an artifact marker result becomes ``result_ref``."""
    ref = ref_of(run.result)
    return NodeRow(
        status=run.state,
        attempts=run.attempts,
        started_at=to_datetime(run.started_at),
        finished_at=to_datetime(run.finished_at),
        duration_s=run.duration,
        result=None if ref is not None else run.result,
        result_ref=ref,
        error=None if run.error is None else run.error._asdict(),
    )


def node_rows(state: RunState) -> dict[NodeKey, NodeRow]:
    """Every node row of ``state``: one per node, plus one per instance of a mapped node."""
    rows: dict[NodeKey, NodeRow] = {}
    for node_id, run in state.nodes.items():
        rows[(node_id, None)] = node_row(run)
        for index, instance in enumerate(run.instances or ()):
            rows[(node_id, index)] = node_row(instance)
    return rows


def node_rows_of(state: RunState, node_ids: Iterable[str]) -> dict[NodeKey, NodeRow]:
    """The rows of the nodes ``node_ids`` of ``state`` (with their instances), as in
    :func:`node_rows`; ids ``state`` does not have are left out."""
    rows: dict[NodeKey, NodeRow] = {}
    for node_id in node_ids:
        run = state.nodes.get(node_id)
        if run is None:
            continue
        rows[(node_id, None)] = node_row(run)
        for index, instance in enumerate(run.instances or ()):
            rows[(node_id, index)] = node_row(instance)
    return rows


def execution_row(state: RunState) -> ExecutionRow:
    """The execution's status and times in ``state`` (``running`` until the run finished)."""
    return ExecutionRow(
        status=ExecutionStatus(state.status.value),
        started_at=to_datetime(state.started_at),
        finished_at=to_datetime(state.finished_at),
    )


def rebuild(events: Iterable[Event]) -> tuple[ExecutionRow, dict[NodeKey, NodeRow]]:
    """The projections of a whole event log, from scratch.

    Raises:
        core_engine.ReplayError: the events have a sequence gap or are inconsistent.
    """
    state = replay(events)
    return execution_row(state), node_rows(state)


def _stored_result(result: Any, result_ref: str | None) -> Any:
    return {"$artifact": result_ref} if result_ref is not None else result


def comparable(state: RunState) -> RunState:
    """``state`` reduced to its status and, per node, status, attempts and result (markers kept)."""
    out = RunState(status=state.status)
    for node_id, run in state.nodes.items():
        reduced = NodeRun(state=run.state, attempts=run.attempts, result=run.result)
        if run.instances is not None:
            reduced.instances = [
                NodeRun(state=i.state, attempts=i.attempts, result=i.result) for i in run.instances
            ]
        out.nodes[node_id] = reduced
    return out


def comparable_from_rows(status: ExecutionStatus, rows: Mapping[NodeKey, NodeRow]) -> RunState:
    """The :func:`comparable` state that an execution's stored rows describe.

    An execution that never started (``queued``) compares as ``running`` with no node.
    """
    run_status = RunStatus.RUNNING if status is ExecutionStatus.QUEUED else RunStatus(status.value)
    out = RunState(status=run_status)
    instances: dict[str, dict[int, NodeRun]] = {}
    for (node_id, map_index), row in rows.items():
        run = NodeRun(
            state=row.status, attempts=row.attempts, result=_stored_result(row.result, row.result_ref)
        )
        if map_index is None:
            out.nodes[node_id] = run
        else:
            instances.setdefault(node_id, {})[map_index] = run
    for node_id, by_index in instances.items():
        parent = out.nodes.setdefault(node_id, NodeRun())
        parent.instances = [by_index[i] for i in sorted(by_index)]
    return out


def differences(expected: RunState, actual: RunState) -> list[str]:
    """Human-readable differences between two :func:`comparable` states, sorted; empty when equal.

    ``expected`` is the state from the events, ``actual`` the state from the rows.
    """
    found: list[str] = []
    if expected.status != actual.status:
        found.append(f"status: events say {expected.status.value}, rows say {actual.status.value}")
    for node_id in sorted(set(expected.nodes) | set(actual.nodes)):
        left, right = expected.nodes.get(node_id), actual.nodes.get(node_id)
        if left is None or right is None:
            where = "rows" if left is None else "events"
            found.append(f"node {node_id}: only in the {where}")
            continue
        found.extend(_node_differences(node_id, left, right))
        left_instances, right_instances = left.instances or [], right.instances or []
        if len(left_instances) != len(right_instances):
            found.append(
                f"node {node_id}: {len(left_instances)} instances in the events, "
                f"{len(right_instances)} in the rows"
            )
        for index, (a, b) in enumerate(zip(left_instances, right_instances, strict=False)):
            found.extend(_node_differences(f"{node_id}[{index}]", a, b))
    return found


def _node_differences(label: str, left: NodeRun, right: NodeRun) -> list[str]:
    found = []
    if left.state != right.state:
        found.append(
            f"node {label}: status {left.state.value} in the events, {right.state.value} in the rows"
        )
    if left.attempts != right.attempts:
        found.append(f"node {label}: attempts {left.attempts} in the events, {right.attempts} in the rows")
    if left.result != right.result:
        found.append(f"node {label}: result differs between the events and the rows")
    return found


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """The replay check of an execution.

    Attributes:
        matches: the state rebuilt from the events equals the state the rows describe.
        differences: what differs, one sentence each (empty when ``matches``).
        events_digest: core_engine ``digest`` of the comparable state from the events.
        projections_digest: the same digest of the comparable state from the rows.
        event_count: events replayed.
    """

    matches: bool
    differences: list[str]
    events_digest: str
    projections_digest: str
    event_count: int


def stored_row(node: NodeExecution) -> NodeRow:
    """The values of a stored ``node_executions`` row."""
    return NodeRow(
        status=node.status,
        attempts=node.attempts,
        started_at=node.started_at,
        finished_at=node.finished_at,
        duration_s=node.duration_s,
        result=node.result,
        result_ref=node.result_ref,
        error=node.error,
    )


def replay_report(
    status: ExecutionStatus, payloads: Sequence[Mapping[str, Any]], rows: Mapping[NodeKey, NodeRow]
) -> ReplayReport:
    """Replay the stored event ``payloads`` (by sequence) and compare the state with the one the
    execution's ``status`` and node ``rows`` describe (see :func:`comparable`). A log that does
    not replay is reported as a difference, never raised. An execution that ended with no event
    (cancelled while queued) compares its status as equal.
    """
    found: list[str] = []
    try:
        from_events = comparable(replay(event_from_dict(dict(payload)) for payload in payloads))
    except (ReplayError, ValueError) as exc:
        found.append(f"the event log does not replay: {exc}")
        from_events = comparable(replay([]))
    from_rows = comparable_from_rows(status, rows)
    if not payloads and status not in (ExecutionStatus.QUEUED, ExecutionStatus.RUNNING):
        from_events.status = from_rows.status  # ended before it started (cancelled while queued)
    found.extend(differences(from_events, from_rows))
    return ReplayReport(
        matches=not found,
        differences=found,
        events_digest=digest(from_events),
        projections_digest=digest(from_rows),
        event_count=len(payloads),
    )
