"""Deterministic replay: rebuild a run's final state from its events alone.

``replay(events)`` folds the events, in sequence order, into a :class:`RunState`. It uses no
clock and no randomness, so replaying the same log always gives the same state and the same
:func:`~core_engine.state.digest`. A log with a gap or a repeated sequence number is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from core_engine.events import (
    Event,
    NodeCancelled,
    NodeFailed,
    NodeLog,
    NodeMapped,
    NodeQueued,
    NodeRetrying,
    NodeSkipped,
    NodeStarted,
    NodeSucceeded,
    NodeUpstreamFailed,
    RunFinished,
    RunStarted,
)
from core_engine.state import NodeRun, NodeState, RunState, RunStatus


class ReplayError(ValueError):
    """The log cannot be replayed: ``seq`` is where it goes wrong."""

    def __init__(self, message: str, seq: int) -> None:
        self.seq = seq
        super().__init__(f"event {seq}: {message}")


def replay(events: Iterable[Event]) -> RunState:
    """Fold ``events`` (sorted by ``seq``, starting at 0, no gaps) into a RunState.

    Raises:
        ReplayError: a sequence gap or duplicate, or an instance event for an unmapped node.
    """
    state = RunState()
    for event in events:
        if event.seq != state.last_seq + 1:
            raise ReplayError(f"expected sequence {state.last_seq + 1}", event.seq)
        state.last_seq = event.seq
        apply(state, event)
    return state


def apply(state: RunState, event: Event) -> None:
    """Apply one event to ``state`` in place (the rules are documented on :class:`NodeRun`)."""
    if isinstance(event, RunStarted):
        state.run_id = event.run_id
        state.dag_name = event.dag_name
        state.dag_hash = event.dag_hash
        state.params = dict(event.params)
        state.started_at = event.ts
        state.status = RunStatus.RUNNING
        return
    if isinstance(event, RunFinished):
        state.status = RunStatus(event.status)
        state.finished_at = event.ts
        state.duration = event.duration
        return
    if isinstance(event, NodeMapped):
        node = state.nodes.setdefault(event.node_id, NodeRun())
        node.state = NodeState.RUNNING
        node.started_at = event.ts
        node.instances = [NodeRun() for _ in range(event.instances)]
        return
    if isinstance(event, NodeLog):
        return  # log lines change no state
    if isinstance(event, NodeUpstreamFailed):
        node = state.nodes.setdefault(event.node_id, NodeRun())
        node.state = NodeState.UPSTREAM_FAILED
        node.reason = event.upstream_id
        node.finished_at = event.ts
        return
    target = _target(state, event.node_id, event.map_index, event.seq)
    if isinstance(event, NodeQueued):
        target.state = NodeState.QUEUED
    elif isinstance(event, NodeStarted):
        target.state = NodeState.RUNNING
        target.attempts = event.attempt
        if target.started_at is None:
            target.started_at = event.ts
    elif isinstance(event, NodeRetrying):
        target.state = NodeState.RETRYING
        target.error = event.error
    elif isinstance(event, NodeSucceeded):
        target.state = NodeState.SUCCEEDED
        target.attempts = event.attempt
        target.result = event.result
        target.duration = event.duration
        target.finished_at = event.ts
        target.resumed = event.resumed
        target.error = None
    elif isinstance(event, NodeFailed):
        target.state = NodeState.FAILED
        target.attempts = event.attempt
        target.error = event.error
        target.duration = event.duration
        target.finished_at = event.ts
    elif isinstance(event, NodeSkipped):
        target.state = NodeState.SKIPPED
        target.attempts = event.attempt
        target.reason = event.reason
        target.finished_at = event.ts
    elif isinstance(event, NodeCancelled):
        target.state = NodeState.CANCELLED
        target.finished_at = event.ts


def _target(state: RunState, node_id: str, map_index: int | None, seq: int) -> NodeRun:
    node = state.nodes.setdefault(node_id, NodeRun())
    if map_index is None:
        return node
    if node.instances is None or not 0 <= map_index < len(node.instances):
        raise ReplayError(f"instance {map_index} of node {node_id!r} was never mapped", seq)
    return node.instances[map_index]
