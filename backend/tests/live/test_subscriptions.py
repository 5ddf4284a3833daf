"""Subscriptions end to end: the app served by uvicorn, real HTTP, and a real graphql-transport-ws
client (gql over websockets), on PostgreSQL and SQLite. Executions run in the app's in-process
executor and are announced on its in-process bus."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from websockets.exceptions import ConnectionClosed

from open_backend.live.bus import EventBus
from open_backend.live.local_bus import LocalEventBus
from open_backend.live.publish import execution_channel, organization_channel

if TYPE_CHECKING:
    from conftest import Caller, Served

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVENTS = """
subscription($id: ID!, $after: Int) {
  executionEvents(executionId: $id, afterSequence: $after) { sequence kind ts payload }
}
"""
UPDATED = (
    "subscription($id: ID!) { executionUpdated(executionId: $id) { id status nodes { nodeId status } } }"
)
ORGANIZATION = "subscription { organizationExecutions { id status } }"


def sequences(results: list[dict[str, Any]]) -> list[int]:
    return [result["executionEvents"]["sequence"] for result in results]


async def wait_until(condition: Callable[[], bool], deadline_s: float = 5.0) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, "the condition never held"
        await asyncio.sleep(0.005)


def close_code(error: BaseException) -> int | None:
    """The close code the server sent, from gql's error about the closed websocket."""
    cause = error.__cause__
    assert isinstance(cause, ConnectionClosed), error
    return cause.rcvd.code if cause.rcvd is not None else None


def local_bus(served: Served) -> LocalEventBus:
    bus = served.app.state.bus
    assert isinstance(bus, LocalEventBus)
    return bus


@contextlib.asynccontextmanager
async def running(coroutine: Any) -> AsyncIterator[asyncio.Task[Any]]:
    """Run ``coroutine`` as a task for the block; cancelled if still going at the end."""
    task = asyncio.ensure_future(coroutine)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_late_subscriber_gets_the_stored_events_then_live_ones_exactly_once(
    served: Served, alice: Caller
) -> None:
    execution_id = await served.execute(alice, await served.dag(alice, served.chain(4, 0.1)))
    await served.wait_for_events(alice, execution_id, 3)
    assert await served.status(alice, execution_id) == "RUNNING"

    results = await served.collect(served.bearer(alice.token), EVENTS, id=execution_id)

    assert sequences(results) == list(range(len(results)))
    assert sequences(results) == await served.stored_sequences(alice, execution_id)
    assert results[0]["executionEvents"]["kind"] == "run_started"
    assert results[-1]["executionEvents"]["kind"] == "run_finished"
    assert results[-1]["executionEvents"]["payload"]["seq"] == len(results) - 1


async def test_resubscribing_after_sequence_k_gets_k_plus_one_on_without_duplicates(
    served: Served, alice: Caller
) -> None:
    execution_id = await served.execute(alice, await served.dag(alice, served.chain(4, 0.1)))
    first = await served.collect(served.bearer(alice.token), EVENTS, limit=3, id=execution_id)
    last = first[-1]["executionEvents"]["sequence"]

    key = await served.api_key(alice, role="VIEWER")  # viewers may subscribe
    rest = await served.collect(served.bearer(key), EVENTS, id=execution_id, after=last)

    assert sequences(first) == [0, 1, 2]
    assert sequences(first + rest) == await served.stored_sequences(alice, execution_id)
    assert rest[-1]["executionEvents"]["kind"] == "run_finished"


class DroppingBus:
    """The app's bus, except that once armed it drops the next batch of events."""

    def __init__(self, inner: EventBus) -> None:
        self.inner = inner
        self.armed = False
        self.dropped: list[dict[str, Any]] = []

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        if self.armed and not self.dropped and message["type"] == "events":
            self.dropped.append(message)
            return
        self.inner.publish(channel, message)

    def subscribe(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        return self.inner.subscribe(channel)


async def test_a_batch_dropped_by_the_bus_is_filled_from_the_log(served: Served, alice: Caller) -> None:
    deps = served.app.state.executor.deps
    dropping = DroppingBus(deps.bus)
    deps.bus = dropping
    try:
        dag_id = await served.dag(
            alice,
            served.definition(served.node("wait", "sleep", seconds=0.3), *served.chain(3, 0.05)["nodes"]),
        )
        execution_id = await served.execute(alice, dag_id)
        channel = execution_channel(uuid.UUID(execution_id))
        async with running(served.collect(served.bearer(alice.token), EVENTS, id=execution_id)) as task:
            await wait_until(lambda: local_bus(served).subscriber_count(channel) == 1)
            dropping.armed = True  # the follower is subscribed: it would get the next batch live
            results = await task
    finally:
        deps.bus = dropping.inner

    assert [payload["seq"] for payload in dropping.dropped[0]["events"]]  # a real batch was lost
    assert sequences(results) == await served.stored_sequences(alice, execution_id)
    assert sequences(results) == list(range(len(results)))


async def test_execution_updated_gives_the_state_now_then_each_change_until_it_ends(
    served: Served, alice: Caller
) -> None:
    execution_id = await served.execute(alice, await served.dag(alice, served.chain(2, 0.1)))

    results = await served.collect(served.bearer(alice.token), UPDATED, id=execution_id)

    statuses = [result["executionUpdated"]["status"] for result in results]
    assert statuses[0] in {"QUEUED", "RUNNING"}
    assert statuses[-1] == "SUCCEEDED"
    assert len(results) > 2  # a result per batch of events, not only per status
    assert {node["status"] for node in results[-1]["executionUpdated"]["nodes"]} == {"SUCCEEDED"}


async def test_an_ended_execution_is_streamed_whole_and_completes_at_once(
    served: Served, alice: Caller
) -> None:
    execution_id = await served.execute(alice, await served.dag(alice, served.definition(served.node("a"))))
    await served.wait_for(alice, execution_id, {"SUCCEEDED"})
    client = served.bearer(alice.token, organization=alice.organization_id)

    events = await served.collect(client, EVENTS, deadline_s=0.5, id=execution_id)
    updates = await served.collect(client, UPDATED, deadline_s=0.5, id=execution_id)

    assert sequences(events) == await served.stored_sequences(alice, execution_id)
    assert [update["executionUpdated"]["status"] for update in updates] == ["SUCCEEDED"]


async def test_organization_executions_sees_an_execution_created_and_finished(
    served: Served, alice: Caller
) -> None:
    dag_id = await served.dag(alice, served.chain(2, 0.05))
    channel = organization_channel(uuid.UUID(alice.organization_id))
    seen: list[dict[str, Any]] = []

    async def watch() -> None:
        async with served.bearer(alice.token) as session:
            async for result in session.subscribe(GraphQLRequest(ORGANIZATION)):
                seen.append(result["organizationExecutions"])  # noqa: PERF401 - read while it runs

    async with running(watch()):
        await wait_until(lambda: local_bus(served).subscriber_count(channel) == 1)
        execution_id = await served.execute(alice, dag_id)
        await wait_until(lambda: any(e == {"id": execution_id, "status": "SUCCEEDED"} for e in seen))

    statuses = [e["status"] for e in seen if e["id"] == execution_id]
    assert statuses[0] in {"QUEUED", "RUNNING"}
    assert statuses[-1] == "SUCCEEDED"


@pytest.mark.parametrize("query", [EVENTS, UPDATED])
async def test_an_execution_of_another_organization_is_not_found(
    served: Served, alice: Caller, bob: Caller, query: str
) -> None:
    execution_id = await served.execute(alice, await served.dag(alice, served.definition(served.node("a"))))

    with pytest.raises(TransportQueryError) as raised:
        await served.collect(served.bearer(bob.token), query, id=execution_id)

    assert raised.value.errors is not None
    assert [error["extensions"]["code"] for error in raised.value.errors] == ["NOT_FOUND"]


async def test_a_malformed_execution_id_is_not_found(served: Served, alice: Caller) -> None:
    with pytest.raises(TransportQueryError) as raised:
        await served.collect(served.bearer(alice.token), EVENTS, id="not-an-id")

    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"authorization": "Bearer not-a-token"},
        {"authorization": "Basic dXNlcjpwYXNz"},
        {"authorization": "Bearer open_0123456789abcdef_wrongsecretwrongsecretwrongsecret"},
        {"authorization": 42},
    ],
    ids=["missing", "bad-jwt", "not-bearer", "unknown-api-key", "not-a-string"],
)
async def test_bad_or_missing_credentials_are_refused_at_connection_init(
    served: Served, payload: dict[str, Any]
) -> None:
    with pytest.raises(TransportConnectionFailed) as raised:
        async with served.ws(payload):
            pass

    assert close_code(raised.value) == 4403


async def test_an_organization_the_user_is_not_a_member_of_is_refused(
    served: Served, alice: Caller, bob: Caller
) -> None:
    with pytest.raises(TransportConnectionFailed) as raised:
        async with served.bearer(alice.token, organization=bob.organization_id):
            pass

    assert close_code(raised.value) == 4403


async def test_mutations_are_refused_over_the_websocket(served: Served, alice: Caller) -> None:
    dag_id = await served.dag(alice, served.definition(served.node("a")))
    mutation = GraphQLRequest(
        "mutation($i: ExecuteDagInput!) { executeDag(input: $i) { id } }",
        variable_values={"i": {"dagId": dag_id}},
    )

    async with served.bearer(alice.token) as session:
        with pytest.raises(TransportQueryError) as raised:
            await session.execute(mutation)

    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "VALIDATION_FAILED"
