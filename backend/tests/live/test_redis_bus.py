"""The Redis bus on real Redis servers: delivery across bus instances (as across processes),
channel prefixes, reconnection after a killed connection or a restarted server, and publishing
that never blocks or raises. Every test uses its own channel prefix (or its own server)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import pytest
from redis.asyncio import Redis

from open_backend.live.follow import follow_events
from open_backend.live.publish import execution_channel, publish_events
from open_backend.live.redis_bus import RedisEventBus

if TYPE_CHECKING:
    from servers import RedisServer

    from conftest import Store


@contextlib.asynccontextmanager
async def started(url: str, **options: Any) -> AsyncIterator[RedisEventBus]:
    bus = RedisEventBus(url, reconnect_delay_s=0.02, **options)
    await bus.start()
    try:
        yield bus
    finally:
        await bus.close()


async def next_within(messages: AsyncIterator[dict[str, Any]], seconds: float = 2.0) -> dict[str, Any]:
    return await asyncio.wait_for(anext(messages), seconds)


async def publish_until_received(
    publisher: RedisEventBus, messages: AsyncIterator[dict[str, Any]], channel: str, deadline_s: float = 3.0
) -> dict[str, Any]:
    """Publish ``{"n": i}`` every 20 ms until the subscription gets one; returns it."""
    end = time.monotonic() + deadline_s
    n = 0
    while True:
        publisher.publish(channel, {"n": n})
        n += 1
        with contextlib.suppress(TimeoutError):
            return await next_within(messages, 0.02)
        assert time.monotonic() < end, "the subscriber never got a message again"


async def test_a_message_crosses_from_one_bus_to_another_in_order(redis_url: str, prefix: str) -> None:
    async with (
        started(redis_url, prefix=prefix) as publisher,
        started(redis_url, prefix=prefix) as subscriber,
        subscriber.subscribe("c") as messages,
        subscriber.subscribe("c") as again,
    ):
        for n in range(5):
            publisher.publish("c", {"n": n, "text": "é"})
        assert [await next_within(messages) for _ in range(5)] == [{"n": n, "text": "é"} for n in range(5)]
        assert [(await next_within(again))["n"] for _ in range(5)] == list(range(5))


async def test_buses_with_other_prefixes_do_not_hear_each_other(redis_url: str, prefix: str) -> None:
    async with (
        started(redis_url, prefix=prefix) as publisher,
        started(redis_url, prefix=prefix + "other:") as stranger,
        started(redis_url, prefix=prefix) as subscriber,
        stranger.subscribe("c") as theirs,
        subscriber.subscribe("c") as ours,
    ):
        publisher.publish("c", {"n": 1})
        assert await next_within(ours) == {"n": 1}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(theirs), 0.1)


async def test_unsubscribing_the_last_local_subscriber_unsubscribes_in_redis(
    redis_url: str, prefix: str
) -> None:
    async with started(redis_url, prefix=prefix) as bus, Redis.from_url(redis_url) as admin:
        async with bus.subscribe("c"):
            assert (await admin.pubsub_numsub(prefix + "c")) == [((prefix + "c").encode(), 1)]
        for _ in range(100):
            if (await admin.pubsub_numsub(prefix + "c")) == [((prefix + "c").encode(), 0)]:
                break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the channel is still subscribed in redis")


async def test_the_subscriber_reconnects_after_its_connection_is_killed(
    redis_server: RedisServer,
) -> None:
    url = redis_server.url
    async with (
        started(url) as publisher,
        started(url) as subscriber,
        Redis.from_url(url) as admin,
        subscriber.subscribe("c") as messages,
    ):
        publisher.publish("c", {"n": -1})
        assert await next_within(messages) == {"n": -1}

        assert await admin.client_kill_filter(_type="pubsub") == 2  # each bus's subscriber connection

        assert "n" in await publish_until_received(publisher, messages, "c")


async def test_both_sides_recover_after_redis_restarts(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = redis_server.url
    async with started(url) as publisher, started(url) as subscriber, subscriber.subscribe("c") as messages:
        redis_server.kill()
        publisher.publish("c", {"n": "lost"})  # neither blocks nor raises
        await asyncio.sleep(0.1)
        redis_server.start(wait=False)
        assert "n" in await publish_until_received(publisher, messages, "c", deadline_s=5)
    assert publisher.drops.dropped >= 1
    assert any("dropped" in record.getMessage() for record in caplog.records)


async def test_publishing_never_blocks_or_raises_when_redis_is_unreachable(
    unreachable_redis_url: str,
) -> None:
    bus = RedisEventBus(unreachable_redis_url, subscribe_timeout_s=0.05)
    await bus.start()
    started_at = time.monotonic()
    for n in range(1000):
        bus.publish("c", {"n": n})
    bus.publish("c", {"not json": object()})
    assert time.monotonic() - started_at < 0.5
    async with bus.subscribe("c"):  # goes on unconfirmed
        pass
    await bus.close()
    assert bus.drops.dropped == 1001


async def test_a_full_outbox_drops_new_messages(redis_url: str, prefix: str) -> None:
    bus = RedisEventBus(redis_url, prefix=prefix, outbox_size=2)  # not started: nothing sends
    for n in range(3):
        bus.publish("c", {"n": n})
    assert bus.drops.dropped == 1
    await bus.close()
    bus.publish("c", {"n": 4})
    assert bus.drops.dropped == 2


async def test_a_follower_on_one_bus_gets_what_a_writer_announces_on_another(
    store: Store, redis_url: str, prefix: str
) -> None:
    principal = await store.principal()
    execution_id = await store.execution(principal)
    async with started(redis_url, prefix=prefix) as worker, started(redis_url, prefix=prefix) as api:
        follower = follow_events(api, store.sessions, principal, execution_id, idle_s=10)
        first = asyncio.ensure_future(anext(follower))
        await wait_until(lambda: api.subscriber_count(execution_channel(execution_id)) == 1)
        await asyncio.sleep(0.05)  # confirmed by redis and the (empty) log read: what follows is live
        publish_events(worker, execution_id, await store.events(execution_id, range(2)))
        publish_events(worker, execution_id, await store.events(execution_id, range(2, 4), finished=True))
        events = [await asyncio.wait_for(first, 2)]
        events += [event async for event in follower]
    assert [event.sequence for event in events] == [0, 1, 2, 3]


async def wait_until(condition: Callable[[], bool], deadline_s: float = 2.0) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, "the condition never held"
        await asyncio.sleep(0.005)
