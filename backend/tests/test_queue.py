"""The Redis pool: built in the lifespan when REDIS_URL is set, checked by /readyz.

Uses real Redis servers: a throwaway ``redis-server`` on a free port for the tests that stop it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.queue import dump_job, load_job
from open_backend.settings import Environment, Settings

from .servers import RedisServer

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


def test_jobs_are_serialised_as_json() -> None:
    job = {"t": 1, "f": "run_execution", "a": ["0192f7a0-0000-7000-8000-000000000000"], "k": {}}
    assert dump_job(job) == b'{"t":1,"f":"run_execution","a":["0192f7a0-0000-7000-8000-000000000000"],"k":{}}'
    assert load_job(dump_job(job)) == job


async def test_lifespan_builds_a_redis_pool_that_answers(
    serve: Serve, sqlite_url: str, redis_server: RedisServer
) -> None:
    url = redis_server.url
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
    serve: Serve, sqlite_url: str, redis_server: RedisServer
) -> None:
    url = redis_server.url
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url, redis_url=url))
    async with serve(app) as client:
        redis_server.kill()
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "redis_unreachable"}


async def test_startup_fails_when_redis_is_unreachable(
    serve: Serve, sqlite_url: str, unreachable_redis_url: str
) -> None:
    url = unreachable_redis_url
    app = create_app(Settings(env=Environment.TEST, database_url=sqlite_url, redis_url=url))
    with pytest.raises(RedisConnectionError):
        async with serve(app):
            pass
