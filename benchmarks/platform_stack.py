"""The real platform for the ``platform`` benchmark: PostgreSQL, Redis, the served API and workers.

:func:`platform_stack` creates a temporary database on the PostgreSQL server of
``OPEN_BENCH_POSTGRES_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``;
its role must be allowed to create databases) and migrates it, picks a queue name of its own on
the Redis of ``OPEN_BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``), serves the app with
uvicorn in a child process on a free loopback port (``REDIS_URL`` set, so ``executeDag`` goes
through the arq queue) and signs one user up through the API. The yielded :class:`Stack` starts
worker processes (``python -m open_backend.worker``) and reads the event log straight from the
database.

Everything is torn down at the end, whatever happened (an error, a cancellation, Ctrl-C): the
processes are killed, the queue's keys and the jobs' keys deleted, the database dropped.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.api_harness import admin, drop_database
from benchmarks.isolate import ROOT

#: The Redis of the queue, and its default.
REDIS_URL_VARIABLE: Final = "OPEN_BENCH_REDIS_URL"
DEFAULT_REDIS_URL: Final = "redis://127.0.0.1:6379/0"

#: Seconds a server or a worker process may take to start.
START_TIMEOUT_S: Final = 30.0

#: Execution statuses after which nothing more happens.
TERMINAL: Final = ("succeeded", "failed", "cancelled", "timed_out")

SIGN_UP: Final = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
CREATE_DAG: Final = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
EXECUTE: Final = "mutation($i: ExecuteDagInput!) { executeDag(input: $i) { id status } }"


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Child:
    """A child process whose stderr is read as it comes (the last lines are kept for errors).

    Args:
        name: shown in error messages (``"worker 1"``).
        argv: the command.
        env: its whole environment.
    """

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            list(argv), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.lines: collections.deque[str] = collections.deque(maxlen=200)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def tail(self, count: int = 5) -> str:
        """The last ``count`` lines of its stderr, joined with `` | ``."""
        return " | ".join(list(self.lines)[-count:])

    def check_alive(self) -> None:
        """Raises ``RuntimeError`` (with its last stderr lines) when the process has exited."""
        code = self.process.poll()
        if code is not None:
            raise RuntimeError(f"{self.name} exited with code {code}: {self.tail()}")

    def kill(self) -> None:
        """Kill the process (SIGKILL) if it still runs, reap it and release its pipe."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        self._reader.join(5)
        if self.process.stderr is not None:
            self.process.stderr.close()


@dataclass
class Stack:
    """The running platform of one benchmark run (see the module docstring).

    Attributes:
        base_url: the served API, ``http://127.0.0.1:<port>``.
        http: a client of it; ``headers`` sign its requests in as the benchmark's user.
        env: the environment of the server and the workers.
        engine: the benchmark's own connection to the database, to read the event log.
        workers: the worker processes started, in order.
    """

    base_url: str
    http: httpx.AsyncClient
    headers: dict[str, str]
    env: dict[str, str]
    engine: AsyncEngine
    workers: list[Child] = field(default_factory=list)
    _children: list[Child] = field(default_factory=list)  # every process to kill at the end
    _started: int = 0

    async def gql(self, query: str, **variables: Any) -> Any:
        """POST a GraphQL operation; its ``data``. Raises ``RuntimeError`` on any error."""
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        answer = response.json()
        if response.status_code != 200 or answer.get("errors"):
            raise RuntimeError(f"request failed: {response.status_code} {str(answer)[:300]}")
        return answer["data"]

    async def create_dag(self, name: str, definition: dict[str, Any]) -> str:
        """Create a DAG through the API; its id."""
        data = await self.gql(CREATE_DAG, i={"name": name, "definition": definition})
        dag_id: str = data["createDag"]["dag"]["id"]
        return dag_id

    async def execute(self, dag_id: str) -> uuid.UUID:
        """Send ``executeDag`` for ``dag_id``; the new execution's id."""
        data = await self.gql(EXECUTE, i={"dagId": dag_id})
        return uuid.UUID(data["executeDag"]["id"])

    async def start_worker(self) -> None:
        """Start one more worker process and wait until it reads the queue.

        Raises:
            RuntimeError: it exited or did not start within :data:`START_TIMEOUT_S`.
        """
        self._started += 1
        worker = Child(f"worker {self._started}", [sys.executable, "-m", "open_backend.worker"], self.env)
        self.workers.append(worker)
        self._children.append(worker)
        end = time.monotonic() + START_TIMEOUT_S
        while not any("started on queue" in line for line in list(worker.lines)):
            worker.check_alive()
            if time.monotonic() > end:
                raise RuntimeError(f"{worker.name} did not start within {START_TIMEOUT_S:g} s")
            await asyncio.sleep(0.05)

    def pause_workers(self) -> None:
        """Stop every worker process (``SIGSTOP``): jobs wait in the queue until
        :meth:`resume_workers`. Pause only idle workers: a paused run's lease would expire."""
        for worker in self.workers:
            worker.process.send_signal(signal.SIGSTOP)

    def resume_workers(self) -> None:
        """Let every worker process go on (``SIGCONT``)."""
        for worker in self.workers:
            worker.process.send_signal(signal.SIGCONT)

    def check_workers(self) -> None:
        """Raises ``RuntimeError`` when a worker process has exited."""
        for worker in self.workers:
            worker.check_alive()

    async def statuses(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        """The status of each execution of ``ids`` (lower case, e.g. ``"succeeded"``)."""
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                sa.text("SELECT id, status FROM executions WHERE id = ANY(:ids)"), {"ids": list(ids)}
            )
            return {row[0]: str(row[1]).lower() for row in rows}

    async def wait_ended(self, ids: Sequence[uuid.UUID], deadline_s: float, poll_s: float = 0.02) -> float:
        """Poll until every execution of ``ids`` has ended; ``time.time()`` when that was seen.

        Raises:
            RuntimeError: one did not succeed, a worker died, or ``deadline_s`` passed.
        """
        end = time.monotonic() + deadline_s
        while True:
            statuses = await self.statuses(ids)
            if len(statuses) == len(ids) and all(s in TERMINAL for s in statuses.values()):
                seen = time.time()
                bad = {s for s in statuses.values() if s != "succeeded"}
                if bad:
                    raise RuntimeError(f"executions ended {', '.join(sorted(bad))}, not succeeded")
                return seen
            self.check_workers()
            if time.monotonic() > end:
                done = sum(s in TERMINAL for s in statuses.values())
                raise RuntimeError(f"only {done} of {len(ids)} executions ended within {deadline_s:g} s")
            await asyncio.sleep(poll_s)

    async def first_node_start(self, execution_id: uuid.UUID) -> float | None:
        """The ``ts`` (Unix seconds) of the first ``node_started`` event stored, or ``None``."""
        async with self.engine.connect() as connection:
            value = await connection.scalar(
                sa.text(
                    "SELECT min(ts) FROM execution_events WHERE execution_id = :id AND kind = 'node_started'"
                ),
                {"id": execution_id},
            )
        return None if value is None else _unix(value)

    async def span(self, execution_id: uuid.UUID) -> tuple[float, float]:
        """``(first node_started ts, run_finished ts)`` of a finished execution, Unix seconds."""
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.text(
                        "SELECT min(ts) FILTER (WHERE kind = 'node_started'), "
                        "max(ts) FILTER (WHERE kind = 'run_finished') "
                        "FROM execution_events WHERE execution_id = :id"
                    ),
                    {"id": execution_id},
                )
            ).one()
        if row[0] is None or row[1] is None:
            raise RuntimeError(f"execution {execution_id} has no node_started or run_finished event")
        return _unix(row[0]), _unix(row[1])

    async def event_count(self, ids: Sequence[uuid.UUID]) -> int:
        """How many events are stored for the executions of ``ids``."""
        async with self.engine.connect() as connection:
            count = await connection.scalar(
                sa.text("SELECT count(*) FROM execution_events WHERE execution_id = ANY(:ids)"),
                {"ids": list(ids)},
            )
        return int(count or 0)


def _unix(value: datetime | float) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


async def _serve(env: dict[str, str], children: list[Child]) -> str:
    """Start the API server (appended to ``children`` at once) and wait until it is ready;
    its base URL."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "open_backend.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = Child("the API server", argv, env)
    children.append(server)
    base_url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + START_TIMEOUT_S
    async with httpx.AsyncClient(base_url=base_url) as probe:
        while True:
            server.check_alive()
            with contextlib.suppress(httpx.TransportError):
                if (await probe.get("/readyz")).status_code == 200:
                    return base_url
            if time.monotonic() > end:
                raise RuntimeError(f"the API server did not start within {START_TIMEOUT_S:g} s")
            await asyncio.sleep(0.05)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C (SIGINT) inside the block, in the main thread: a second Ctrl-C must not
    cut the clean-up short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


async def _delete_queue_keys(redis_url: str, queue: str, engine: AsyncEngine) -> None:
    """Delete the queue and the keys of every job the benchmark's executions were given."""
    from open_backend.queue import connect

    async with engine.connect() as connection:
        job_ids = [
            row[0]
            for row in await connection.execute(
                sa.text("SELECT dispatch_job_id FROM executions WHERE dispatch_job_id IS NOT NULL")
            )
        ]
    pool = await connect(redis_url)
    try:
        keys = [queue, *[key async for key in pool.scan_iter(match=f"{queue}:*")]]  # health checks
        keys += [
            f"arq:{kind}:{job_id}" for job_id in job_ids for kind in ("job", "in-progress", "retry", "result")
        ]
        for start in range(0, len(keys), 500):
            await pool.delete(*keys[start : start + 500])
    finally:
        await pool.aclose()


@contextlib.asynccontextmanager
async def platform_stack(server_url: str, redis_url: str) -> AsyncIterator[Stack]:
    """See the module docstring; no worker runs at first (:meth:`Stack.start_worker`).

    Raises:
        RuntimeError: the server did not start or the sign-up failed.
        sqlalchemy.exc.SQLAlchemyError, OSError: PostgreSQL or Redis is unreachable.
    """
    from open_backend.db.engine import create_engine_for_url
    from open_backend.db.migrate import upgrade_database

    name = f"open_bench_{uuid.uuid4().hex[:12]}"
    queue = f"open-bench:{uuid.uuid4().hex[:12]}"
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    children: list[Child] = []  # the server, then every worker
    engine: AsyncEngine | None = None
    data_dir = tempfile.mkdtemp(prefix="open-bench-")
    try:
        await admin(server_url, f'CREATE DATABASE "{name}"')
        await upgrade_database(url)
        engine = create_engine_for_url(url, pool_size=2, max_overflow=2)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "OPEN_QUEUE_NAME": queue,
            "OPEN_ENV": "test",
            "OPEN_DATA_DIR": data_dir,
        }
        base_url = await _serve(env, children)
        async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
            stack = Stack(base_url, http, {}, env, engine, _children=children)
            email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
            signed_up = await stack.gql(SIGN_UP, i={"email": email, "password": "x" * 16, "name": "b"})
            stack.headers = {"Authorization": f"Bearer {signed_up['signUp']['accessToken']}"}
            yield stack
    finally:
        with _sigint_ignored():
            for child in children:
                child.kill()
            shutil.rmtree(data_dir, ignore_errors=True)
            try:
                if engine is not None:
                    with contextlib.suppress(Exception):  # the drop below matters more
                        await _delete_queue_keys(redis_url, queue, engine)
                    await engine.dispose()
            finally:
                await drop_database(server_url, name)
