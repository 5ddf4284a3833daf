"""The platform observed: the app served by uvicorn on real PostgreSQL (and Redis), driven over
real HTTP, with tracing recorded in memory or by a tiny OTLP collector.

Fixtures:
    spans: tracing on for the test with an in-memory exporter (off again after it).
    stack: ``async with stack(redis=...) as served``: the app on a PostgreSQL database of the
        test's own, served by uvicorn on a free port; a :class:`Served` to call it.
    collector: a :class:`Collector`, an OTLP/HTTP endpoint on a free port keeping the spans
        posted to it.
    worker_process: starts ``python -m open_backend.worker`` processes on a stack's database and
        queue (killed after the test).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from open_backend.app import create_app
from open_backend.observability import tracing
from open_backend.settings import Settings

REDIS_URL = os.environ.get("OPEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery staple"
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"}

SIGN_UP = "mutation SignUp($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
CREATE_DAG = "mutation CreateDag($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
EXECUTE = "mutation ExecuteDag($i: ExecuteDagInput!) { executeDag(input: $i) { id } }"
STATUS = "query ExecutionStatus($id: ID!) { execution(id: $id) { status } }"


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def definition(*node_ids: str, kind: str = "noop") -> dict[str, Any]:
    """A chain of ``node_ids`` of task type ``kind``."""
    nodes = [
        {"id": node_id, "task": {"type": kind, "config": {}}, "depends_on": [node_ids[k - 1]] if k else []}
        for k, node_id in enumerate(node_ids)
    ]
    return {"schema_version": 1, "name": "observed", "nodes": nodes, "params": {}}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on for this test (every span kept in memory); off again after it."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    try:
        yield exporter
    finally:
        tracing.uninstall()
        provider.shutdown()


@dataclass
class Served:
    """The served app and helpers calling it over HTTP as a signed-up user."""

    settings: Settings
    http: httpx.AsyncClient
    token: str = ""

    async def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    async def sign_up(self) -> None:
        email = f"user-{uuid.uuid4().hex[:12]}@example.org"
        data = await self.gql(SIGN_UP, i={"email": email, "password": PASSWORD, "name": "Ada"})
        self.token = data["signUp"]["accessToken"]

    async def dag(self, raw: dict[str, Any]) -> str:
        data = await self.gql(CREATE_DAG, i={"name": f"dag-{uuid.uuid4().hex[:8]}", "definition": raw})
        dag_id: str = data["createDag"]["dag"]["id"]
        return dag_id

    async def execute(self, dag_id: str) -> str:
        execution_id: str = (await self.gql(EXECUTE, i={"dagId": dag_id}))["executeDag"]["id"]
        return execution_id

    async def finished(self, execution_id: str, deadline_s: float = 20.0) -> str:
        """Wait until the execution has ended; its status."""
        end = time.monotonic() + deadline_s
        while (status := (await self.gql(STATUS, id=execution_id))["execution"]["status"]) not in TERMINAL:
            assert time.monotonic() < end, f"still {status} after {deadline_s} s"
            await asyncio.sleep(0.05)
        return status

    async def metrics(self) -> str:
        response = await self.http.get("/metrics")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return response.text


@contextlib.asynccontextmanager
async def _uvicorn(settings: Settings) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), lifespan="on", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), "the server stopped during startup"
            await asyncio.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


StackFactory = Callable[..., contextlib.AbstractAsyncContextManager[Served]]


@pytest.fixture
def stack(own_postgres_url: str, tmp_path: Path) -> StackFactory:
    """``stack(redis=False, **settings)``: serve the app on the test's database; with ``redis=True``
    it hands executions to a queue of the test's own on the shared Redis (no worker runs them
    here). Other keyword arguments are :class:`Settings` fields."""

    @contextlib.asynccontextmanager
    async def serve(*, redis: bool = False, **overrides: Any) -> AsyncIterator[Served]:
        settings = Settings(
            env="test",
            database_url=own_postgres_url,
            data_dir=tmp_path / "data",
            redis_url=REDIS_URL if redis else None,
            queue_name=f"open:test-observability:{uuid.uuid4().hex[:12]}",
            **overrides,
        )
        async with _uvicorn(settings) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
            served = Served(settings, http)
            await served.sign_up()
            yield served

    return serve


@dataclass
class Collector:
    """An OTLP/HTTP trace endpoint (``POST /v1/traces``, protobuf) keeping what it receives."""

    endpoint: str
    spans: list[Any] = field(default_factory=list)  # opentelemetry.proto.trace.v1.Span
    services: list[str] = field(default_factory=list)  # service.name of each span's resource

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            service = next(
                (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"),
                "",
            )
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(span)
                    self.services.append(service)

    async def wait_for(self, name: str, deadline_s: float = 10.0) -> list[Any]:
        """The received spans named ``name`` once there is one."""
        end = time.monotonic() + deadline_s
        while not (found := [span for span in self.spans if span.name == name]):
            assert time.monotonic() < end, (
                f"no {name!r} span after {deadline_s} s: {[s.name for s in self.spans]}"
            )
            await asyncio.sleep(0.05)
        return found


@pytest.fixture
def collector() -> Iterator[Collector]:
    """A tiny OTLP collector on a free loopback port, stopped after the test."""
    received: Collector

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = 404
            if self.path == "/v1/traces":
                received.receive(body)
                status = 200
            reply = ExportTraceServiceResponse().SerializeToString()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received = Collector(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class WorkerProcess:
    """One ``python -m open_backend.worker`` process; its standard error collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "open_backend.worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def log(self) -> str:
        return "\n".join(self.lines)

    async def ready(self, deadline_s: float = 20.0) -> WorkerProcess:
        end = time.monotonic() + deadline_s
        while not any("started on queue" in line for line in self.lines):
            assert self.process.poll() is None, f"the worker exited early:\n{self.log()}"
            assert time.monotonic() < end, f"the worker did not start:\n{self.log()}"
            await asyncio.sleep(0.05)
        return self

    def stop(self) -> None:
        """SIGTERM (a drain: its last spans are exported), then kill if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._reader.join(5)
        if self.process.stderr is not None:
            self.process.stderr.close()


WorkerFactory = Callable[..., Any]


@pytest.fixture
def worker_process(tmp_path: Path) -> Iterator[WorkerFactory]:
    """``await worker_process(served.settings, **env)``: a worker on that app's database and
    queue, with extra environment variables; stopped after the test."""
    started: list[WorkerProcess] = []

    async def start(settings: Settings, **extra: str) -> WorkerProcess:
        assert settings.redis_url is not None
        env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")} | {
            "DATABASE_URL": settings.database_url,
            "REDIS_URL": settings.redis_url,
            "OPEN_QUEUE_NAME": settings.queue_name,
            "OPEN_ENV": "test",
            "OPEN_DATA_DIR": str(tmp_path / "worker-data"),
            **extra,
        }
        process = WorkerProcess(env)
        started.append(process)
        return await process.ready()

    yield start
    for process in started:
        process.stop()
