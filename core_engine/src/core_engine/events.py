"""Typed, serialisable execution events.

Every state change of a run emits one event. Events are immutable named tuples (cheap to make
on the hot path) with a per-run sequence number ``seq`` (0, 1, 2, ... with no gap) and a UTC
timestamp ``ts`` in seconds since the Unix epoch. ``map_index`` is ``None`` for a node and the
item position for an instance of a mapped node. ``attempt`` counts from 1. ``duration`` is in
seconds, measured with a monotonic clock.

:func:`event_to_dict` and :func:`event_from_dict` convert to and from JSON-ready dicts
(``{"kind": "node_started", "seq": 3, "ts": 1795453493.123456, ...}``). ``ts`` stays a JSON
number so that a log read back replays to exactly the same state; :func:`format_ts` renders it.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, NamedTuple


class EventKind(enum.StrEnum):
    """The kind of an event; the ``kind`` field of its JSON form."""

    RUN_STARTED = "run_started"
    RUN_FINISHED = "run_finished"
    NODE_QUEUED = "node_queued"
    NODE_MAPPED = "node_mapped"
    NODE_STARTED = "node_started"
    NODE_SUCCEEDED = "node_succeeded"
    NODE_FAILED = "node_failed"
    NODE_RETRYING = "node_retrying"
    NODE_SKIPPED = "node_skipped"
    NODE_CANCELLED = "node_cancelled"
    NODE_UPSTREAM_FAILED = "node_upstream_failed"
    NODE_LOG = "node_log"


class ErrorInfo(NamedTuple):
    """An exception as data: class name, message and formatted traceback."""

    type: str
    message: str
    traceback: str


class RunStarted(NamedTuple):
    """The run began. ``params`` are the validated run parameters."""

    seq: int
    ts: float
    run_id: str
    dag_name: str
    dag_hash: str
    node_count: int
    params: dict[str, Any]

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.RUN_STARTED``."""
        return EventKind.RUN_STARTED


class RunFinished(NamedTuple):
    """The run ended with ``status`` (a :class:`~core_engine.state.RunStatus` value)."""

    seq: int
    ts: float
    status: str
    duration: float

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.RUN_FINISHED``."""
        return EventKind.RUN_FINISHED


class NodeQueued(NamedTuple):
    """All upstream nodes ended well: the node (or instance) waits for a slot."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_QUEUED``."""
        return EventKind.NODE_QUEUED


class NodeMapped(NamedTuple):
    """A mapped node expanded into ``instances`` instances (0: it succeeds with ``[]``)."""

    seq: int
    ts: float
    node_id: str
    instances: int

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_MAPPED``."""
        return EventKind.NODE_MAPPED


class NodeStarted(NamedTuple):
    """An attempt began."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_STARTED``."""
        return EventKind.NODE_STARTED


class NodeSucceeded(NamedTuple):
    """An attempt returned ``result``; ``resumed`` marks a result carried over from an earlier run."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int
    duration: float
    result: Any
    resumed: bool

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_SUCCEEDED``."""
        return EventKind.NODE_SUCCEEDED


class NodeFailed(NamedTuple):
    """The final attempt raised ``error`` (or the mapped node's instances did); no retry follows."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int
    duration: float
    error: ErrorInfo

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_FAILED``."""
        return EventKind.NODE_FAILED


class NodeRetrying(NamedTuple):
    """Attempt ``attempt`` raised ``error``; attempt ``attempt + 1`` starts after ``delay`` seconds."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int
    duration: float
    delay: float
    error: ErrorInfo

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_RETRYING``."""
        return EventKind.NODE_RETRYING


class NodeSkipped(NamedTuple):
    """The node skipped itself (``attempt`` > 0) or an upstream skip propagated (``attempt`` 0)."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int
    reason: str

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_SKIPPED``."""
        return EventKind.NODE_SKIPPED


class NodeCancelled(NamedTuple):
    """The run was cancelled, timed out or failed fast before this node could end."""

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_CANCELLED``."""
        return EventKind.NODE_CANCELLED


class NodeUpstreamFailed(NamedTuple):
    """The node will not run because upstream ``upstream_id`` failed (or was cancelled)."""

    seq: int
    ts: float
    node_id: str
    upstream_id: str

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_UPSTREAM_FAILED``."""
        return EventKind.NODE_UPSTREAM_FAILED


class NodeLog(NamedTuple):
    """One log line of a running attempt (a ``command`` program's stderr line, or a line a task
    gave :func:`core_engine.node_log`). Changes no state: :func:`~core_engine.replay` skips it.

    Limits (:mod:`core_engine.nodelog`): lines are cut at 16 KiB, and an attempt
    keeps at most 10,000 lines and 1 MiB of them; one last line then says the rest was dropped.
    """

    seq: int
    ts: float
    node_id: str
    map_index: int | None
    attempt: int
    line: str

    @property
    def kind(self) -> EventKind:
        """Always ``EventKind.NODE_LOG``."""
        return EventKind.NODE_LOG


Event = (
    RunStarted
    | RunFinished
    | NodeQueued
    | NodeMapped
    | NodeStarted
    | NodeSucceeded
    | NodeFailed
    | NodeRetrying
    | NodeSkipped
    | NodeCancelled
    | NodeUpstreamFailed
    | NodeLog
)

EVENT_TYPES: dict[str, type[Any]] = {
    EventKind.RUN_STARTED: RunStarted,
    EventKind.RUN_FINISHED: RunFinished,
    EventKind.NODE_QUEUED: NodeQueued,
    EventKind.NODE_MAPPED: NodeMapped,
    EventKind.NODE_STARTED: NodeStarted,
    EventKind.NODE_SUCCEEDED: NodeSucceeded,
    EventKind.NODE_FAILED: NodeFailed,
    EventKind.NODE_RETRYING: NodeRetrying,
    EventKind.NODE_SKIPPED: NodeSkipped,
    EventKind.NODE_CANCELLED: NodeCancelled,
    EventKind.NODE_UPSTREAM_FAILED: NodeUpstreamFailed,
    EventKind.NODE_LOG: NodeLog,
}


def format_ts(ts: float) -> str:
    """ISO 8601 UTC text of an epoch timestamp, microsecond precision, ``Z`` suffix."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_to_dict(event: Event) -> dict[str, Any]:
    """JSON-ready form: ``kind`` plus every field; errors as objects."""
    out: dict[str, Any] = {"kind": event.kind.value}
    for name, value in zip(event._fields, event, strict=True):
        if name == "error":
            out["error"] = value._asdict()
        else:
            out[name] = value
    return out


def event_from_dict(data: dict[str, Any]) -> Event:
    """Inverse of :func:`event_to_dict`; raises ``ValueError`` naming an unknown kind or a
    missing field. Fields the kind does not have are ignored (logs from newer engines load)."""
    kind = data.get("kind")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    values = []
    for name in cls._fields:
        if name not in data:
            raise ValueError(f"event {kind!r} lacks field {name!r}")
        value = data[name]
        if name == "error":
            value = ErrorInfo(**value)
        values.append(value)
    event: Event = cls(*values)
    return event
