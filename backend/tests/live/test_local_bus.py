"""The in-process bus: fan-out in order, bounded queues that drop for the slow subscriber only,
and rate-limited warnings about drops."""

from __future__ import annotations

import asyncio
import logging

import pytest

from open_backend.live.local_bus import DropCounter, LocalEventBus


async def test_every_subscriber_gets_every_message_in_order() -> None:
    bus = LocalEventBus()
    async with bus.subscribe("c") as first, bus.subscribe("c") as second, bus.subscribe("other") as other:
        for n in range(3):
            bus.publish("c", {"n": n})
        assert [await anext(first) for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
        assert [await anext(second) for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(other), 0.01)


async def test_a_full_queue_drops_for_its_subscriber_only() -> None:
    bus = LocalEventBus(queue_size=2)
    async with bus.subscribe("c") as slow, bus.subscribe("c") as fast:
        bus.publish("c", {"n": 0})
        assert await anext(fast) == {"n": 0}
        bus.publish("c", {"n": 1})
        bus.publish("c", {"n": 2})  # slow's queue is full now
        assert [await anext(fast) for _ in range(2)] == [{"n": 1}, {"n": 2}]
        assert [await anext(slow) for _ in range(2)] == [{"n": 0}, {"n": 1}]
    assert bus.drops.dropped == 1


async def test_a_cancelled_wait_loses_no_message() -> None:
    bus = LocalEventBus()
    async with bus.subscribe("c") as messages:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(messages), 0.01)
        bus.publish("c", {"n": 1})
        assert await anext(messages) == {"n": 1}


async def test_leaving_the_block_unsubscribes() -> None:
    bus = LocalEventBus()
    async with bus.subscribe("c"):
        assert bus.subscriber_count("c") == 1
    assert bus.subscriber_count("c") == 0
    bus.publish("c", {"n": 1})  # nobody listens: dropped silently


async def test_close_ends_every_subscription_after_what_it_holds() -> None:
    bus = LocalEventBus(queue_size=1)
    async with bus.subscribe("c") as messages:
        bus.publish("c", {"n": 1})
        await bus.close()
        assert [message async for message in messages] == []  # the full queue made room for the end
    async with bus.subscribe("c") as late:
        assert [message async for message in late] == []


def test_drop_warnings_are_rate_limited_and_count_what_they_skipped(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    drops = DropCounter("the test bus", interval_s=10, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="open_backend.live.local_bus"):
        drops.add(1, "full")
        drops.add(2, "full")
        now[0] = 10.0
        drops.add(1, "full")
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "the test bus dropped 1 message(s)",
        "the test bus dropped 3 message(s)",
    ]
    assert drops.dropped == 4
