"""The state of a run and of each node in it, as plain data.

The executor produces a :class:`RunState` from its own bookkeeping; :func:`core_engine.replay.replay`
rebuilds one from the events alone. The two must be equal: the property tests check it.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from core_engine.events import ErrorInfo


class NodeState(enum.StrEnum):
    """Where one node (or mapped instance) is in its life."""

    PENDING = "pending"  # waiting for upstream nodes
    QUEUED = "queued"  # ready, waiting for a concurrency slot (or its level)
    RUNNING = "running"  # an attempt is in progress (for a mapped node: its instances are)
    RETRYING = "retrying"  # an attempt failed; the next one waits out its backoff
    SUCCEEDED = "succeeded"  # ended with a result
    FAILED = "failed"  # ended with an error, retries exhausted
    UPSTREAM_FAILED = "upstream_failed"  # never ran: an upstream failed or was cancelled
    SKIPPED = "skipped"  # skipped itself, or an upstream skip propagated
    CANCELLED = "cancelled"  # the run was cancelled, timed out or failed fast first

    @property
    def is_terminal(self) -> bool:
        """Whether the node has ended (no further event will change it)."""
        return self in _TERMINAL


_TERMINAL = frozenset(
    {
        NodeState.SUCCEEDED,
        NodeState.FAILED,
        NodeState.UPSTREAM_FAILED,
        NodeState.SKIPPED,
        NodeState.CANCELLED,
    }
)


class RunStatus(enum.StrEnum):
    """How a run stands or ended."""

    RUNNING = "running"  # started, not ended
    SUCCEEDED = "succeeded"  # every node succeeded or was skipped
    FAILED = "failed"  # some node failed (or could not run because of one)
    CANCELLED = "cancelled"  # cancelled by request
    TIMED_OUT = "timed_out"  # the whole-run timeout expired


@dataclass(slots=True)
class NodeRun:
    """One node's (or mapped instance's) record in a run.

    Attributes:
        state: where it is.
        attempts: attempts started (0 if it never ran or its result was resumed).
        started_at: UTC epoch seconds of its first start (for a mapped node: of its expansion).
        finished_at: UTC epoch seconds of its terminal event.
        duration: seconds of its final attempt (mapped node: from expansion to end).
        result: its result when succeeded.
        error: the last error, when it failed or is retrying.
        reason: why it was skipped, or which upstream failed.
        resumed: its result came from an earlier run.
        instances: per item, the records of a mapped node's instances.
    """

    state: NodeState = NodeState.PENDING
    attempts: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    duration: float | None = None
    result: Any = None
    error: ErrorInfo | None = None
    reason: str = ""
    resumed: bool = False
    instances: list[NodeRun] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``error`` as an object, instances recursively)."""
        return {
            "state": self.state.value,
            "attempts": self.attempts,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration": self.duration,
            "result": self.result,
            "error": None if self.error is None else self.error._asdict(),
            "reason": self.reason,
            "resumed": self.resumed,
            "instances": None if self.instances is None else [i.to_dict() for i in self.instances],
        }


@dataclass(slots=True, repr=False)
class RunState:
    """A run as a whole: status, timing and a :class:`NodeRun` per node id."""

    run_id: str = ""
    dag_name: str = ""
    dag_hash: str = ""
    status: RunStatus = RunStatus.RUNNING
    params: dict[str, Any] = field(default_factory=dict)
    started_at: float | None = None
    finished_at: float | None = None
    duration: float | None = None
    nodes: dict[str, NodeRun] = field(default_factory=dict)
    last_seq: int = -1

    def __repr__(self) -> str:
        return f"<RunState {self.run_id} {self.dag_name!r} {self.status.value}: {self.counts()}>"

    def results(self) -> dict[str, Any]:
        """Results of the succeeded nodes, by node id (the input of a resumed run)."""
        return {nid: n.result for nid, n in self.nodes.items() if n.state is NodeState.SUCCEEDED}

    def counts(self) -> dict[str, int]:
        """How many nodes are in each state (only states that occur)."""
        out: dict[str, int] = {}
        for n in self.nodes.values():
            out[n.state.value] = out.get(n.state.value, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; nodes sorted by id."""
        return {
            "run_id": self.run_id,
            "dag_name": self.dag_name,
            "dag_hash": self.dag_hash,
            "status": self.status.value,
            "params": self.params,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration": self.duration,
            "last_seq": self.last_seq,
            "nodes": {nid: self.nodes[nid].to_dict() for nid in sorted(self.nodes)},
        }


def digest(state: RunState) -> str:
    """``sha256:<hex>`` of the state's canonical JSON: equal states, equal digests.

    Values that are not JSON (in results) are encoded as ``{"$repr": repr(value)}``.
    """
    text = json.dumps(
        state.to_dict(),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_fallback,
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fallback(value: Any) -> Any:
    return {"$repr": repr(value)}
