from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import httpx
import pytest
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.db.migrate import downgrade_database, head_revisions, upgrade_database
from open_backend.settings import Environment, Settings

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]
MakeDatabase = Callable[[], Awaitable[str]]


async def test_healthz_answers_ok(serve: Serve, sqlite_url: str) -> None:
    async with serve(create_app(Settings(env=Environment.TEST, database_url=sqlite_url))) as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_answers_ready_with_the_revision(serve: Serve, db_url: str) -> None:
    async with serve(create_app(Settings(env=Environment.TEST, database_url=db_url))) as client:
        response = await client.get("/readyz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ready", "revision": list(head_revisions())},
    )


async def test_readyz_is_503_when_the_database_is_at_an_older_revision(serve: Serve, own_db_url: str) -> None:
    async with serve(create_app(Settings(env=Environment.TEST, database_url=own_db_url))) as client:
        await downgrade_database(own_db_url, "base")
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "migrations_not_current",
        "current": [],
        "head": list(head_revisions()),
    }


async def test_readyz_recovers_once_the_database_is_migrated_again(serve: Serve, sqlite_url: str) -> None:
    async with serve(create_app(Settings(env=Environment.TEST, database_url=sqlite_url))) as client:
        await downgrade_database(sqlite_url, "base")
        assert (await client.get("/readyz")).status_code == 503
        await upgrade_database(sqlite_url)
        assert (await client.get("/readyz")).status_code == 200


async def test_readyz_is_503_when_the_database_is_unreachable(
    serve: Serve,
    make_postgres_database: MakeDatabase,
    drop_database: Callable[[str], Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = await make_postgres_database()
    await upgrade_database(url)
    async with serve(create_app(Settings(env=Environment.TEST, database_url=url))) as client:
        assert (await client.get("/readyz")).status_code == 200
        await drop_database(url)
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database_unreachable"}
    assert "the database is unreachable" in caplog.text


async def test_health_routes_answer_get_only(serve: Serve, sqlite_url: str) -> None:
    async with serve(create_app(Settings(env=Environment.TEST, database_url=sqlite_url))) as client:
        assert (await client.post("/healthz")).status_code == 405
        assert (await client.post("/readyz")).status_code == 405
