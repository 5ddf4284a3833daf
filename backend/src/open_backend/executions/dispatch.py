"""How executions reach whatever runs them.

A :class:`Dispatcher` is kept on ``app.state.executor`` (and on a worker's runtime): the
in-process executor without ``REDIS_URL``
(:class:`~open_backend.executions.inprocess.InProcessExecutor`), the arq queue with it
(:class:`~open_backend.queue.ArqDispatcher`). Dispatching is at least once: every hand-off is
recorded on the execution (``dispatched_at``, ``dispatch_job_id``) before it happens, and the
reconciler (:mod:`open_backend.executions.reconciler`) hands an execution over again when its
job is gone. A run claims its execution atomically, so a duplicate job does nothing.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import Execution, ExecutionStatus
from open_backend.db.types import utcnow
from open_backend.live.publish import publish_execution


class Dispatcher(Protocol):
    """Hands ``queued`` executions to runs."""

    async def submit(self, execution_id: uuid.UUID, job_id: str) -> None:
        """Have the committed, ``queued`` execution run, as job ``job_id``; return at once.

        Never raises for an unreachable queue: the failure is logged and the reconciler
        dispatches the execution again later.
        """
        ...

    async def is_pending(self, job_id: str) -> bool:
        """Whether job ``job_id`` still waits or runs (so dispatching again is not needed).

        Raises:
            Exception: the queue cannot be asked (the caller tries again later).
        """
        ...


def new_job_id() -> str:
    """A fresh queue job id (32 hex digits)."""
    return secrets.token_hex(16)


def dispatcher_of(app: Any) -> Dispatcher | None:
    """The dispatcher on ``app.state.executor`` (``None`` when ``app`` is ``None`` or has none)."""
    if app is None:
        return None
    dispatcher: Dispatcher | None = getattr(app.state, "executor", None)
    return dispatcher


async def mark_dispatched(session: AsyncSession, execution_id: uuid.UUID, job_id: str, now: datetime) -> bool:
    """Record that the ``queued`` execution is handed over as ``job_id`` (in the session's
    transaction; commit before submitting). Returns whether it was still ``queued``."""
    marked = await session.exec(
        sa.update(Execution)
        .where(col(Execution.id) == execution_id, col(Execution.status) == ExecutionStatus.QUEUED)
        .values(dispatched_at=now, dispatch_job_id=job_id)
        .returning(col(Execution.id))
    )
    return marked.first() is not None


async def dispatch_again(
    sessions: async_sessionmaker[AsyncSession], dispatcher: Dispatcher, execution_id: uuid.UUID
) -> bool:
    """Hand the ``queued`` execution over with a new job, recorded before it is submitted.
    Returns whether the execution was still ``queued`` (otherwise nothing is done).

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    job_id = new_job_id()
    async with sessions() as session, session.begin():
        if not await mark_dispatched(session, execution_id, job_id, utcnow()):
            return False
    await dispatcher.submit(execution_id, job_id)
    return True


async def hand_over(app: Any, execution: Execution) -> None:
    """After the request committed ``execution``: announce it on the app's bus and, while it is
    ``queued``, submit its recorded job to the app's dispatcher (if any)."""
    if app is None:
        return
    bus = getattr(app.state, "bus", None)
    if bus is not None:
        publish_execution(bus, execution.organization_id, execution.id, execution.status.value)
    dispatcher = dispatcher_of(app)
    if dispatcher is not None and execution.status is ExecutionStatus.QUEUED and execution.dispatch_job_id:
        await dispatcher.submit(execution.id, execution.dispatch_job_id)
