"""AsyncClient against the served app: deploy, execute, wait, events, errors."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest

from open_sdk import (
    AsyncClient,
    AuthenticationError,
    Conflict,
    ExecutionStatus,
    NetworkError,
    NotFound,
    ValidationError,
    WaitTimeout,
)

if TYPE_CHECKING:
    from conftest import Caller, ServedApp


def chain(server: ServedApp, name: str, count: int, seconds: float) -> dict[str, Any]:
    """``count`` sleep nodes one after the other."""
    ids = [f"n{i}" for i in range(count)]
    return server.definition(
        name,
        *(server.node(i, "sleep", (ids[k - 1],) if k else (), seconds=seconds) for k, i in enumerate(ids)),
    )


def client_of(server: ServedApp, caller: Caller) -> AsyncClient:
    return AsyncClient(server.url, api_key=caller.api_key)


async def test_deploying_the_same_definition_twice_creates_one_version(
    server: ServedApp, caller: Caller
) -> None:
    raw = server.definition(server.unique("etl"), server.node("a", result=1))
    async with client_of(server, caller) as client:
        first = await client.deploy(raw, message="first")
        again = await client.deploy(raw, message="again")
        dag = await client.dag(raw["name"])

    assert (first.outcome, first.version.version, first.version.message) == ("created", 1, "first")
    assert (again.outcome, again.created_version, again.version.id) == ("unchanged", False, first.version.id)
    assert dag.latest_version.version == 1


async def test_deploying_a_changed_definition_creates_the_next_version(
    server: ServedApp, caller: Caller
) -> None:
    name = server.unique("etl")
    async with client_of(server, caller) as client:
        await client.deploy(server.definition(name, server.node("a", result=1)))
        changed = await client.deploy(
            server.definition(name, server.node("a", result=2)), message="new result"
        )
        unchanged = await client.deploy(server.definition(name, server.node("a", result=2)))

    assert (changed.outcome, changed.version.version, changed.version.message) == ("updated", 2, "new result")
    assert (unchanged.outcome, unchanged.version.version) == ("unchanged", 2)
    assert (
        changed.version.content_hash != (await_hash := changed.dag.latest_version.content_hash) or await_hash
    )


async def test_deploy_with_activate_makes_the_version_active(server: ServedApp, caller: Caller) -> None:
    name = server.unique("etl")
    async with client_of(server, caller) as client:
        await client.deploy(server.definition(name, server.node("a")), activate=True)
        second = await client.deploy(server.definition(name, server.node("b")), activate=True)

    assert second.dag.status == "ACTIVE"
    assert second.dag.active_version is not None and second.dag.active_version.version == 2


async def test_an_invalid_definition_is_refused_with_its_issues(server: ServedApp, caller: Caller) -> None:
    raw = server.definition(server.unique("bad"), server.node("a", depends_on=("missing",)))
    async with client_of(server, caller) as client:
        with pytest.raises(ValidationError) as raised:
            await client.deploy(raw)
        assert await client.dags(search=raw["name"]) == []

    assert [(issue["code"], issue["node_id"]) for issue in raised.value.issues] == [
        ("unknown_dependency", "a")
    ]


async def test_execute_then_wait_returns_the_succeeded_execution_with_node_results(
    server: ServedApp, caller: Caller
) -> None:
    raw = server.definition(
        server.unique("etl"),
        server.node("a", result={"rows": 3}),
        server.node("b", depends_on=("a",), result="done"),
    )
    async with client_of(server, caller) as client:
        deployed = await client.deploy(raw)
        started = await client.execute(raw["name"], idempotency_key=server.unique("key"))
        ended = await client.wait(started.id, timeout=30)
        listed = await client.executions(dag=deployed.dag)

    assert started.status in {ExecutionStatus.QUEUED, ExecutionStatus.RUNNING}
    assert ended.status is ExecutionStatus.SUCCEEDED
    assert ended.results == {"a": {"rows": 3}, "b": "done"}
    assert ended.node("b").attempts == 1
    assert [execution.id for execution in listed] == [started.id]


async def test_events_are_the_whole_log_in_order_with_no_gap(server: ServedApp, caller: Caller) -> None:
    raw = chain(server, server.unique("chain"), 3, 0.05)
    async with client_of(server, caller) as client:
        await client.deploy(raw)
        execution = await client.execute(raw["name"])
        events = [event async for event in client.events(execution.id)]
        resumed = [event async for event in client.events(execution.id, after_sequence=4)]

    assert [event.sequence for event in events] == list(range(len(events)))
    assert events[0].kind == "run_started" and events[-1].is_final
    assert {event.node_id for event in events if event.kind == "node_succeeded"} == {"n0", "n1", "n2"}
    assert [event.sequence for event in resumed] == list(range(5, len(events)))


async def test_execution_updates_end_with_the_ended_execution(server: ServedApp, caller: Caller) -> None:
    raw = chain(server, server.unique("chain"), 2, 0.05)
    async with client_of(server, caller) as client:
        await client.deploy(raw)
        execution = await client.execute(raw["name"])
        updates = [update async for update in client.execution_updates(execution.id)]

    assert updates[-1].status is ExecutionStatus.SUCCEEDED
    assert all(not update.ended for update in updates[:-1])


async def test_wait_gives_up_after_its_timeout(server: ServedApp, caller: Caller) -> None:
    raw = server.definition(server.unique("slow"), server.node("a", "sleep", seconds=5))
    async with client_of(server, caller) as client:
        await client.deploy(raw)
        execution = await client.execute(raw["name"])
        with pytest.raises(WaitTimeout, match=execution.id):
            await client.wait(execution.id, timeout=0.2)
        await client.cancel(execution.id)
        cancelled = await client.wait(execution.id, timeout=30)
        with pytest.raises(Conflict):
            await client.cancel(execution.id)
        retried = await client.retry(execution.id)

    assert cancelled.status is ExecutionStatus.CANCELLED
    assert retried.retry_of_id == execution.id


async def test_bad_params_are_a_validation_error_naming_the_parameter(
    server: ServedApp, caller: Caller
) -> None:
    raw = server.definition(
        server.unique("p"), server.node("a"), params={"n": {"type": "integer", "required": True}}
    )
    async with client_of(server, caller) as client:
        await client.deploy(raw)
        with pytest.raises(ValidationError) as raised:
            await client.execute(raw["name"], params={"n": "three"})

    assert raised.value.field == "params"
    assert list(raised.value.params) == ["n"]


async def test_an_unknown_dag_is_not_found_by_name_and_by_id(server: ServedApp, caller: Caller) -> None:
    async with client_of(server, caller) as client:
        with pytest.raises(NotFound, match="no-such-dag"):
            await client.dag("no-such-dag")
        with pytest.raises(NotFound):
            await client.execute("01900000-0000-7000-8000-000000000000")


async def test_a_dag_of_another_organization_is_not_found(server: ServedApp, caller: Caller) -> None:
    raw = server.definition(server.unique("mine"), server.node("a"))
    async with client_of(server, caller) as mine, client_of(server, server.sign_up()) as theirs:
        deployed = await mine.deploy(raw)
        with pytest.raises(NotFound):
            await theirs.dag(deployed.dag.id)


async def test_a_bad_api_key_is_an_authentication_error_over_http_and_websocket(server: ServedApp) -> None:
    bad = "open_0123456789abcdef_wrongsecretwrongsecretwrongsecret"
    async with AsyncClient(server.url, api_key=bad) as client:
        with pytest.raises(AuthenticationError) as over_http:
            await client.dags()
        with pytest.raises(AuthenticationError):
            _ = [event async for event in client.events("01900000-0000-7000-8000-000000000000")]

    assert over_http.value.code == "UNAUTHENTICATED"


async def test_a_viewer_key_may_read_but_not_deploy(server: ServedApp) -> None:
    from open_sdk import PermissionDenied

    viewer = server.sign_up(role="VIEWER")
    async with AsyncClient(server.url, api_key=viewer.api_key) as client:
        assert await client.dags() == []
        with pytest.raises(PermissionDenied):
            await client.deploy(server.definition(server.unique("x"), server.node("a")))


async def test_an_unreachable_server_is_a_network_error_naming_the_url() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    async with AsyncClient(f"http://127.0.0.1:{port}", api_key="k", timeout=2) as client:
        with pytest.raises(NetworkError, match=f"127.0.0.1:{port}/graphql"):
            await client.dags()


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        AsyncClient("ftp://example.org")


def test_the_server_url_and_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_SERVER_URL", "https://open.example.org/")
    monkeypatch.setenv("OPEN_API_KEY", "from-env")
    client = AsyncClient()

    assert client.url == "https://open.example.org/graphql"
    assert client._transport.headers["Authorization"] == "Bearer from-env"


async def test_wait_polls_when_the_websocket_fails(
    server_without_websockets: ServedApp, caller: Caller
) -> None:
    served = server_without_websockets
    raw = served.definition(served.unique("etl"), served.node("a", "sleep", seconds=0.2))
    async with AsyncClient(served.url, api_key=caller.api_key) as client:
        await client.deploy(raw)
        execution = await client.execute(raw["name"])
        ended = await client.wait(execution.id, timeout=30, poll_interval=0.05)
        with pytest.raises(NetworkError, match="websocket"):
            _ = [event async for event in client.events(execution.id, reconnects=0)]

    assert ended.status is ExecutionStatus.SUCCEEDED


async def test_an_unknown_execution_is_not_found_over_the_websocket_too(
    server: ServedApp, caller: Caller
) -> None:
    async with client_of(server, caller) as client:
        with pytest.raises(NotFound):
            _ = [event async for event in client.events("01900000-0000-7000-8000-000000000000")]
        with pytest.raises(NotFound):
            await client.wait("01900000-0000-7000-8000-000000000000", timeout=30)


async def test_a_repeated_idempotency_key_returns_the_first_execution(
    server: ServedApp, caller: Caller
) -> None:
    raw = server.definition(server.unique("etl"), server.node("a"))
    key = server.unique("key")
    async with client_of(server, caller) as client:
        deployed = await client.deploy(raw)
        first = await client.execute(deployed.dag, idempotency_key=key)
        second = await client.execute(deployed.dag.id, idempotency_key=key)

    assert second.id == first.id
