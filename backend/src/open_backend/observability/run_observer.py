"""What a run tells observability: node attempt spans and durations, from the engine's events.

:class:`RunObserver` listens to a run's events beside its event log (the runner hands the
engine a listener calling both). ``node_started`` opens an attempt; ``node_succeeded``,
``node_failed``, ``node_retrying`` and ``node_cancelled`` close it: its duration (the engine's
own measure) goes to ``open_node_attempt_duration_seconds`` by task type, and, while tracing is
on, a ``node.attempt`` span is recorded under the run's span with the engine's timestamps.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Final

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode

from core_engine import DAG, Event
from core_engine.events import ErrorInfo, NodeCancelled, NodeFailed, NodeRetrying, NodeStarted, NodeSucceeded
from core_engine.node import TypedTask
from open_backend.observability import metrics, tracing
from open_backend.observability.logging import execution_context

#: Task type label of nodes running a Python callable.
CALLABLE_TASK_TYPE: Final = "callable"

_Key = tuple[str, int | None, int]  # node id, map index, attempt


def task_types_of(dag: DAG) -> dict[str, str]:
    """The task type of every node of ``dag`` by node id (:data:`CALLABLE_TASK_TYPE` for callables)."""
    return {
        node.id: node.task.type if isinstance(node.task, TypedTask) else CALLABLE_TASK_TYPE
        for node in dag.nodes
    }


@contextlib.contextmanager
def observed_run(execution_id: uuid.UUID) -> Iterator[None]:
    """The block is the run of ``execution_id``: its log records carry the id and, while tracing
    is on, it is one ``execution.run`` span under the current context (the request's or the
    job's). :func:`run_ended` puts the final status on it."""
    with execution_context(execution_id.hex):
        if not tracing.tracing_enabled():
            yield
            return
        with tracing.tracer().start_as_current_span(
            "execution.run", kind=trace.SpanKind.CONSUMER, attributes={"open.execution_id": execution_id.hex}
        ):
            yield


def run_ended(status: str | None) -> None:
    """Record the end of the current run (``status``: its final status, ``None`` when it was
    handed back or its lease lost) in the metrics and on the current span."""
    metrics.run_ended(status)
    if status is not None:
        trace.get_current_span().set_attribute("open.status", status)


def _ns(ts: float) -> int:
    return int(ts * 1_000_000_000)


class RunObserver:
    """Turns one run's node events into metrics and (with tracing on) attempt spans.

    Args:
        execution_id: the execution's id (hex), put on every span.
        task_types: task type by node id (:func:`task_types_of`).
        parent: the trace context the attempt spans go under (the run's span); ``None`` records
            no spans.
    """

    def __init__(
        self, execution_id: str, task_types: Mapping[str, str], parent: otel_context.Context | None
    ) -> None:
        self.execution_id = execution_id
        self.task_types = task_types
        self.parent = parent
        self._open: dict[_Key, Span] = {}

    @classmethod
    def of_current_span(cls, execution_id: str, dag: DAG) -> RunObserver:
        """The observer of a run of ``dag``, its attempt spans under the current span (none while
        tracing is off)."""
        parent = otel_context.get_current() if tracing.tracing_enabled() else None
        return cls(execution_id, task_types_of(dag), parent)

    def __call__(self, event: Event) -> None:
        """Take one engine event (an ``on_event`` listener)."""
        if isinstance(event, NodeStarted):
            self._start(event)
        elif isinstance(event, NodeSucceeded):
            if not event.resumed:  # a resumed node was stored earlier, not run now
                self._finish(event, "succeeded", None)
        elif isinstance(event, NodeFailed):
            self._finish(event, "failed", event.error)
        elif isinstance(event, NodeRetrying):
            self._finish(event, "retrying", event.error)
        elif isinstance(event, NodeCancelled):
            self._end(event, "cancelled", None)

    def _finish(
        self, event: NodeSucceeded | NodeFailed | NodeRetrying, outcome: str, error: ErrorInfo | None
    ) -> None:
        task_type = self.task_types.get(event.node_id, CALLABLE_TASK_TYPE)
        metrics.NODE_ATTEMPT_DURATION.labels(task_type=task_type, outcome=outcome).observe(event.duration)
        self._end(event, outcome, error)

    def _start(self, event: NodeStarted) -> None:
        if self.parent is None:
            return
        span = tracing.tracer().start_span(
            f"node {event.node_id}",
            context=self.parent,
            kind=trace.SpanKind.INTERNAL,
            start_time=_ns(event.ts),
            attributes=tracing.span_attributes(
                **{
                    "open.execution_id": self.execution_id,
                    "open.node_id": event.node_id,
                    "open.map_index": event.map_index,
                    "open.attempt": event.attempt,
                    "open.task_type": self.task_types.get(event.node_id, CALLABLE_TASK_TYPE),
                }
            ),
        )
        self._open[(event.node_id, event.map_index, event.attempt)] = span

    def _end(
        self,
        event: NodeSucceeded | NodeFailed | NodeRetrying | NodeCancelled,
        outcome: str,
        error: ErrorInfo | None,
    ) -> None:
        span = self._open.pop((event.node_id, event.map_index, event.attempt), None)
        if span is None:
            return
        span.set_attribute("open.outcome", outcome)
        if outcome == "succeeded":
            span.set_status(Status(StatusCode.OK))
        else:
            if error is not None:
                span.set_attribute("error.type", error.type)
            span.set_status(Status(StatusCode.ERROR, error.message if error is not None else outcome))
        span.end(end_time=_ns(event.ts))

    def close(self) -> None:
        """End the attempt spans still open (a run handed back or stopped mid-attempt)."""
        for span in self._open.values():
            span.set_attribute("open.outcome", "interrupted")
            span.end()
        self._open.clear()


def listener(append: Callable[[Event], None], observer: RunObserver) -> Callable[[Event], None]:
    """An ``on_event`` listener calling ``append`` (the event log) then ``observer``."""

    def on_event(event: Event) -> None:
        append(event)
        observer(event)

    return on_event
