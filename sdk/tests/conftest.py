"""The SDK against a real server: the backend app served by uvicorn in a thread of its own, on a
PostgreSQL database made and migrated for the test module (``OPEN_TEST_POSTGRES_URL``, default
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``, a role that may create databases),
with no ``REDIS_URL``: executions run in the app's in-process executor.

The server runs in its own thread (and event loop) so that blocking code, the sync
:class:`open_sdk.Client` and Typer's ``CliRunner``, can call it from the test's thread.

Fixtures:
    server: a :class:`ServedApp` for the whole module (its ``url`` and helpers).
    server_without_websockets: the same app and database served again, refusing websockets.
    caller: a user signed up for the test, owner of an organization of their own (tests never
        see each other's DAGs or executions), with an EDITOR API key.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.types import Receive, Scope, Send

from open_backend.app import create_app
from open_backend.db.migrate import upgrade_database
from open_backend.settings import Environment, Settings, normalize_database_url

POSTGRES_SERVER_URL = normalize_database_url(
    os.environ.get("OPEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
)
PASSWORD = "correct horse battery staple"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
ME = "{ me { activeOrganizationId } }"
CREATE_API_KEY = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }"


async def _create_database(name: str) -> None:
    engine = create_async_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await engine.dispose()


async def _drop_database(name: str) -> None:
    engine = create_async_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await engine.dispose()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A migrated PostgreSQL database with a random ``open_test_`` name, dropped afterwards."""
    name = f"open_test_{uuid.uuid4().hex[:16]}"
    asyncio.run(_create_database(name))
    try:
        url = make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(hide_password=False)
        asyncio.run(upgrade_database(url))
        yield url
    finally:
        asyncio.run(_drop_database(name))


@contextlib.contextmanager
def serving_in_thread(settings: Settings, *, websockets: bool = True) -> Iterator[str]:
    """Serve ``create_app(settings)`` (lifespan included) with uvicorn in a thread with its own
    event loop, on a free loopback port; yields ``http://host:port``. Without ``websockets``
    every websocket is closed at once (1011), as by a proxy that does not pass them."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    app = create_app(settings)

    async def refusing_websockets(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1011})
            return
        await app(scope, receive, send)

    served = app if websockets else refusing_websockets
    config = uvicorn.Config(served, lifespan="on", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # surfaced by the waiting thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="open-test-server", daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), f"the server stopped during startup: {failure}"
            threading.Event().wait(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    """A definition node of the built-in task type ``kind`` with ``config``."""
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


def definition(name: str, *nodes: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON definition named ``name`` of ``nodes``, declaring ``params``."""
    return {"schema_version": 1, "name": name, "nodes": list(nodes), "params": params or {}}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Caller:
    """A signed-up user: access token, organization id and an EDITOR API key of it."""

    token: str
    organization_id: str
    api_key: str


@dataclass(frozen=True)
class ServedApp:
    """The served app and the helpers its tests need that the SDK does not offer."""

    node = staticmethod(node)
    definition = staticmethod(definition)
    unique = staticmethod(unique)

    url: str

    def gql(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
        )
        answer: dict[str, Any] = response.json()
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    def sign_up(self, role: str = "EDITOR") -> Caller:
        """A new user owning a new organization, and an API key of ``role`` in it."""
        email = f"user-{uuid.uuid4().hex[:12]}@example.org"
        token = self.gql(SIGN_UP, i={"email": email, "password": PASSWORD, "name": "Ada"})["signUp"][
            "accessToken"
        ]
        organization = self.gql(ME, token)["me"]["activeOrganizationId"]
        key = self.gql(CREATE_API_KEY, token, i={"name": f"key-{uuid.uuid4().hex[:8]}", "role": role})
        return Caller(token, organization, key["createApiKey"]["secret"])


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A migrated PostgreSQL database of the module's own."""
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """The app on the module's database, served in a thread."""
    settings = Settings(
        env=Environment.TEST, database_url=database_url, data_dir=tmp_path_factory.mktemp("sdk")
    )
    with serving_in_thread(settings) as url:
        yield ServedApp(url)


@pytest.fixture(scope="module")
def server_without_websockets(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedApp]:
    """Another server of the app on the same database, closing every websocket at once."""
    settings = Settings(
        env=Environment.TEST, database_url=database_url, data_dir=tmp_path_factory.mktemp("sdk")
    )
    with serving_in_thread(settings, websockets=False) as url:
        yield ServedApp(url)


@pytest.fixture
def caller(server: ServedApp) -> Caller:
    """A user of the test's own organization, with an EDITOR API key."""
    return server.sign_up()
