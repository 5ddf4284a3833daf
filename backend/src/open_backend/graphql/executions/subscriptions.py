"""``executionEvents``, ``executionUpdated`` and ``organizationExecutions``: live updates over
the websocket (graphql-transport-ws), authenticated at ``connection_init``
(:mod:`open_backend.graphql.view`).

Each follows the app's event bus (``app.state.bus``) with :mod:`open_backend.live.follow`:
stored state first, then live messages, the database filling whatever the bus lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.executions.types import Execution, ExecutionEvent
from open_backend.graphql.ids import parse_id
from open_backend.graphql.permissions import IsViewer
from open_backend.live.bus import EventBus
from open_backend.live.follow import follow_events, follow_execution, follow_organization


def bus_of(info: Info) -> EventBus:
    """The app's event bus (``app.state.bus``, set by the lifespan)."""
    bus: EventBus = info.context.request.app.state.bus
    return bus


async def resolve_execution_events(
    info: Info, execution_id: strawberry.ID, after_sequence: int | None = -1
) -> AsyncGenerator[ExecutionEvent, None]:
    principal = info.context.require_principal()
    parsed = parse_id(execution_id, "execution")
    after = -1 if after_sequence is None else after_sequence
    events = follow_events(bus_of(info), info.context.sessions, principal, parsed, after_sequence=after)
    async with contextlib.aclosing(events):
        async for row in events:
            yield ExecutionEvent.of(row)


execution_events = strawberry.subscription(
    resolver=resolve_execution_events,
    permission_classes=[IsViewer],
    description=(
        "Every event of an execution with a sequence above `afterSequence` (default or null: all), each once "
        "and in order: the stored ones, then live ones; completes after `run_finished` (or at once for "
        "an ended execution). To resume after a disconnection, pass the last sequence received. "
        "NOT_FOUND for an execution of another organization."
    ),
)


async def resolve_execution_updated(
    info: Info, execution_id: strawberry.ID
) -> AsyncGenerator[Execution, None]:
    principal = info.context.require_principal()
    parsed = parse_id(execution_id, "execution")
    updates = follow_execution(bus_of(info), info.context.sessions, principal, parsed)
    async with contextlib.aclosing(updates):
        async for row in updates:
            yield Execution.of(row)


execution_updated = strawberry.subscription(
    resolver=resolve_execution_updated,
    permission_classes=[IsViewer],
    description=(
        "An execution now, then again after each status change or batch of events; completes once "
        "it has ended. NOT_FOUND for an execution of another organization."
    ),
)


async def resolve_organization_executions(info: Info) -> AsyncGenerator[Execution, None]:
    principal = info.context.require_principal()
    changes = follow_organization(bus_of(info), info.context.sessions, principal)
    async with contextlib.aclosing(changes):
        async for row in changes:
            yield Execution.of(row)


organization_executions = strawberry.subscription(
    resolver=resolve_organization_executions,
    permission_classes=[IsViewer],
    description=(
        "Each execution of the active organization that is created or changes status, as it is when "
        "the change is announced. Best effort (a change may be missed): list `executions` after "
        "(re)connecting."
    ),
)


@strawberry.type
class ExecutionSubscriptions:
    execution_events = execution_events
    execution_updated = execution_updated
    organization_executions = organization_executions
