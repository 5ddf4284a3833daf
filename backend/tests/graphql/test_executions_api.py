"""Executions end to end: the real app over HTTP with its in-process executor, on both databases."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.models import Execution, Membership, NodeExecution, Role
from open_backend.executions import service
from open_backend.settings import Environment, Settings

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]

PASSWORD = "correct horse battery staple"
SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken user { id } } }"
ME = "{ me { activeOrganizationId } }"
CREATE_DAG = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
EXECUTE = """
mutation($i: ExecuteDagInput!) {
  executeDag(input: $i) { id status dagId params idempotencyKey retryOfId }
}
"""
EXECUTION = """
query($id: ID!, $first: Int, $after: String) {
  execution(id: $id) {
    id status startedAt finishedAt retryOfId
    nodes { nodeId mapIndex status attempts result resultRef error durationS }
    events(first: $first, after: $after) {
      totalCount nodes { sequence kind payload } pageInfo { hasNextPage endCursor }
    }
    timeline { nodeId attempts { attempt startedAt finishedAt outcome } }
  }
}
"""
STATUS = "query($id: ID!) { execution(id: $id) { status } }"
EXECUTIONS = """
query($dagId: ID, $status: ExecutionStatus) {
  executions(first: 10, dagId: $dagId, status: $status) { totalCount nodes { id status } }
}
"""
CANCEL = "mutation($id: ID!) { cancelExecution(id: $id) { id status } }"
RETRY = "mutation($id: ID!) { retryExecution(id: $id) { id status retryOfId } }"
REPLAY = """
mutation($id: ID!) {
  replayExecution(id: $id) { matches differences eventsDigest projectionsDigest eventCount }
}
"""


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


def definition(*nodes: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"schema_version": 1, "name": "flow", "nodes": list(nodes), "params": params or {}}


@dataclass
class Client:
    """An HTTP client on the running app, and the app (for its sessions)."""

    http: httpx.AsyncClient
    app: Starlette

    async def gql(
        self, query: str, token: str | None = None, org: str | None = None, **variables: Any
    ) -> dict[str, Any]:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if org is not None:
            headers["X-Organization-Id"] = org
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def ok(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        answer = await self.gql(query, token, **variables)
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    async def sign_up(self) -> tuple[str, str, str]:
        """A new user's ``(access token, user id, personal organization id)``."""
        email = f"user-{uuid.uuid4().hex[:12]}@example.org"
        data = await self.ok(SIGN_UP, i={"email": email, "password": PASSWORD, "name": "Ada"})
        token = data["signUp"]["accessToken"]
        org = (await self.ok(ME, token))["me"]["activeOrganizationId"]
        return token, data["signUp"]["user"]["id"], org

    async def join(self, user_id: str, org: str, role: Role) -> None:
        async with self.app.state.sessions() as session:
            session.add(Membership(user_id=uuid.UUID(user_id), organization_id=uuid.UUID(org), role=role))
            await session.commit()

    async def dag(self, token: str, raw: dict[str, Any]) -> str:
        data = await self.ok(CREATE_DAG, token, i={"name": f"dag-{uuid.uuid4().hex[:8]}", "definition": raw})
        dag_id: str = data["createDag"]["dag"]["id"]
        return dag_id

    async def execute(self, token: str, dag_id: str, **fields: Any) -> dict[str, Any]:
        data = await self.ok(EXECUTE, token, i={"dagId": dag_id, **fields})
        execution: dict[str, Any] = data["executeDag"]
        return execution

    async def wait_for(
        self, token: str, execution_id: str, statuses: set[str], deadline_s: float = 5.0
    ) -> str:
        end = time.monotonic() + deadline_s
        while True:
            status: str = (await self.ok(STATUS, token, id=execution_id))["execution"]["status"]
            if status in statuses:
                return status
            assert time.monotonic() < end, f"still {status} after {deadline_s} s"
            await asyncio.sleep(0.02)

    async def finished(self, token: str, execution_id: str) -> str:
        return await self.wait_for(token, execution_id, {"SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"})


def make_app(db_url: str, tmp_path: Path) -> Starlette:
    return create_app(Settings(env=Environment.TEST, database_url=db_url, data_dir=tmp_path / "data"))


@pytest.fixture
async def client(serve: Serve, db_url: str, tmp_path: Path) -> AsyncIterator[Client]:
    """The app on ``db_url`` (PostgreSQL and the embedded SQLite) served over in-process HTTP."""
    app = make_app(db_url, tmp_path)
    async with serve(app) as http:
        yield Client(http, app)


async def test_execute_dag_returns_at_once_and_the_run_completes(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(
        token, definition(node("a", result=1), node("b", "sleep", ("a",), seconds=0.05))
    )
    created = await client.execute(token, dag_id)
    assert (created["status"], created["dagId"]) == ("QUEUED", dag_id)
    assert await client.finished(token, created["id"]) == "SUCCEEDED"
    execution = (await client.ok(EXECUTION, token, id=created["id"], first=100))["execution"]
    assert [(n["nodeId"], n["status"], n["attempts"], n["result"]) for n in execution["nodes"]] == [
        ("a", "SUCCEEDED", 1, 1),
        ("b", "SUCCEEDED", 1, None),
    ]
    events = execution["events"]
    assert [e["sequence"] for e in events["nodes"]] == list(range(events["totalCount"]))
    assert events["nodes"][-1]["kind"] == "run_finished"
    assert [(t["nodeId"], [a["outcome"] for a in t["attempts"]]) for t in execution["timeline"]] == [
        ("a", ["succeeded"]),
        ("b", ["succeeded"]),
    ]
    b_attempt = execution["timeline"][1]["attempts"][0]
    assert b_attempt["startedAt"] < b_attempt["finishedAt"]


async def test_events_are_paged_by_sequence(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(token, definition(node("a"), node("b")))
    created = await client.execute(token, dag_id)
    await client.finished(token, created["id"])
    first = (await client.ok(EXECUTION, token, id=created["id"], first=3))["execution"]["events"]
    cursor = first["pageInfo"]["endCursor"]
    rest = (await client.ok(EXECUTION, token, id=created["id"], first=100, after=cursor))["execution"][
        "events"
    ]
    assert first["pageInfo"]["hasNextPage"]
    sequences = [e["sequence"] for e in first["nodes"] + rest["nodes"]]
    assert sequences == list(range(first["totalCount"]))


async def test_the_same_idempotency_key_returns_the_same_execution(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(token, definition(node("a")))
    first = await client.execute(token, dag_id, idempotencyKey="deploy-42")
    second = await client.execute(token, dag_id, idempotencyKey="deploy-42")
    assert first["id"] == second["id"]
    listed = (await client.ok(EXECUTIONS, token, dagId=dag_id))["executions"]
    assert listed["totalCount"] == 1


async def test_bad_params_fail_with_validation_naming_each_param(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(token, definition(node("a"), params={"n": {"type": "integer"}}))
    answer = await client.gql(EXECUTE, token, i={"dagId": dag_id, "params": {"n": "x", "m": 1}})
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert set(error["extensions"]["details"]["params"]) == {"n", "m"}


async def test_cancel_stops_a_running_sleep_within_a_second(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(token, definition(node("nap", "sleep", seconds=30)))
    created = await client.execute(token, dag_id)
    await client.wait_for(token, created["id"], {"RUNNING"})
    await client.ok(CANCEL, token, id=created["id"])
    assert await client.wait_for(token, created["id"], {"CANCELLED"}, deadline_s=1.0) == "CANCELLED"


async def _nodes_once(
    client: Client, token: str, execution_id: str, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The execution's node rows by id, polled until ``ready`` holds (deadline 5 s)."""
    deadline = asyncio.get_running_loop().time() + 5.0
    while True:
        result = await client.ok(EXECUTION, token, id=execution_id)
        nodes = {n["nodeId"]: n for n in result["execution"]["nodes"]}
        if ready(nodes):
            return nodes
        assert asyncio.get_running_loop().time() < deadline, f"nodes never got there: {nodes}"
        await asyncio.sleep(0.02)


async def test_retry_links_the_new_execution_and_reuses_succeeded_results(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(token, definition(node("a", result="kept"), node("nap", "sleep", seconds=30)))
    created = await client.execute(token, dag_id)
    await _nodes_once(client, token, created["id"], lambda n: n.get("a", {}).get("status") == "SUCCEEDED")
    await client.ok(CANCEL, token, id=created["id"])
    await client.wait_for(token, created["id"], {"CANCELLED"})
    retry = (await client.ok(RETRY, token, id=created["id"]))["retryExecution"]
    assert retry["retryOfId"] == created["id"]
    nodes = await _nodes_once(
        client, token, retry["id"], lambda n: n.get("nap", {}).get("status") == "RUNNING"
    )
    await client.ok(CANCEL, token, id=retry["id"])
    assert (nodes["a"]["status"], nodes["a"]["attempts"], nodes["a"]["result"]) == ("SUCCEEDED", 0, "kept")
    assert (nodes["nap"]["status"], nodes["nap"]["attempts"]) == ("RUNNING", 1)


async def test_replay_of_a_real_run_matches(client: Client) -> None:
    token, _, _ = await client.sign_up()  # the owner of its organization
    dag_id = await client.dag(token, definition(node("a", result=[1, 2]), node("b", depends_on=("a",))))
    created = await client.execute(token, dag_id)
    await client.finished(token, created["id"])
    report = (await client.ok(REPLAY, token, id=created["id"]))["replayExecution"]
    assert report["matches"] and report["differences"] == []
    assert report["eventsDigest"] == report["projectionsDigest"]
    assert report["eventCount"] > 0


async def test_roles_bound_execution_operations(client: Client) -> None:
    owner, _, org = await client.sign_up()
    dag_id = await client.dag(owner, definition(node("a")))
    created = await client.execute(owner, dag_id)
    await client.finished(owner, created["id"])
    viewer, viewer_id, _ = await client.sign_up()
    editor, editor_id, _ = await client.sign_up()
    await client.join(viewer_id, org, Role.VIEWER)
    await client.join(editor_id, org, Role.EDITOR)
    assert (await client.gql(STATUS, viewer, org, id=created["id"]))["data"]["execution"][
        "status"
    ] == "SUCCEEDED"
    denied = [
        await client.gql(EXECUTE, viewer, org, i={"dagId": dag_id}),
        await client.gql(RETRY, viewer, org, id=created["id"]),
        await client.gql(CANCEL, viewer, org, id=created["id"]),
        await client.gql(REPLAY, editor, org, id=created["id"]),
    ]
    assert [answer["errors"][0]["extensions"]["code"] for answer in denied] == ["FORBIDDEN"] * 4


async def test_another_organization_sees_none_of_the_executions(client: Client) -> None:
    owner, _, _ = await client.sign_up()
    stranger, _, _ = await client.sign_up()  # owner of another organization
    dag_id = await client.dag(owner, definition(node("a")))
    created = await client.execute(owner, dag_id)
    await client.finished(owner, created["id"])
    answers = [
        await client.gql(STATUS, stranger, id=created["id"]),
        await client.gql(EXECUTE, stranger, i={"dagId": dag_id}),
        await client.gql(CANCEL, stranger, id=created["id"]),
        await client.gql(RETRY, stranger, id=created["id"]),
        await client.gql(REPLAY, stranger, id=created["id"]),
    ]
    assert [answer["errors"][0]["extensions"]["code"] for answer in answers] == ["NOT_FOUND"] * 5
    assert (await client.ok(EXECUTIONS, stranger))["executions"]["totalCount"] == 0


async def test_shutdown_hands_running_executions_back_and_the_next_start_resumes_them(
    serve: Serve, db_url: str, tmp_path: Path
) -> None:
    app = make_app(db_url, tmp_path)
    async with serve(app) as http:
        client = Client(http, app)
        token, _, _ = await client.sign_up()
        raw = definition(node("first"), node("nap", "sleep", depends_on=("first",), seconds=30))
        dag_id = await client.dag(token, raw)
        created = await client.execute(token, dag_id)
        execution_id = uuid.UUID(created["id"])
        await client.wait_for(token, created["id"], {"RUNNING"})
        await asyncio.sleep(0.3)  # "first" succeeds and "nap" starts
        started = time.monotonic()
    assert time.monotonic() - started < 2.0  # the 30 s sleep was stopped, not awaited
    async with _sessions(db_url) as session:
        row = await session.get_one(Execution, execution_id)
        kinds = [e.kind for e in await service.all_events(session, execution_id)]
    assert row.status.value == "queued"  # handed back, not cancelled
    assert "node_cancelled" not in kinds and "run_finished" not in kinds
    assert kinds.count("node_succeeded") == 1

    restarted = make_app(db_url, tmp_path)
    async with serve(restarted) as http:
        client = Client(http, restarted)
        deadline = time.monotonic() + 5
        while True:
            async with restarted.state.sessions() as session:
                nodes = {
                    n.node_id: n
                    for n in (
                        await session.exec(
                            select(NodeExecution).where(col(NodeExecution.execution_id) == execution_id)
                        )
                    ).all()
                }
            if nodes["nap"].attempts == 2:
                break
            assert time.monotonic() < deadline, "the next start did not resume the execution"
            await asyncio.sleep(0.05)
        async with restarted.state.sessions() as session:
            events = await service.all_events(session, execution_id)
    assert [e.sequence for e in events] == list(range(len(events)))
    assert [e.kind for e in events].count("run_started") == 1
    assert (nodes["first"].status.value, nodes["first"].attempts) == ("succeeded", 1)  # not run again
    assert nodes["nap"].status.value == "running"


@contextlib.asynccontextmanager
async def _sessions(db_url: str) -> AsyncIterator[Any]:
    engine = create_engine_for_url(db_url)
    try:
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


LOGS = """
query($id: ID!, $nodeId: String, $mapIndex: Int, $after: Int!, $first: Int!) {
  execution(id: $id) {
    logs(nodeId: $nodeId, mapIndex: $mapIndex, afterSequence: $after, first: $first) {
      sequence nodeId mapIndex attempt line ts
    }
  }
}
"""


def stderr_lines(*lines: str) -> list[str]:
    """argv of a program writing ``lines`` to stderr and ``null`` to stdout."""
    script = "import sys\nfor line in sys.argv[1:]:\n    print(line, file=sys.stderr)\nprint('null')"
    return [sys.executable, "-I", "-c", script, *lines]


async def test_a_command_nodes_stderr_lines_are_its_logs_by_node_and_page(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(
        token,
        definition(
            node("a", "command", argv=stderr_lines("a one", "a two", "a three")),
            node("b", "command", ("a",), argv=stderr_lines("b one")),
        ),
    )
    created = await client.execute(token, dag_id)
    assert await client.finished(token, created["id"]) == "SUCCEEDED"

    async def logs(**variables: Any) -> list[dict[str, Any]]:
        query = {"nodeId": None, "mapIndex": None, "after": -1, "first": 1000} | variables
        lines: list[dict[str, Any]] = (await client.ok(LOGS, token, id=created["id"], **query))["execution"][
            "logs"
        ]
        return lines

    everything = await logs()
    assert [(x["nodeId"], x["attempt"], x["line"]) for x in everything] == [
        ("a", 1, "a one"),
        ("a", 1, "a two"),
        ("a", 1, "a three"),
        ("b", 1, "b one"),
    ]
    sequences = [x["sequence"] for x in everything]
    assert sequences == sorted(sequences)
    assert [x["line"] for x in await logs(nodeId="b")] == ["b one"]
    first_page = await logs(nodeId="a", first=2)
    rest = await logs(nodeId="a", after=first_page[-1]["sequence"])
    assert [x["line"] for x in first_page + rest] == ["a one", "a two", "a three"]
    # The lines are events of the log like any other: the projections still match it.
    report = (await client.ok(REPLAY, token, id=created["id"]))["replayExecution"]
    assert report["matches"], report["differences"]


async def test_log_requests_outside_the_limits_are_refused_naming_the_field(client: Client) -> None:
    token, _, _ = await client.sign_up()
    dag_id = await client.dag(token, definition(node("a")))
    created = await client.execute(token, dag_id)
    await client.finished(token, created["id"])
    too_many = await client.gql(
        LOGS, token, id=created["id"], after=-1, first=5001, nodeId=None, mapIndex=None
    )
    assert too_many["errors"][0]["extensions"]["details"]["field"] == "first"
    orphan = await client.gql(LOGS, token, id=created["id"], after=-1, first=10, nodeId=None, mapIndex=0)
    assert orphan["errors"][0]["extensions"]["details"]["field"] == "mapIndex"


async def test_python_task_type_nodes_execute_through_the_api(
    serve: Serve, db_url: str, tmp_path: Path
) -> None:
    # The gateway reads only a version's parameters: it needs no task type of the nodes.
    settings = Settings(
        env=Environment.TEST,
        database_url=db_url,
        data_dir=tmp_path / "data",
        allowed_callable_modules="statistics",
    )
    app = create_app(settings)
    async with serve(app) as http:
        client = Client(http, app)
        token, _, _ = await client.sign_up()
        mean = {"id": "mean", "task": {"type": "python", "config": {"function": "statistics:mean"}}}
        mean["params"] = {"data": {"$param": "values"}}
        dag_id = await client.dag(
            token, definition(mean, params={"values": {"type": "array", "default": [1, 2, 6]}})
        )
        created = await client.execute(token, dag_id)
        assert await client.finished(token, created["id"]) == "SUCCEEDED"
        nodes = (await client.ok(EXECUTION, token, id=created["id"], first=1))["execution"]["nodes"]
        assert [(n["nodeId"], n["result"]) for n in nodes] == [("mean", 3)]
