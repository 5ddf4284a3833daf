"""Client (blocking) against the served app: the same operations as AsyncClient, minus await."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from open_sdk import AuthenticationError, Client, ExecutionStatus, NotFound, ValidationError

if TYPE_CHECKING:
    from conftest import Caller, ServedApp


def test_deploy_execute_wait_and_events_block_until_done(server: ServedApp, caller: Caller) -> None:
    raw = server.definition(
        server.unique("etl"), server.node("a", result=7), server.node("b", depends_on=("a",))
    )
    with Client(server.url, api_key=caller.api_key) as client:
        first = client.deploy(raw)
        second = client.deploy(raw)
        execution = client.execute(raw["name"])
        ended = client.wait(execution.id, timeout=30)
        sequences = [event.sequence for event in client.events(execution.id)]
        updates = list(client.execution_updates(execution.id))

    assert (first.outcome, second.outcome) == ("created", "unchanged")
    assert ended.status is ExecutionStatus.SUCCEEDED and ended.results["a"] == 7
    assert sequences == list(range(len(sequences))) and len(sequences) > 2
    assert [update.status for update in updates] == [ExecutionStatus.SUCCEEDED]


def test_an_iterator_left_early_closes_its_subscription(server: ServedApp, caller: Caller) -> None:
    raw = server.definition(server.unique("etl"), server.node("a"))
    with Client(server.url, api_key=caller.api_key) as client:
        execution = client.execute(client.deploy(raw).dag)
        for event in client.events(execution.id):
            assert event.sequence == 0
            break
        assert client.wait(execution.id, timeout=30).status is ExecutionStatus.SUCCEEDED


def test_errors_are_the_same_typed_exceptions(server: ServedApp, caller: Caller) -> None:
    raw = server.definition(
        server.unique("p"), server.node("a"), params={"n": {"type": "integer", "required": True}}
    )
    with Client(server.url, api_key=caller.api_key) as client:
        client.deploy(raw)
        with pytest.raises(ValidationError) as raised:
            client.execute(raw["name"], params={})
        with pytest.raises(NotFound):
            client.dag("no-such-dag")
    with Client(server.url, token="not-a-token") as anonymous, pytest.raises(AuthenticationError):
        anonymous.dags()

    assert raised.value.field == "params" and "n" in raised.value.params


async def test_the_sync_client_works_inside_a_running_event_loop(server: ServedApp, caller: Caller) -> None:
    with Client(server.url, token=caller.token, organization=caller.organization_id) as client:
        assert client.dags() == []
        assert asyncio.get_running_loop().is_running()


def test_a_closed_client_refuses_calls(server: ServedApp, caller: Caller) -> None:
    client = Client(server.url, api_key=caller.api_key)
    client.close()
    client.close()  # closing twice is harmless

    with pytest.raises(RuntimeError, match="closed"):
        client.dags()
