"""The event bus across processes: Redis pub/sub (with ``REDIS_URL``).

Publishing never waits for Redis: :meth:`RedisEventBus.publish` puts the JSON text on a
bounded outbox that a background task sends in pipelined batches. When the outbox is full or
Redis cannot be reached, messages are dropped and counted, with at most one warning per ten
seconds (subscribers recover from the event log).

Subscribing shares ONE Redis pub/sub connection per bus: a listener task SUBSCRIBEs a channel
when its first local subscriber arrives, UNSUBSCRIBEs it when the last one leaves, and fans
every message out to the local subscribers' bounded queues
(:class:`~open_backend.live.local_bus.LocalEventBus`). When that connection breaks (Redis
restarted, the client killed), the listener reconnects with a growing delay and subscribes
again to every channel still wanted; messages published meanwhile are lost.

Every channel name is prefixed with ``prefix`` in Redis, so separate deployments (or test runs)
sharing one Redis never see each other's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Final

from redis.asyncio import Redis
from redis.exceptions import RedisError

from open_backend.live.local_bus import DEFAULT_QUEUE_SIZE, DropCounter, LocalEventBus

logger = logging.getLogger(__name__)

#: Messages waiting to be sent before new ones are dropped.
DEFAULT_OUTBOX_SIZE: Final = 10_000

#: Most messages sent in one pipeline.
MAX_BATCH: Final = 200

#: Seconds a new subscription waits for Redis to confirm it before going on unconfirmed.
SUBSCRIBE_TIMEOUT_S: Final = 2.0

#: Seconds to wait before the first reconnection attempt; doubles up to :data:`MAX_RECONNECT_DELAY_S`.
RECONNECT_DELAY_S: Final = 0.1
MAX_RECONNECT_DELAY_S: Final = 2.0

#: Seconds :meth:`RedisEventBus.close` waits for the outbox to drain.
CLOSE_TIMEOUT_S: Final = 2.0

#: Seconds to wait for a connection or (when publishing) a reply.
SOCKET_TIMEOUT_S: Final = 2.0

#: The channel the listener always subscribes to, so its connection exists with no subscriber.
_CONTROL_CHANNEL: Final = "open:bus:control"


class RedisEventBus:
    """An :class:`~open_backend.live.bus.EventBus` over Redis pub/sub, for every process of a
    deployment (API servers and workers).

    Call :meth:`start` before use (in the Starlette lifespan) and :meth:`close` at the end;
    ``publish`` and ``subscribe`` must be called from the event loop that started it. Messages
    must be JSON objects; one that cannot be encoded is dropped.

    Args:
        url: the Redis URL (``redis://``, ``rediss://`` or ``unix://``).
        prefix: prepended to every channel name in Redis.
        outbox_size: messages waiting to be sent before new ones are dropped.
        queue_size: messages each local subscription may hold.
        subscribe_timeout_s: seconds :meth:`subscribe` waits for Redis's confirmation.
        reconnect_delay_s: first delay before reconnecting the subscriber connection.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "",
        outbox_size: int = DEFAULT_OUTBOX_SIZE,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        subscribe_timeout_s: float = SUBSCRIBE_TIMEOUT_S,
        reconnect_delay_s: float = RECONNECT_DELAY_S,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.subscribe_timeout_s = subscribe_timeout_s
        self.reconnect_delay_s = reconnect_delay_s
        self.drops = DropCounter("the redis event bus")
        self._local = LocalEventBus(queue_size)
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue(outbox_size)
        self._requests: asyncio.Queue[str] = asyncio.Queue()  # channels whose subscription changed
        self._wanted: dict[str, int] = {}  # Redis channel -> local subscriptions
        self._confirmed: dict[str, asyncio.Event] = {}
        self._publisher: Redis | None = None
        self._listener: Redis | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self.connected = asyncio.Event()  # set while the subscriber connection is up

    async def start(self) -> None:
        """Create the Redis clients and start the sender and listener tasks; returns at once,
        also when Redis is unreachable (then the listener keeps retrying)."""
        self._publisher = Redis.from_url(
            self.url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
        )
        # No read timeout: the subscriber connection waits for messages indefinitely.
        self._listener = Redis.from_url(
            self.url, socket_connect_timeout=SOCKET_TIMEOUT_S, socket_keepalive=True
        )
        self._tasks = [
            asyncio.create_task(self._send_forever(self._publisher), name="redis-bus-sender"),
            asyncio.create_task(self._listen_forever(self._listener), name="redis-bus-listener"),
        ]

    async def close(self) -> None:
        """Send what the outbox holds (waiting at most :data:`CLOSE_TIMEOUT_S`), stop the tasks,
        end every local subscription and close the connections. Publishing afterwards drops."""
        if self._closed:
            return
        self._closed = True
        if self._tasks and not self._tasks[0].done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._outbox.join(), CLOSE_TIMEOUT_S)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._local.close()
        for client in (self._publisher, self._listener):
            if client is not None:
                await client.aclose()

    def subscriber_count(self, channel: str) -> int:
        """How many subscriptions to ``channel`` this bus has now."""
        return self._local.subscriber_count(channel)

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` for Redis's subscribers of ``channel``; never blocks or raises."""
        if self._closed:
            self.drops.add(1, "the bus is closed")
            return
        try:
            data = json.dumps(message, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            self.drops.add(1, f"not JSON: {exc}")
            return
        try:
            self._outbox.put_nowait((self.prefix + channel, data))
        except asyncio.QueueFull:
            self.drops.add(1, "the outbox is full")

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Subscribe to ``channel`` for the block.

        Entering waits until Redis confirms the subscription, at most ``subscribe_timeout_s``
        (Redis unreachable: the block starts anyway and messages arrive once the listener has
        reconnected). Messages then come in publishing order, except those dropped.
        """
        name = self.prefix + channel
        async with self._local.subscribe(channel) as messages:
            confirmed = self._want(name)
            try:
                try:
                    await asyncio.wait_for(confirmed.wait(), self.subscribe_timeout_s)
                except TimeoutError:
                    logger.warning("redis did not confirm the subscription to %s; going on", name)
                yield messages
            finally:
                self._unwant(name)

    def _want(self, name: str) -> asyncio.Event:
        count = self._wanted.get(name, 0)
        self._wanted[name] = count + 1
        if count == 0:
            self._confirmed[name] = asyncio.Event()
            self._requests.put_nowait(name)
        return self._confirmed[name]

    def _unwant(self, name: str) -> None:
        count = self._wanted[name] - 1
        if count:
            self._wanted[name] = count
            return
        del self._wanted[name]
        del self._confirmed[name]
        self._requests.put_nowait(name)

    async def _send_forever(self, client: Redis) -> None:
        while True:
            batch = [await self._outbox.get()]
            while len(batch) < MAX_BATCH and not self._outbox.empty():
                batch.append(self._outbox.get_nowait())
            try:
                async with client.pipeline(transaction=False) as pipe:
                    for name, data in batch:
                        pipe.publish(name, data)
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                self.drops.add(len(batch), f"redis unreachable: {exc}")
            except Exception:
                logger.exception("the redis event bus failed to send %d message(s)", len(batch))
                self.drops.add(len(batch), "unexpected error")
            finally:
                for _ in batch:
                    self._outbox.task_done()

    async def _listen_forever(self, client: Redis) -> None:
        delay = self.reconnect_delay_s
        while True:
            try:
                await self._listen(client)
            except (RedisError, OSError) as exc:
                if self.connected.is_set():
                    logger.warning(
                        "the redis event bus lost its subscriber connection (%s); reconnecting", exc
                    )
            except Exception:
                logger.exception("the redis event bus listener failed; reconnecting")
            if self.connected.is_set():
                delay = self.reconnect_delay_s
            self.connected.clear()
            for event in self._confirmed.values():
                event.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RECONNECT_DELAY_S)

    async def _listen(self, client: Redis) -> None:
        """Subscribe to every wanted channel on a new connection, then read messages and apply
        subscription changes, until the connection fails (raises ``RedisError``/``OSError``)."""
        pubsub = client.pubsub()
        read: asyncio.Task[Any] | None = None
        request: asyncio.Task[str] | None = None
        try:
            await pubsub.subscribe(self.prefix + _CONTROL_CHANNEL, *self._wanted)
            self.connected.set()
            while True:
                read = read or asyncio.create_task(pubsub.get_message(timeout=None))
                request = request or asyncio.create_task(self._requests.get())
                done, _ = await asyncio.wait({read, request}, return_when=asyncio.FIRST_COMPLETED)
                if request in done:
                    name, request = request.result(), None
                    if name in self._wanted:
                        await pubsub.subscribe(name)
                    else:
                        await pubsub.unsubscribe(name)
                if read in done:
                    message, read = read.result(), None
                    self._dispatch(message)
        finally:
            for task in (read, request):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
                        await task
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py 5

    def _dispatch(self, message: dict[str, Any] | None) -> None:
        if message is None:
            return
        name = _text(message.get("channel"))
        if message["type"] == "subscribe":
            confirmed = self._confirmed.get(name)
            if confirmed is not None:
                confirmed.set()
            return
        if message["type"] != "message" or not name.startswith(self.prefix):
            return
        try:
            payload = json.loads(message["data"])
        except ValueError:
            logger.warning("ignored a message on %s that is not JSON", name)
            return
        if isinstance(payload, dict):
            self._local.publish(name.removeprefix(self.prefix), payload)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else ""
