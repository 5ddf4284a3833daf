"""Tracing: off unless asked for; when on, one execution is one trace from the GraphQL request
through the queue job to every node attempt, with PostgreSQL and Redis spans in it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from arq.constants import job_key_prefix
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from open_backend.observability import tracing
from open_backend.queue import ArqDispatcher, connect
from open_backend.settings import Settings
from open_backend.worker.service import serve

from .conftest import REDIS_URL, Collector, StackFactory, WorkerFactory, definition


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp,console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
        ({"OTEL_SDK_DISABLED": "false", "OTEL_TRACES_EXPORTER": "otlp"}, True),
    ],
)
def test_tracing_is_requested_only_by_an_exporter_or_an_endpoint(environ: dict[str, str], on: bool) -> None:
    assert tracing.tracing_requested(environ) is on


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER names zipkin"),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            "http/protobuf only",
        ),
    ],
)
def test_an_unsupported_exporter_or_protocol_is_refused_by_name(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        tracing.configure_from_env("open-test", environ)
    assert not tracing.tracing_enabled()


def test_without_otel_variables_nothing_is_configured() -> None:
    assert tracing.configure_from_env("open-test", {}) is False
    assert not tracing.tracing_enabled()
    assert tracing.current_traceparent() is None
    assert not tracing.tracer().start_span("x").is_recording()


async def test_with_tracing_off_a_job_carries_only_the_execution_id() -> None:
    pool = await connect(REDIS_URL)
    queue = f"open:test-observability:{uuid.uuid4().hex[:12]}"
    execution_id = uuid.uuid4()
    job_key = f"{job_key_prefix}off-{execution_id.hex}"
    try:
        await ArqDispatcher(pool, queue).submit(execution_id, f"off-{execution_id.hex}")
        stored = await pool.get(job_key)
        assert stored is not None
        assert json.loads(stored)["a"] == [execution_id.hex]
    finally:
        await pool.delete(queue, job_key)
        await pool.aclose()


def _by_name(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


def _one(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    found = _by_name(spans, name)
    assert len(found) == 1, f"{len(found)} spans named {name!r}: {sorted({s.name for s in spans})}"
    return found[0]


def _ancestors(span: ReadableSpan, spans: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    by_id = {s.context.span_id: s for s in spans}
    out = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        out.append(span)
    return out


async def _ended(exporter: InMemorySpanExporter, *names: str) -> tuple[ReadableSpan, ...]:
    """The finished spans once every one of ``names`` is among them (10 s at most)."""
    for _ in range(200):
        spans = exporter.get_finished_spans()
        if all(_by_name(spans, name) for name in names):
            return spans
        await asyncio.sleep(0.05)
    raise AssertionError(f"spans {names} not all ended: {sorted({s.name for s in spans})}")


def _check_one_trace(spans: tuple[ReadableSpan, ...], run: ReadableSpan) -> None:
    """The run span descends from the executeDag request's HTTP span, the attempts from the run."""
    request = _one(spans, "graphql ExecuteDag")
    trace_id = request.context.trace_id
    http = [s for s in _ancestors(request, spans) if s.kind is SpanKind.SERVER]
    assert http, "the GraphQL span has no HTTP server span above it"
    assert http[0].attributes is not None and http[0].attributes.get("http.route", "/graphql") == "/graphql"
    assert run.context.trace_id == trace_id
    for name in ("node a", "node b"):
        attempt = _one(spans, name)
        assert attempt.context.trace_id == trace_id
        assert attempt.parent is not None and attempt.parent.span_id == run.context.span_id
        assert attempt.status.status_code is StatusCode.OK
        assert attempt.attributes is not None
        assert attempt.attributes["open.task_type"] == "noop"
        assert attempt.attributes["open.attempt"] == 1


async def test_an_in_process_execution_is_one_trace_from_the_request_to_its_node_attempts(
    spans: InMemorySpanExporter, stack: StackFactory
) -> None:
    async with stack() as served:
        dag_id = await served.dag(definition("a", "b"))
        execution_id = await served.execute(dag_id)
        assert await served.finished(execution_id) == "SUCCEEDED"
        finished = await _ended(spans, "execution.run", "node a", "node b")
    run = _one(finished, "execution.run")
    assert run.attributes is not None and run.attributes["open.status"] == "succeeded"
    _check_one_trace(finished, run)
    in_run = [s for s in finished if run in _ancestors(s, finished)]
    assert any(s.attributes and s.attributes.get("db.system") == "postgresql" for s in in_run), (
        "no PostgreSQL span under the run"
    )
    assert not _by_name(finished, "GET /metrics"), "probes and scrapes are not traced"


@contextlib.asynccontextmanager
async def _in_process_worker(settings: Settings) -> AsyncIterator[None]:
    ready, stopping = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, ready=ready, stopping=stopping))
    await asyncio.wait({task, asyncio.create_task(ready.wait())}, return_when=asyncio.FIRST_COMPLETED)
    assert not task.done(), task.exception() if task.done() else None
    try:
        yield
    finally:
        stopping.set()
        await task


# arq 0.28's Worker.close() calls redis-py's deprecated close(): not ours to change.
@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")
async def test_a_queued_execution_continues_the_request_trace_through_the_arq_job(
    spans: InMemorySpanExporter, stack: StackFactory
) -> None:
    async with stack(redis=True) as served, _in_process_worker(served.settings):
        dag_id = await served.dag(definition("a", "b"))
        execution_id = await served.execute(dag_id)
        assert await served.finished(execution_id) == "SUCCEEDED"
        finished = await _ended(spans, "execution.run", "node a", "node b")
    run = _one(finished, "execution.run")
    _check_one_trace(finished, run)
    request = _one(finished, "graphql ExecuteDag")
    redis_in_request = [
        s
        for s in finished
        if s.attributes and s.attributes.get("db.system") == "redis" and request in _ancestors(s, finished)
    ]
    assert redis_in_request, "the enqueue is a Redis span of the request"
    assert run.parent is not None and run.parent.span_id == request.context.span_id  # the job's traceparent


async def test_a_worker_process_exports_the_run_spans_in_the_request_trace(
    spans: InMemorySpanExporter, stack: StackFactory, collector: Collector, worker_process: WorkerFactory
) -> None:
    async with stack(redis=True) as served:
        await worker_process(
            served.settings,
            OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint,
            OTEL_BSP_SCHEDULE_DELAY="50",
        )
        dag_id = await served.dag(definition("a", "b"))
        execution_id = await served.execute(dag_id)
        assert await served.finished(execution_id) == "SUCCEEDED"
        request = _one(await _ended(spans, "graphql ExecuteDag"), "graphql ExecuteDag")
    run = (await collector.wait_for("execution.run"))[0]
    await collector.wait_for("node b")
    trace_id = request.context.trace_id.to_bytes(16, "big")
    assert run.trace_id == trace_id
    assert run.parent_span_id == request.context.span_id.to_bytes(8, "big")
    attempts = [s for s in collector.spans if s.name in ("node a", "node b")]
    assert len(attempts) == 2
    assert all(s.trace_id == trace_id and s.parent_span_id == run.span_id for s in attempts)
    worker_db = [
        s
        for s in collector.spans
        if s.trace_id == trace_id
        and any(a.key == "db.system" and a.value.string_value == "postgresql" for a in s.attributes)
    ]
    assert worker_db, "the worker's PostgreSQL spans are in the trace"
    assert set(collector.services) == {"open-worker"}
