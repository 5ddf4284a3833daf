"""The Redis pool: built in the lifespan when REDIS_URL is set, checked by /readyz.

Uses real Redis servers: a throwaway ``redis-server`` on a free port for the tests that stop it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.queue import dump_job, load_job
from open_backend.settings import Environment, Settings

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def redis_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A private redis-server on a free loopback port; yields (url, process)."""
    binary = shutil.which("redis-server")
    assert binary is not None, "redis-server must be installed to run these tests"
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            break
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0", proc
    finally:
        proc.kill()
        proc.wait()


def test_jobs_are_serialised_as_json() -> None:
    job = {"t": 1, "f": "run_execution", "a": ["0192f7a0-0000-7000-8000-000000000000"], "k": {}}
    assert dump_job(job) == b'{"t":1,"f":"run_execution","a":["0192f7a0-0000-7000-8000-000000000000"],"k":{}}'
    assert load_job(dump_job(job)) == job


async def test_lifespan_builds_a_redis_pool_that_answers(
    serve: Serve, sqlite_url: str, redis_server: tuple[str, subprocess.Popen[bytes]]
) -> None:
    url, _ = redis_server
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url, redis_url=url))
    async with serve(app) as client:
        assert await app.state.redis.ping() is True
        response = await client.get("/readyz")
    assert response.status_code == 200


async def test_without_redis_url_there_is_no_pool(serve: Serve, sqlite_url: str) -> None:
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url))
    async with serve(app) as client:
        assert app.state.redis is None
        assert (await client.get("/readyz")).status_code == 200


async def test_readyz_is_503_when_redis_goes_away(
    serve: Serve, sqlite_url: str, redis_server: tuple[str, subprocess.Popen[bytes]]
) -> None:
    url, proc = redis_server
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url, redis_url=url))
    async with serve(app) as client:
        proc.kill()
        proc.wait()
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "redis_unreachable"}


async def test_startup_fails_when_redis_is_unreachable(serve: Serve, sqlite_url: str) -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url, redis_url=url))
    with pytest.raises(RedisConnectionError):
        async with serve(app):
            pass
