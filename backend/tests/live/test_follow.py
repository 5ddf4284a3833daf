"""The gap-free followers on a real database (both backends) and an in-process bus: what the
bus duplicates is dropped, what it loses is read from the log, and the end is found even when
its announcement is lost."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from open_backend.db.models import ExecutionStatus
from open_backend.errors import NotFound
from open_backend.live.follow import follow_events, follow_execution, follow_organization, wake_ups
from open_backend.live.local_bus import LocalEventBus
from open_backend.live.publish import (
    execution_channel,
    organization_channel,
    publish_events,
    publish_execution,
)

if TYPE_CHECKING:
    from conftest import Store

T = TypeVar("T")

#: Idle re-check interval of the followers under test, in seconds.
IDLE_S = 0.05


async def wait_until(condition: Callable[[], bool], deadline_s: float = 2.0) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, "the condition never held"
        await asyncio.sleep(0.001)


async def until_subscribed(bus: LocalEventBus, channel: str) -> None:
    await wait_until(lambda: bus.subscriber_count(channel) > 0)


@contextlib.asynccontextmanager
async def consuming(items: AsyncIterator[T]) -> AsyncIterator[tuple[list[T], asyncio.Task[None]]]:
    """Collect ``items`` in a task for the block: ``(collected so far, the task)``."""
    collected: list[T] = []

    async def consume() -> None:
        async for item in items:
            collected.append(item)  # noqa: PERF401 - visible to the test while the items come

    task = asyncio.create_task(consume())
    try:
        yield collected, task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_stored_events_come_first_then_live_ones_without_duplicates(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    first = await store.events(execution_id, range(3))
    follower = follow_events(bus, store.sessions, principal, execution_id, idle_s=IDLE_S)

    async with consuming(follower) as (events, task):
        await until_subscribed(bus, execution_channel(execution_id))
        publish_events(bus, execution_id, first[1:])  # already read from the log
        later = await store.events(execution_id, range(3, 6), finished=True)
        publish_events(bus, execution_id, later)
        publish_events(bus, execution_id, later)  # delivered twice
        await asyncio.wait_for(task, 2)

    assert [event.sequence for event in events] == [0, 1, 2, 3, 4, 5]
    assert events[-1].kind == "run_finished"


async def test_a_gap_in_live_events_is_read_from_the_log(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    follower = follow_events(bus, store.sessions, principal, execution_id, idle_s=10)

    async with consuming(follower) as (events, task):
        await until_subscribed(bus, execution_channel(execution_id))
        await store.events(execution_id, range(2))  # announced on a bus that lost it
        rest = await store.events(execution_id, range(2, 4), finished=True)
        publish_events(bus, execution_id, rest)
        await asyncio.wait_for(task, 2)  # well before the idle re-check

    assert [event.sequence for event in events] == [0, 1, 2, 3]


async def test_the_end_is_found_when_idle_after_its_announcement_was_lost(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    follower = follow_events(bus, store.sessions, principal, execution_id, idle_s=IDLE_S)

    async with consuming(follower) as (events, task):
        await until_subscribed(bus, execution_channel(execution_id))
        await store.events(execution_id, range(3), finished=True)  # never announced
        await asyncio.wait_for(task, 2)

    assert [event.sequence for event in events] == [0, 1, 2]


async def test_events_after_a_sequence_skip_the_ones_up_to_it(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    await store.events(execution_id, range(5), finished=True)

    events = [e async for e in follow_events(bus, store.sessions, principal, execution_id, after_sequence=2)]

    assert [event.sequence for event in events] == [3, 4]


async def test_an_execution_ended_without_events_ends_the_follower_at_once(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal, ExecutionStatus.CANCELLED)  # cancelled while queued

    events = [e async for e in follow_events(bus, store.sessions, principal, execution_id, idle_s=10)]

    assert events == []


async def test_an_ended_status_announced_live_ends_the_follower(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    follower = follow_events(bus, store.sessions, principal, execution_id, idle_s=10)

    async with consuming(follower) as (events, task):
        await until_subscribed(bus, execution_channel(execution_id))
        await store.events(execution_id, range(2))
        await store.end(execution_id, ExecutionStatus.CANCELLED)  # e.g. its worker died
        publish_execution(bus, principal.organization_id, execution_id, "cancelled")
        await asyncio.wait_for(task, 2)

    assert [event.sequence for event in events] == [0, 1]


@pytest.mark.parametrize(
    "follow",
    [
        lambda bus, store, principal, execution_id: follow_events(
            bus, store.sessions, principal, execution_id
        ),
        lambda bus, store, principal, execution_id: follow_execution(
            bus, store.sessions, principal, execution_id
        ),
    ],
    ids=["events", "execution"],
)
async def test_an_execution_of_another_organization_is_not_found(
    store: Store, follow: Callable[..., AsyncIterator[Any]]
) -> None:
    owner = await store.principal()
    execution_id = await store.execution(owner)
    stranger = await store.principal()

    with pytest.raises(NotFound):
        await anext(follow(LocalEventBus(), store, stranger, execution_id))


async def test_follow_execution_yields_now_then_per_message_until_terminal(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    follower = follow_execution(bus, store.sessions, principal, execution_id, idle_s=10)

    async with consuming(follower) as (rows, task):
        await until_subscribed(bus, execution_channel(execution_id))
        await asyncio.sleep(0.01)
        publish_events(bus, execution_id, await store.events(execution_id, range(2)))
        await wait_until(lambda: len(rows) == 2)
        publish_events(bus, execution_id, await store.events(execution_id, range(2, 3), finished=True))
        await asyncio.wait_for(task, 2)

    assert [row.status for row in rows] == [
        ExecutionStatus.RUNNING,
        ExecutionStatus.RUNNING,
        ExecutionStatus.SUCCEEDED,
    ]


async def test_follow_execution_notices_a_status_change_when_idle(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    execution_id = await store.execution(principal)
    follower = follow_execution(bus, store.sessions, principal, execution_id, idle_s=IDLE_S)

    async with consuming(follower) as (rows, task):
        await until_subscribed(bus, execution_channel(execution_id))
        await asyncio.sleep(2 * IDLE_S)  # idle re-checks with no change yield nothing
        await store.end(execution_id, ExecutionStatus.FAILED)  # never announced
        await asyncio.wait_for(task, 2)

    assert [row.status for row in rows] == [ExecutionStatus.RUNNING, ExecutionStatus.FAILED]


async def test_follow_organization_yields_announced_executions_of_the_organization_only(store: Store) -> None:
    bus = LocalEventBus()
    principal = await store.principal()
    mine = await store.execution(principal)
    stranger = await store.principal()
    theirs = await store.execution(stranger)
    channel = organization_channel(principal.organization_id)

    async with consuming(follow_organization(bus, store.sessions, principal)) as (rows, _):
        await until_subscribed(bus, channel)
        bus.publish(channel, {"type": "execution", "id": theirs.hex, "status": "running"})  # wrong channel
        bus.publish(channel, {"type": "execution", "id": "not-an-id", "status": "running"})
        bus.publish(channel, {"type": "events", "events": []})
        publish_execution(bus, principal.organization_id, mine, "running")
        await wait_until(lambda: bool(rows))

    assert [row.id for row in rows] == [mine]


async def test_wake_ups_yield_none_when_idle_and_lose_no_message() -> None:
    bus = LocalEventBus()
    async with bus.subscribe("c") as messages, contextlib.aclosing(wake_ups(messages, 0.02)) as wakes:
        assert await anext(wakes) is None
        bus.publish("c", {"n": 1})
        assert await anext(wakes) == {"n": 1}
        assert await anext(wakes) is None
        await bus.close()
        with pytest.raises(StopAsyncIteration):
            await anext(wakes)
