"""The Prometheus metrics of a process, served at ``GET /metrics`` (and a worker's own port).

Every process keeps its own values in prometheus_client's default registry: the API server
serves them at ``/metrics``; a worker process serves them on ``OPEN_WORKER_METRICS_PORT``
(:func:`start_worker_server`) when that is set. Prometheus scrapes each process and sums.

The metrics (durations in seconds):

* ``open_executions_started_total``: runs started in this process (a takeover counts again).
* ``open_executions_finished_total{status}``: runs ended here, by final execution status.
* ``open_executions_running``: runs in progress in this process.
* ``open_node_attempt_duration_seconds{task_type,outcome}``: node attempts by task type
  (``callable`` for callable tasks) and outcome (``succeeded``, ``failed``, ``retrying``).
* ``open_queue_depth{queue}``: jobs waiting in the arq queue; read from Redis at each scrape of
  the API's ``/metrics`` when ``REDIS_URL`` is set.
* ``open_worker_heartbeats_total`` and ``open_worker_last_heartbeat_timestamp_seconds``: a worker
  process's heartbeats (it reached its queue), every :data:`WORKER_HEARTBEAT_INTERVAL_S`.
* ``open_event_log_write_seconds`` and ``open_event_log_events_written_total``: event-log batches
  (one transaction each) and the events they wrote.
* ``open_graphql_request_duration_seconds{operation,outcome}``: GraphQL operations over HTTP by
  operation name (``anonymous`` without one; past :data:`MAX_OPERATION_NAMES` distinct names,
  ``other``) and outcome (``ok``, ``error``).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

logger = logging.getLogger(__name__)

#: Where the API serves its metrics.
METRICS_PATH: Final = "/metrics"

#: Seconds between two heartbeats of a worker process.
WORKER_HEARTBEAT_INTERVAL_S: Final = 5.0

#: Most distinct GraphQL operation names given their own label value (the rest are ``other``).
MAX_OPERATION_NAMES: Final = 200

#: Buckets of node attempt durations, seconds: from 5 ms to an hour.
NODE_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)

#: Buckets of short operations (event-log writes, GraphQL requests), seconds.
SHORT_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

EXECUTIONS_STARTED: Final = Counter("open_executions_started", "Runs started in this process.")
EXECUTIONS_FINISHED: Final = Counter(
    "open_executions_finished", "Runs ended in this process, by final status.", ["status"]
)
EXECUTIONS_RUNNING: Final = Gauge("open_executions_running", "Runs in progress in this process.")
NODE_ATTEMPT_DURATION: Final = Histogram(
    "open_node_attempt_duration_seconds",
    "Node attempt durations by task type and outcome.",
    ["task_type", "outcome"],
    buckets=NODE_BUCKETS,
)
QUEUE_DEPTH: Final = Gauge("open_queue_depth", "Jobs waiting in the arq queue.", ["queue"])
WORKER_HEARTBEATS: Final = Counter("open_worker_heartbeats", "Heartbeats of this worker process.")
WORKER_LAST_HEARTBEAT: Final = Gauge(
    "open_worker_last_heartbeat_timestamp_seconds", "Unix time of this worker's last heartbeat."
)
EVENT_LOG_WRITE: Final = Histogram(
    "open_event_log_write_seconds",
    "Event-log batch writes (events and projections, one transaction).",
    buckets=SHORT_BUCKETS,
)
EVENT_LOG_EVENTS: Final = Counter("open_event_log_events_written", "Events written to the event log.")
GRAPHQL_DURATION: Final = Histogram(
    "open_graphql_request_duration_seconds",
    "GraphQL operations over HTTP by operation name and outcome.",
    ["operation", "outcome"],
    buckets=SHORT_BUCKETS,
)

_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_NAMED_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")


class OperationNames:
    """The label values of GraphQL operation names, at most ``capacity`` distinct ones.

    Args:
        capacity: how many names get their own value; later new names are ``other``.
    """

    def __init__(self, capacity: int = MAX_OPERATION_NAMES) -> None:
        self.capacity = capacity
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None, document: str | None = None) -> str:
        """The label value of operation ``name`` (when ``None``: the name of the first named
        operation in ``document``, the request's only one): the name itself when it is a GraphQL
        name among the first ``capacity`` seen, ``anonymous`` for none, else ``other``."""
        if not name and document:
            found = _NAMED_OPERATION.search(document)
            name = found.group(1) if found is not None else None
        if not name:
            return "anonymous"
        if not _OPERATION_NAME.fullmatch(name):
            return "other"
        with self._lock:
            if name in self._seen:
                return name
            if len(self._seen) >= self.capacity:
                return "other"
            self._seen.add(name)
            return name


_operation_names: Final = OperationNames()


def operation_label(name: str | None, document: str | None = None) -> str:
    """This process's label value of GraphQL operation ``name`` (see :meth:`OperationNames.label`)."""
    return _operation_names.label(name, document)


def run_started() -> None:
    """Record a run starting in this process."""
    EXECUTIONS_STARTED.inc()
    EXECUTIONS_RUNNING.inc()


def run_ended(status: str | None) -> None:
    """Record a run ending in this process, with its final ``status`` (``None``: handed back or
    its lease lost, so not finished)."""
    EXECUTIONS_RUNNING.dec()
    if status is not None:
        EXECUTIONS_FINISHED.labels(status=status).inc()


def event_log_written(seconds: float, events: int) -> None:
    """Record one event-log batch: ``events`` events written in ``seconds``."""
    EVENT_LOG_WRITE.observe(seconds)
    EVENT_LOG_EVENTS.inc(events)


def worker_heartbeat() -> None:
    """Record one heartbeat of this worker process."""
    WORKER_HEARTBEATS.inc()
    WORKER_LAST_HEARTBEAT.set_to_current_time()


async def metrics_endpoint(request: Request) -> Response:
    """``GET /metrics``: this process's metrics in the Prometheus text format, the queue depth
    read from Redis first (left as it was when Redis does not answer)."""
    state = request.app.state
    redis = getattr(state, "redis", None)
    if redis is not None:
        queue = state.settings.queue_name
        try:
            QUEUE_DEPTH.labels(queue=queue).set(await redis.zcard(queue))
        except (RedisError, OSError):
            logger.warning("metrics: the queue depth could not be read from Redis", exc_info=True)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def metrics_routes() -> list[Route]:
    """The ``/metrics`` route (GET only)."""
    return [Route(METRICS_PATH, metrics_endpoint, methods=["GET"])]


class MetricsServer:
    """A worker's metrics HTTP server (prometheus_client's, in a daemon thread).

    Args:
        port: TCP port (0: any free one; :attr:`port` tells which).
        addr: address to listen on.

    Raises:
        OSError: the port cannot be bound.
    """

    def __init__(self, port: int, addr: str) -> None:
        self._server, self._thread = start_http_server(port, addr=addr)
        self.port: int = self._server.server_port

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def start_worker_server(port: int | None, addr: str) -> MetricsServer | None:
    """Serve this process's metrics on ``addr:port`` (``None`` when ``port`` is ``None``: off).

    Raises:
        OSError: the port cannot be bound.
    """
    if port is None:
        return None
    server = MetricsServer(port, addr)
    logger.info("worker metrics served on %s:%d%s", addr, server.port, METRICS_PATH)
    return server
