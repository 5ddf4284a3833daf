"""The event bus interface: channels of JSON messages, delivered at most once.

``publish`` never blocks and never raises: a message that cannot be delivered (no subscriber,
Redis down, a full buffer) is dropped, since subscribers recover from the stored event log.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol


class EventBus(Protocol):
    """Fan-out of JSON messages by channel name."""

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` (a JSON object) for the subscribers of ``channel``; never blocks or raises."""
        ...

    def subscribe(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        """Subscribe to ``channel``: the subscription is active when the context is entered, so
        every message published afterwards is yielded (unless dropped), in publishing order."""
        ...


class NullBus:
    """A bus with no subscribers: publishing drops the message. For runs nobody watches live."""

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Drop ``message``."""

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        """Raises ``NotImplementedError``: nothing is ever delivered on a null bus."""
        raise NotImplementedError("the null bus delivers nothing; use a LocalEventBus or RedisEventBus")
        yield  # pragma: no cover
