"""Node log lines of an execution, read from its event log (``node_log`` events).

Log lines are events like any other (``docs/events.md``: a ``command`` program's stderr lines,
cut and capped per attempt by core_engine), so they are durable, ordered by sequence and
streamed live by the ``executionEvents`` subscription. This module serves them by page for a
node's log panel, filtered by node and instance in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import EventKind
from open_backend.db.models import Execution, ExecutionEvent
from open_backend.errors import ValidationFailed

#: Lines one request returns when it does not say ``first``.
DEFAULT_LOG_PAGE: Final = 1000
#: Most lines one request may ask for (more is refused, not clamped).
MAX_LOG_PAGE: Final = 5000


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line: its event's ``sequence``, time, node, instance (``None``: the node), attempt."""

    sequence: int
    ts: datetime
    node_id: str
    map_index: int | None
    attempt: int
    line: str


async def node_logs(
    session: AsyncSession,
    execution: Execution,
    *,
    node_id: str | None = None,
    map_index: int | None = None,
    after_sequence: int = -1,
    first: int = DEFAULT_LOG_PAGE,
) -> list[LogLine]:
    """Up to ``first`` log lines of an (already authorized) execution with a sequence above
    ``after_sequence``, in sequence order; only node ``node_id`` (and its instance
    ``map_index``) when given. Page on by passing the last line's sequence as ``after_sequence``.

    Raises:
        ValidationFailed: ``first`` outside 1..:data:`MAX_LOG_PAGE`, or ``map_index`` without
            ``node_id``.
    """
    if not 1 <= first <= MAX_LOG_PAGE:
        raise ValidationFailed(f"first must be between 1 and {MAX_LOG_PAGE}", {"field": "first"})
    if map_index is not None and node_id is None:
        raise ValidationFailed("mapIndex needs nodeId", {"field": "mapIndex"})
    payload = col(ExecutionEvent.payload)
    statement = select(ExecutionEvent).where(
        col(ExecutionEvent.execution_id) == execution.id,
        col(ExecutionEvent.kind) == EventKind.NODE_LOG.value,
        col(ExecutionEvent.sequence) > after_sequence,
    )
    if node_id is not None:
        statement = statement.where(payload["node_id"].as_string() == node_id)
    if map_index is not None:
        statement = statement.where(payload["map_index"].as_integer() == map_index)
    statement = statement.order_by(col(ExecutionEvent.sequence)).limit(first)
    rows = (await session.exec(statement)).all()
    return [
        LogLine(
            sequence=row.sequence,
            ts=row.ts,
            node_id=row.payload["node_id"],
            map_index=row.payload["map_index"],
            attempt=row.payload["attempt"],
            line=row.payload["line"],
        )
        for row in rows
    ]
