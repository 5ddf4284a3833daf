"""Prometheus metrics: scraped from ``/metrics`` (and a worker's own port) after real requests
and executions, their values move as the platform works."""

from __future__ import annotations

import asyncio
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from open_backend.observability.metrics import OperationNames

from .conftest import StackFactory, WorkerFactory, definition, free_port

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scrape: Samples, name: str, **labels: str) -> float:
    """The sample ``name{labels}`` (0 when absent: a labelled series appears on first use)."""
    return scrape.get((name, frozenset(labels.items())), 0.0)


def test_operation_names_are_labels_up_to_a_capacity_then_other() -> None:
    names = OperationNames(capacity=2)
    assert names.label("ListDags") == "ListDags"
    assert names.label(None, "mutation ExecuteDag($i: ExecuteDagInput!) { x }") == "ExecuteDag"
    assert names.label("Third") == "other"
    assert names.label("ListDags") == "ListDags"  # still known
    assert names.label(None, "{ me { id } }") == "anonymous"
    assert names.label(None) == "anonymous"
    assert OperationNames().label("not a name!") == "other"


async def test_an_in_process_execution_moves_the_execution_node_event_log_and_graphql_metrics(
    stack: StackFactory,
) -> None:
    async with stack() as served:
        dag_id = await served.dag(definition("a", "b", "c"))
        before = samples(await served.metrics())
        execution_id = await served.execute(dag_id)
        assert await served.finished(execution_id) == "SUCCEEDED"
        after = samples(await served.metrics())

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("open_executions_started_total") == 1
    assert moved("open_executions_finished_total", status="succeeded") == 1
    assert value(after, "open_executions_running") == value(before, "open_executions_running")
    assert moved("open_node_attempt_duration_seconds_count", task_type="noop", outcome="succeeded") == 3
    assert moved("open_node_attempt_duration_seconds_sum", task_type="noop", outcome="succeeded") >= 0
    assert moved("open_event_log_write_seconds_count") >= 1
    assert moved("open_event_log_events_written_total") >= 8  # run, 3 x (queued, started, succeeded), end
    assert moved("open_graphql_request_duration_seconds_count", operation="ExecuteDag", outcome="ok") == 1
    assert (
        moved("open_graphql_request_duration_seconds_count", operation="ExecutionStatus", outcome="ok") >= 1
    )


async def test_a_failed_graphql_operation_is_counted_as_an_error(stack: StackFactory) -> None:
    async with stack() as served:
        before = samples(await served.metrics())
        response = await served.http.post(
            "/graphql",
            json={"query": 'query MissingExecution { execution(id: "nope") { status } }'},
            headers={"Authorization": f"Bearer {served.token}"},
        )
        assert response.json()["errors"]
        after = samples(await served.metrics())
    name = "open_graphql_request_duration_seconds_count"
    labels = {"operation": "MissingExecution", "outcome": "error"}
    assert value(after, name, **labels) - value(before, name, **labels) == 1


async def test_the_queue_depth_is_read_from_redis_at_each_scrape(stack: StackFactory) -> None:
    async with stack(redis=True) as served:  # no worker: the jobs stay in the queue
        queue = served.settings.queue_name
        assert value(samples(await served.metrics()), "open_queue_depth", queue=queue) == 0
        dag_id = await served.dag(definition("a"))
        await served.execute(dag_id)
        await served.execute(dag_id)
        assert value(samples(await served.metrics()), "open_queue_depth", queue=queue) == 2


async def _scrape(url: str, deadline_s: float = 10.0) -> Samples:
    end = time.monotonic() + deadline_s
    async with httpx.AsyncClient(timeout=5) as client:
        while True:
            try:
                response = await client.get(url)
                return samples(response.text)
            except httpx.TransportError:
                assert time.monotonic() < end, f"nothing answers at {url}"
                await asyncio.sleep(0.1)


async def test_a_worker_process_serves_its_run_and_heartbeat_metrics_on_its_own_port(
    stack: StackFactory, worker_process: WorkerFactory
) -> None:
    port = free_port()
    async with stack(redis=True) as served:
        await worker_process(served.settings, OPEN_WORKER_METRICS_PORT=str(port))
        dag_id = await served.dag(definition("a", "b"))
        execution_id = await served.execute(dag_id)
        assert await served.finished(execution_id) == "SUCCEEDED"
        scrape = await _scrape(f"http://127.0.0.1:{port}/metrics")
    assert value(scrape, "open_executions_started_total") == 1
    assert value(scrape, "open_executions_finished_total", status="succeeded") == 1
    assert value(scrape, "open_executions_running") == 0
    assert (
        value(scrape, "open_node_attempt_duration_seconds_count", task_type="noop", outcome="succeeded") == 2
    )
    assert value(scrape, "open_event_log_write_seconds_count") >= 1
    assert value(scrape, "open_worker_heartbeats_total") >= 1
    assert value(scrape, "open_worker_last_heartbeat_timestamp_seconds") > time.time() - 60
