"""The real stack for the browser tests: PostgreSQL, Redis, the gateway serving the SPA, a worker.

Fixture:
    stack: a :class:`Stack` whose gateway (uvicorn, a child process) runs on a fresh PostgreSQL
        database (created on ``OPEN_TEST_POSTGRES_URL``, default
        ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``, migrated, dropped after the
        test), queues on a private ``redis-server`` and serves the built web app
        (``OPEN_FRONTEND_DIR``, default ``frontend/dist``) at ``/``; one worker process
        (``python -m open_backend.worker``) runs the executions. Everything is killed at the end.

The web app must be built first (``cd frontend && npm ci && npm run build``; ``.ci/run`` does it)
and Chromium installed (``apt-get install -y chromium``): without them the fixture fails saying so.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

#: The repository's root.
ROOT: Final = Path(__file__).resolve().parents[2]

#: The built web app the gateway serves: ``OPEN_FRONTEND_DIR`` if set, else ``frontend/dist``.
FRONTEND_DIST: Final = Path(os.environ.get("OPEN_FRONTEND_DIR") or ROOT / "frontend" / "dist")

#: Seconds a server or worker may take to start.
START_TIMEOUT_S: Final = 60.0

POSTGRES_URL: Final = os.environ.get(
    "OPEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Child:
    """A child process whose stderr is kept (its last 400 lines) for error messages."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            list(argv), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self.lines: collections.deque[str] = collections.deque(maxlen=400)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def tail(self, count: int = 20) -> str:
        """Its last ``count`` stderr lines."""
        return "\n".join(list(self.lines)[-count:])

    def check_alive(self) -> None:
        """Fails the test (with its stderr) when the process has exited."""
        code = self.process.poll()
        if code is not None:
            pytest.fail(f"{self.name} exited with code {code}:\n{self.tail()}")

    def kill(self) -> None:
        """Kill it (SIGKILL) if it runs, and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        self._reader.join(5)
        if self.process.stderr is not None:
            self.process.stderr.close()


@dataclass(frozen=True)
class Stack:
    """The running platform.

    Attributes:
        base_url: the gateway, ``http://127.0.0.1:<port>`` (the SPA at ``/``, the API at ``/graphql``).
        env: the environment of the gateway and the worker (DATABASE_URL, REDIS_URL, ...).
        server: the gateway process.
        worker: the worker process.
    """

    base_url: str
    env: dict[str, str]
    server: Child
    worker: Child

    def logs(self) -> str:
        """The last stderr lines of the gateway and the worker, for failure messages."""
        return f"--- gateway ---\n{self.server.tail()}\n--- worker ---\n{self.worker.tail()}"


async def _admin(statement: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


async def _drop(name: str) -> None:
    await _admin(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
        "AND pid <> pg_backend_pid()"
    )
    await _admin(f'DROP DATABASE IF EXISTS "{name}"')


def _wait_for(check: Child, ready: object, what: str) -> None:
    end = time.monotonic() + START_TIMEOUT_S
    while not callable(ready) or not ready():
        check.check_alive()
        if time.monotonic() > end:
            pytest.fail(f"{what} did not start within {START_TIMEOUT_S:g} s:\n{check.tail()}")
        time.sleep(0.1)


def _serving(base_url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200
    return False


def _redis_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


@pytest.fixture
def stack() -> Iterator[Stack]:
    if not (FRONTEND_DIST / "index.html").is_file():
        pytest.fail(f"no web app in {FRONTEND_DIST}: run `cd frontend && npm ci && npm run build`")
    redis_binary = shutil.which("redis-server")
    if redis_binary is None:
        pytest.fail("redis-server must be installed to run the browser tests")
    from open_backend.db.migrate import upgrade_database

    name = f"open_e2e_{uuid.uuid4().hex[:12]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    children: list[Child] = []
    data_dir = tempfile.mkdtemp(prefix="open-e2e-")
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        asyncio.run(upgrade_database(url))
        redis_port = free_port()
        redis = Child(
            "redis-server",
            [
                redis_binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            dict(os.environ),
        )
        children.append(redis)
        _wait_for(redis, lambda: _redis_answers(redis_port), "redis-server")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "OPEN_QUEUE_NAME": f"open-e2e:{uuid.uuid4().hex[:8]}",
            # development: the refresh cookie is not Secure, as the browser talks plain HTTP.
            "OPEN_ENV": "development",
            "OPEN_DATA_DIR": data_dir,
            "OPEN_FRONTEND_DIR": str(FRONTEND_DIST),
        }
        port = free_port()
        server = Child(
            "the gateway",
            [sys.executable, "-m", "uvicorn", "open_backend.app:create_app", "--factory", "--host",
             "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
            env,
        )  # fmt: skip
        children.append(server)
        base_url = f"http://127.0.0.1:{port}"
        _wait_for(server, lambda: _serving(base_url), "the gateway")
        worker = Child("the worker", [sys.executable, "-m", "open_backend.worker"], env)
        children.append(worker)
        _wait_for(worker, lambda: any("started on queue" in line for line in list(worker.lines)), "a worker")
        yield Stack(base_url, env, server, worker)
    finally:
        for child in reversed(children):
            child.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
        asyncio.run(_drop(name))
