"""The event bus interface: channels of JSON messages, delivered at most once.

``publish`` never blocks and never raises: a message that cannot be delivered (no subscriber,
Redis down, a full buffer) is dropped, since subscribers recover from the stored event log.
Publishers need only :class:`Publisher`; subscribers need the whole :class:`EventBus`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol


class Publisher(Protocol):
    """The publishing side of a bus."""

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Queue ``message`` (a JSON object) for the subscribers of ``channel``; never blocks or raises."""
        ...


class EventBus(Publisher, Protocol):
    """Fan-out of JSON messages by channel name."""

    def subscribe(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]:
        """Subscribe to ``channel``: the subscription is active when the context is entered, so
        every message published afterwards is yielded (unless dropped), in publishing order."""
        ...


class NullPublisher:
    """A :class:`Publisher` nobody listens to: publishing drops the message. For runs without
    live subscribers (tests, tools)."""

    def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Drop ``message``."""
