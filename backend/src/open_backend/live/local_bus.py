"""The in-process event bus (the embedded default, without ``REDIS_URL``), and the bounded
per-subscriber queues the Redis bus fans out to as well.

Each subscription has its own queue of at most ``queue_size`` messages; a message for a full
queue is dropped for that subscriber only (a slow reader never blocks the publisher or the
others) and counted by a :class:`DropCounter`, which logs at most one warning per interval.
Messages are handed to every subscriber as the same object: subscribers must not change them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Final

logger = logging.getLogger(__name__)

#: Messages a subscription may hold before new ones are dropped for it.
DEFAULT_QUEUE_SIZE: Final = 1000

#: Seconds between two warnings about dropped messages.
DROP_WARNING_INTERVAL_S: Final = 10.0


class DropCounter:
    """Counts dropped messages and logs a warning at most once per ``interval_s`` seconds.

    Args:
        what: who drops, for the log message (e.g. ``"redis event bus"``).
        interval_s: least seconds between two warnings.
        clock: monotonic seconds; tests pass their own.

    Attributes:
        dropped: messages dropped since creation.
    """

    def __init__(
        self,
        what: str,
        interval_s: float = DROP_WARNING_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.interval_s = interval_s
        self.clock = clock
        self.dropped = 0
        self._unreported = 0
        self._last_warning: float | None = None

    def add(self, count: int, reason: str) -> None:
        """Count ``count`` dropped messages; warn (with the count since the last warning) unless
        a warning was logged less than ``interval_s`` seconds ago."""
        self.dropped += count
        self._unreported += count
        now = self.clock()
        if self._last_warning is not None and now - self._last_warning < self.interval_s:
            return
        logger.warning(
            "%s dropped %d message(s) (%s); subscribers recover from the event log",
            self.what,
            self._unreported,
            reason,
        )
        self._unreported = 0
        self._last_warning = now


class _End:
    """The marker that ends a subscription's iteration."""


_END: Final = _End()


class Subscription(AsyncIterator[dict[str, Any]]):
    """The messages of one subscription, in publishing order, from a bounded queue.

    Cancelling a pending ``__anext__`` loses nothing (the message stays queued), so a reader
    may wait with a timeout. Iteration ends after :meth:`end`.
    """

    def __init__(self, queue_size: int, drops: DropCounter) -> None:
        self._queue: asyncio.Queue[dict[str, Any] | _End] = asyncio.Queue(queue_size)
        self._drops = drops
        self._ended = False
        self._finished = False

    def offer(self, message: dict[str, Any]) -> None:
        """Queue ``message``, or drop it when the queue is full or the subscription ended."""
        if self._ended:
            return
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            self._drops.add(1, "a subscriber's queue is full")

    def end(self) -> None:
        """End the iteration after the messages already queued (one is dropped if it is full)."""
        if self._ended:
            return
        self._ended = True
        if self._queue.full():
            self._queue.get_nowait()
            self._drops.add(1, "the bus closed")
        self._queue.put_nowait(_END)

    async def __anext__(self) -> dict[str, Any]:
        if self._finished:
            raise StopAsyncIteration
        message = await self._queue.get()
        if isinstance(message, _End):
            self._finished = True
            raise StopAsyncIteration
        return message


class LocalEventBus:
    """An :class:`~open_backend.live.bus.EventBus` within one process and event loop.

    ``publish`` hands the message to the queue of every current subscriber of the channel at
    once; it must be called from the event loop the subscribers run on.

    Args:
        queue_size: messages each subscription may hold (see the module docstring).
    """

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self.drops = DropCounter("the local event bus")
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._closed = False

    async def start(self) -> None:
        """Nothing to start; here so the app treats both buses alike."""

    async def close(self) -> None:
        """End every subscription; later ones end at once and publishing drops everything."""
        self._closed = True
        for subscriptions in self._subscriptions.values():
            for subscription in subscriptions:
                subscription.end()

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` for each subscriber of ``channel``; never blocks or raises."""
        for subscription in self._subscriptions.get(channel, ()):
            subscription.offer(message)

    def subscriber_count(self, channel: str) -> int:
        """How many subscriptions ``channel`` has now."""
        return len(self._subscriptions.get(channel, ()))

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Subscribe to ``channel`` for the block: every message published from now on is
        yielded in order, unless the subscription's queue was full."""
        subscription = Subscription(self.queue_size, self.drops)
        if self._closed:
            subscription.end()
        subscriptions = self._subscriptions.setdefault(channel, set())
        subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            subscriptions.discard(subscription)
            if not subscriptions and self._subscriptions.get(channel) is subscriptions:
                del self._subscriptions[channel]
