"""Live updates on real servers: the app served by uvicorn on a free loopback port, called over
real HTTP and a real graphql-transport-ws client (gql with websockets), on both databases;
Redis at ``OPEN_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) or a private
``redis-server`` (the ``redis_server`` fixture) for the tests that kill connections.

Fixtures:
    served: the app without ``REDIS_URL`` (in-process executor and bus) on PostgreSQL and on
        SQLite, served by uvicorn for a whole module; a :class:`Served` to call it.
    alice, bob: users signed up through the API once per module, each owning an organization.
    redis_url: the shared test Redis.
    prefix: a Redis channel prefix unique to the test.
    store: a :class:`Store` of committed rows on ``db_url``, for the follower tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from core_engine import DAG
from open_backend.app import create_app
from open_backend.auth.principal import Identity, Principal
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.models import (
    Dag,
    DagVersion,
    Execution,
    ExecutionEvent,
    ExecutionStatus,
    Organization,
    Role,
)
from open_backend.settings import Environment, Settings

REDIS_URL = os.environ.get("OPEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery staple"
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"}

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken user { id } } }"
ME = "{ me { activeOrganizationId } }"
CREATE_DAG = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
CREATE_API_KEY = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }"
EXECUTE = "mutation($i: ExecuteDagInput!) { executeDag(input: $i) { id status } }"
STATUS = "query($id: ID!) { execution(id: $id) { status } }"
EVENTS = "query($id: ID!) { execution(id: $id) { events(first: 100) { nodes { sequence kind } } } }"


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    """A definition node of the built-in task type ``kind``."""
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


def definition(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 1, "name": "flow", "nodes": list(nodes), "params": {}}


def chain(count: int, seconds: float) -> dict[str, Any]:
    """``count`` sleep nodes one after the other (a run of about ``count * seconds`` seconds)."""
    ids = [f"n{i}" for i in range(count)]
    return definition(
        *(node(i, "sleep", (ids[k - 1],) if k else (), seconds=seconds) for k, i in enumerate(ids))
    )


@contextlib.asynccontextmanager
async def uvicorn_serving(app: Starlette) -> AsyncIterator[str]:
    """Serve ``app`` (its lifespan included) on a free loopback port; yields ``host:port``."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    config = uvicorn.Config(app, lifespan="on", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), "the server stopped during startup"
            await asyncio.sleep(0.01)
        yield f"{host}:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Caller:
    """A signed-up user: access token, user id and personal organization id."""

    token: str
    user_id: str
    organization_id: str


@dataclass
class Served:
    """The app served over HTTP and websockets, and helpers for its tests."""

    node = staticmethod(node)
    definition = staticmethod(definition)
    chain = staticmethod(chain)

    app: Starlette
    address: str
    http: httpx.AsyncClient

    @property
    def ws_url(self) -> str:
        return f"ws://{self.address}/graphql"

    async def gql(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    async def sign_up(self) -> Caller:
        email = f"user-{uuid.uuid4().hex[:12]}@example.org"
        data = await self.gql(SIGN_UP, i={"email": email, "password": PASSWORD, "name": "Ada"})
        token = data["signUp"]["accessToken"]
        organization = (await self.gql(ME, token))["me"]["activeOrganizationId"]
        return Caller(token, data["signUp"]["user"]["id"], organization)

    async def api_key(self, caller: Caller, role: str = "VIEWER") -> str:
        data = await self.gql(
            CREATE_API_KEY, caller.token, i={"name": f"key-{uuid.uuid4().hex[:8]}", "role": role}
        )
        secret: str = data["createApiKey"]["secret"]
        return secret

    async def dag(self, caller: Caller, raw: dict[str, Any]) -> str:
        data = await self.gql(
            CREATE_DAG, caller.token, i={"name": f"dag-{uuid.uuid4().hex[:8]}", "definition": raw}
        )
        dag_id: str = data["createDag"]["dag"]["id"]
        return dag_id

    async def execute(self, caller: Caller, dag_id: str) -> str:
        execution_id: str = (await self.gql(EXECUTE, caller.token, i={"dagId": dag_id}))["executeDag"]["id"]
        return execution_id

    async def status(self, caller: Caller, execution_id: str) -> str:
        status: str = (await self.gql(STATUS, caller.token, id=execution_id))["execution"]["status"]
        return status

    async def wait_for(
        self, caller: Caller, execution_id: str, statuses: set[str], deadline_s: float = 5.0
    ) -> str:
        end = time.monotonic() + deadline_s
        while (status := await self.status(caller, execution_id)) not in statuses:
            assert time.monotonic() < end, f"still {status} after {deadline_s} s"
            await asyncio.sleep(0.02)
        return status

    async def stored_sequences(self, caller: Caller, execution_id: str) -> list[int]:
        data = await self.gql(EVENTS, caller.token, id=execution_id)
        return [event["sequence"] for event in data["execution"]["events"]["nodes"]]

    async def wait_for_events(
        self, caller: Caller, execution_id: str, count: int, deadline_s: float = 5.0
    ) -> None:
        """Wait until at least ``count`` events are stored."""
        end = time.monotonic() + deadline_s
        while len(await self.stored_sequences(caller, execution_id)) < count:
            assert time.monotonic() < end, f"fewer than {count} events after {deadline_s} s"
            await asyncio.sleep(0.02)

    def ws(self, init_payload: dict[str, Any] | None) -> Client:
        """A gql client speaking graphql-transport-ws to the app with ``init_payload``."""
        transport = WebsocketsTransport(
            url=self.ws_url,
            init_payload=init_payload or {},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            connect_timeout=5,
            ack_timeout=5,
            close_timeout=1,
        )
        return Client(transport=transport, fetch_schema_from_transport=False)

    def bearer(self, credential: str, organization: str | None = None) -> Client:
        payload = {"authorization": f"Bearer {credential}"}
        if organization is not None:
            payload["organization"] = organization
        return self.ws(payload)

    @staticmethod
    async def collect(
        client: Client, query: str, limit: int | None = None, deadline_s: float = 5.0, **variables: Any
    ) -> list[dict[str, Any]]:
        """The results of subscribing to ``query`` until it completes (or ``limit`` results)."""
        results: list[dict[str, Any]] = []

        async def run() -> None:
            async with client as session:
                async for result in session.subscribe(GraphQLRequest(query, variable_values=variables)):
                    results.append(result)
                    if limit is not None and len(results) >= limit:
                        return

        await asyncio.wait_for(run(), deadline_s)
        return results


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path
) -> str:
    """A migrated database of each backend for a whole test module (PostgreSQL: the run's)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    path = tmp_path_factory.mktemp("live-sqlite") / "open.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Served]:
    """The app on ``module_db_url``, served for the whole module (its tests share the module's
    event loop: ``pytestmark = pytest.mark.asyncio(loop_scope="module")``)."""
    data_dir = tmp_path_factory.mktemp("live-data")
    app = create_app(Settings(env=Environment.TEST, database_url=module_db_url, data_dir=data_dir))
    async with uvicorn_serving(app) as address, httpx.AsyncClient(base_url=f"http://{address}") as http:
        yield Served(app, address, http)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def alice(served: Served) -> Caller:
    """A user signed up through the API once per module, owner of her organization."""
    return await served.sign_up()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bob(served: Served) -> Caller:
    """Another user, owner of another organization."""
    return await served.sign_up()


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}:"


class Store:
    """Committed executions and events on one database, written directly (no run)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def principal(self) -> Principal:
        slug = f"org-{uuid.uuid4().hex[:12]}"
        async with self.sessions() as session:
            organization = Organization(name=slug, slug=slug)
            session.add(organization)
            await session.commit()
        return Principal(Identity(user_id=uuid.uuid4()), organization.id, Role.VIEWER)

    async def execution(
        self, principal: Principal, status: ExecutionStatus = ExecutionStatus.RUNNING
    ) -> uuid.UUID:
        built = DAG.from_dict(definition(node("a")), resolve_callables=False)
        async with self.sessions() as session:
            dag = Dag(organization_id=principal.organization_id, name=f"dag-{uuid.uuid4().hex[:8]}")
            session.add(dag)
            await session.flush()
            version = DagVersion(
                dag_id=dag.id, version=1, definition=built.to_dict(), content_hash=built.content_hash
            )
            session.add(version)
            await session.flush()
            execution = Execution(
                organization_id=principal.organization_id,
                dag_id=dag.id,
                dag_version_id=version.id,
                status=status,
            )
            session.add(execution)
            await session.commit()
            return execution.id

    @staticmethod
    def payload(sequence: int, kind: str = "node_started") -> dict[str, Any]:
        return {"kind": kind, "seq": sequence, "ts": 1_770_000_000.0 + sequence}

    async def events(
        self, execution_id: uuid.UUID, sequences: range, *, finished: bool = False
    ) -> list[dict[str, Any]]:
        """Store events ``sequences`` (the last one ``run_finished`` when ``finished``, which also
        ends the execution ``succeeded``); returns their payloads."""
        payloads = [
            self.payload(seq, "run_finished" if finished and seq == sequences[-1] else "node_started")
            for seq in sequences
        ]
        async with self.sessions() as session:
            for payload in payloads:
                session.add(
                    ExecutionEvent(
                        execution_id=execution_id,
                        sequence=payload["seq"],
                        kind=payload["kind"],
                        ts=datetime.fromtimestamp(payload["ts"], UTC),
                        payload=payload,
                    )
                )
            if finished:
                execution = await session.get_one(Execution, execution_id)
                execution.status = ExecutionStatus.SUCCEEDED
            await session.commit()
        return payloads

    async def end(self, execution_id: uuid.UUID, status: ExecutionStatus) -> None:
        async with self.sessions() as session:
            execution = await session.get_one(Execution, execution_id)
            execution.status = status
            await session.commit()


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    engine = create_engine_for_url(db_url)
    try:
        yield Store(session_factory(engine))
    finally:
        await engine.dispose()
