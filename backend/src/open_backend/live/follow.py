"""Following executions live: the stored log first, then the bus, with no gap and no duplicate.

The bus delivers at most once, so every follower here:

1. subscribes FIRST (whatever is committed from then on is announced to it),
2. then reads what is already stored (so nothing committed before the subscription is missed),
3. then yields live messages, dropping what it already yielded and reading from the database
   whatever a gap shows is missing, and
4. reads the database again when nothing arrived for ``idle_s`` seconds (the last message of
   a run may have been lost).

Each read uses its own short session from ``sessions`` (never one held for the follower's life)
and is scoped by the principal's organization: an execution of another organization is
:class:`~open_backend.errors.NotFound`, raised by the first ``__anext__``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import EventKind
from open_backend.auth.principal import Principal
from open_backend.db.models import Execution, ExecutionEvent
from open_backend.errors import NotFound
from open_backend.executions.service import TERMINAL_STATUSES, get_execution
from open_backend.live.bus import EventBus
from open_backend.live.publish import execution_channel, organization_channel

#: Seconds without a message after which a follower reads the database again.
IDLE_S: Final = 1.0

#: Events read from the database per query.
PAGE_SIZE: Final = 500

Sessions = async_sessionmaker[AsyncSession]


async def _next_or_none(messages: AsyncIterator[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        return await anext(messages)
    except StopAsyncIteration:
        return None


async def wake_ups(
    messages: AsyncIterator[dict[str, Any]], idle_s: float
) -> AsyncGenerator[dict[str, Any] | None, None]:
    """The messages of a subscription, with ``None`` after each ``idle_s`` seconds without one;
    ends when the subscription does (the bus closed).

    The pending read is never cancelled between wake-ups, so no message is lost to a timeout
    whatever iterator the bus hands out.
    """
    pending: asyncio.Future[dict[str, Any] | None] | None = None
    try:
        while True:
            pending = pending or asyncio.ensure_future(_next_or_none(messages))
            done, _ = await asyncio.wait({pending}, timeout=idle_s)
            if not done:
                yield None
                continue
            message, pending = pending.result(), None
            if message is None:
                return
            yield message
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending


async def read_execution(sessions: Sessions, principal: Principal, execution_id: uuid.UUID) -> Execution:
    """The execution as stored now, in a session of its own.

    Raises:
        NotFound: no such execution in the principal's organization.
    """
    async with sessions() as session:
        return await get_execution(session, principal, execution_id)


def _event_of(execution_id: uuid.UUID, payload: dict[str, Any]) -> ExecutionEvent | None:
    """The stored event a bus payload announces; ``None`` for a malformed payload."""
    sequence, kind, ts = payload.get("seq"), payload.get("kind"), payload.get("ts")
    if not isinstance(sequence, int) or not isinstance(kind, str) or not isinstance(ts, int | float):
        return None
    return ExecutionEvent(
        execution_id=execution_id,
        sequence=sequence,
        kind=kind,
        ts=datetime.fromtimestamp(ts, UTC),
        payload=payload,
    )


class _EventCursor:
    """Where a follower of one execution's events is: the next sequence it owes its reader,
    and whether it is done (``run_finished`` yielded, or the execution ended and every stored
    event was yielded)."""

    def __init__(
        self, sessions: Sessions, principal: Principal, execution_id: uuid.UUID, next_sequence: int
    ) -> None:
        self.sessions = sessions
        self.principal = principal
        self.execution_id = execution_id
        self.next_sequence = next_sequence
        self.done = False

    def take(self, event: ExecutionEvent) -> ExecutionEvent:
        self.next_sequence = event.sequence + 1
        if event.kind == EventKind.RUN_FINISHED.value:
            self.done = True
        return event

    async def stored(self) -> AsyncIterator[ExecutionEvent]:
        """Every stored event from :attr:`next_sequence` on, page by page. The status is read
        first: when it is terminal, every event was stored before it, so reading them all
        finishes the follower."""
        execution = await read_execution(self.sessions, self.principal, self.execution_id)
        while not self.done:
            async with self.sessions() as session:
                statement = (
                    select(ExecutionEvent)
                    .where(
                        col(ExecutionEvent.execution_id) == self.execution_id,
                        col(ExecutionEvent.sequence) >= self.next_sequence,
                    )
                    .order_by(col(ExecutionEvent.sequence))
                    .limit(PAGE_SIZE)
                )
                page = list((await session.exec(statement)).all())
            for event in page:
                yield self.take(event)
                if self.done:
                    return
            if len(page) < PAGE_SIZE:
                break
        if execution.status in TERMINAL_STATUSES:
            self.done = True

    async def live(self, message: dict[str, Any] | None) -> AsyncIterator[ExecutionEvent]:
        """What ``message`` (``None``: idle) adds, in order, reading gaps from the database."""
        if message is None or message.get("type") == "execution":
            if message is None or message.get("status") in {status.value for status in TERMINAL_STATUSES}:
                async for stored in self.stored():
                    yield stored
            return
        payloads = message.get("events") if message.get("type") == "events" else None
        for payload in payloads if isinstance(payloads, list) else ():
            event = _event_of(self.execution_id, payload) if isinstance(payload, dict) else None
            if event is not None and event.sequence < self.next_sequence:
                continue  # already yielded
            if event is None or event.sequence > self.next_sequence:  # a gap, or unreadable
                async for stored in self.stored():
                    yield stored
                if self.done:
                    return
                if event is None or event.sequence != self.next_sequence:
                    continue
            yield self.take(event)
            if self.done:
                return


async def follow_events(
    bus: EventBus,
    sessions: Sessions,
    principal: Principal,
    execution_id: uuid.UUID,
    *,
    after_sequence: int = -1,
    idle_s: float = IDLE_S,
) -> AsyncGenerator[ExecutionEvent, None]:
    """Every event of the execution with a sequence above ``after_sequence``, each once, by
    sequence: stored ones, then live ones. Ends after ``run_finished``, or once the execution
    has ended and every stored event was yielded (an execution cancelled while queued has none).

    Events from the bus are not attached to any session (``id`` is not the stored row's).

    Raises:
        NotFound: no such execution in the principal's organization.
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    cursor = _EventCursor(sessions, principal, execution_id, max(after_sequence, -1) + 1)
    async with bus.subscribe(execution_channel(execution_id)) as messages:
        async for event in cursor.stored():
            yield event
        if cursor.done:
            return
        async with contextlib.aclosing(wake_ups(messages, idle_s)) as wakes:
            async for message in wakes:
                async for event in cursor.live(message):
                    yield event
                if cursor.done:
                    return


async def follow_execution(
    bus: EventBus,
    sessions: Sessions,
    principal: Principal,
    execution_id: uuid.UUID,
    *,
    idle_s: float = IDLE_S,
) -> AsyncGenerator[Execution, None]:
    """The execution as stored now, then again after each message about it (a status change
    or an event batch) or, when idle, after its status changed; ends once its status is terminal.

    Raises:
        NotFound: no such execution in the principal's organization (also when it is deleted
            while followed).
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    async with bus.subscribe(execution_channel(execution_id)) as messages:
        execution = await read_execution(sessions, principal, execution_id)
        yield execution
        status = execution.status
        if status in TERMINAL_STATUSES:
            return
        async with contextlib.aclosing(wake_ups(messages, idle_s)) as wakes:
            async for message in wakes:
                execution = await read_execution(sessions, principal, execution_id)
                if message is None and execution.status == status:
                    continue
                yield execution
                status = execution.status
                if status in TERMINAL_STATUSES:
                    return


async def follow_organization(
    bus: EventBus, sessions: Sessions, principal: Principal
) -> AsyncGenerator[Execution, None]:
    """Each execution of the principal's organization that is created or changes status, as
    stored when the announcement arrives; never ends by itself.

    At most once: there is no log of status changes to fill a lost announcement from, so a
    client that (re)connects lists the executions first.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    async with bus.subscribe(organization_channel(principal.organization_id)) as messages:
        async for message in messages:
            execution_id = _uuid(message.get("id")) if message.get("type") == "execution" else None
            if execution_id is None:
                continue
            try:
                execution = await read_execution(sessions, principal, execution_id)
            except NotFound:  # deleted meanwhile, or announced on the wrong channel
                continue
            yield execution


def _uuid(value: object) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
