"""The reconciler: hands executions over again when their run or their job was lost.

PostgreSQL is the source of truth and the queue only a trigger, so every pass looks at the
database:

1. ``running`` executions whose lease expired (the holder died, hung or was partitioned) go
   back to ``queued`` with a new job: the next claim resumes them from their event log.
2. ``queued`` executions dispatched more than ``OPEN_REDISPATCH_AFTER_S`` ago whose job is no
   longer pending (e.g. Redis restarted without persistence) get a new job.

Every process that runs executions runs a reconciler, but on PostgreSQL only one pass at a time
does anything: a pass runs inside a transaction holding the advisory lock
:data:`ADVISORY_LOCK_KEY` (``pg_try_advisory_xact_lock``), and a pass that cannot take it does
nothing. SQLite (embedded) has a single process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import Execution, ExecutionStatus
from open_backend.db.types import utcnow
from open_backend.executions.dispatch import Dispatcher, new_job_id
from open_backend.executions.lease import db_now

logger = logging.getLogger(__name__)

#: The PostgreSQL advisory lock a reconciler pass holds (an arbitrary constant: "OPENRECO").
ADVISORY_LOCK_KEY: Final = 0x4F50454E5245434F

#: Most executions one pass hands over, per rule; the rest wait for the next pass.
BATCH_LIMIT: Final = 500


@dataclass(frozen=True, slots=True)
class Pass:
    """What one reconciler pass did.

    Attributes:
        ran: this pass held the lock (``False``: another reconciler is active).
        expired: executions whose expired lease was ended and which were handed over again.
        redispatched: queued executions whose lost job was replaced.
    """

    ran: bool
    expired: tuple[uuid.UUID, ...] = ()
    redispatched: tuple[uuid.UUID, ...] = ()


class Reconciler:
    """Periodic passes over the executions table (see the module docstring).

    Args:
        sessions: the session factory.
        dispatcher: where executions are handed over.
        interval_s: seconds between passes (``OPEN_RECONCILE_INTERVAL_S``).
        redispatch_after_s: age in seconds of a dispatch after which its job is checked
            (``OPEN_REDISPATCH_AFTER_S``).
        check_all_at_start: the first pass checks the jobs of every ``queued`` execution,
            whatever its age (for a dispatcher whose jobs die with the process, like the
            in-process executor's).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        dispatcher: Dispatcher,
        *,
        interval_s: float,
        redispatch_after_s: float,
        check_all_at_start: bool = False,
    ) -> None:
        self.sessions = sessions
        self._check_all = check_all_at_start
        self.dispatcher = dispatcher
        self.interval_s = interval_s
        self.redispatch_after_s = redispatch_after_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run passes every ``interval_s`` seconds in a background task until :meth:`stop`."""
        self._task = asyncio.create_task(self._loop(), name="open-reconciler")

    async def stop(self) -> None:
        """Stop the background passes (a pass in progress is cancelled; its transaction rolls back)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception as exc:  # the database or the queue is away: try again next pass
                logger.warning("reconciler pass failed: %s: %s", type(exc).__name__, exc)
            await asyncio.sleep(self.interval_s)

    async def run_once(self) -> Pass:
        """One pass; returns what it did. Jobs are submitted after the pass commits.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: the database failed (nothing was changed).
        """
        async with self.sessions() as session, session.begin():
            if not await _try_lock(session):
                return Pass(ran=False)
            expired = await self._requeue_expired(session)
            redispatched = await self._redispatch_lost(session)
        for execution_id, job_id in (*expired, *redispatched):
            await self.dispatcher.submit(execution_id, job_id)
        if expired:
            logger.info("reconciler: %d execution(s) with an expired lease handed over again", len(expired))
        return Pass(
            ran=True,
            expired=tuple(execution_id for execution_id, _ in expired),
            redispatched=tuple(execution_id for execution_id, _ in redispatched),
        )

    async def _requeue_expired(self, session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
        ids = (
            await session.exec(
                select(Execution.id)
                .where(
                    col(Execution.status) == ExecutionStatus.RUNNING,
                    col(Execution.lease_expires_at) < db_now(session),
                )
                .limit(BATCH_LIMIT)
                .with_for_update(skip_locked=True)
            )
        ).all()
        return await self._dispatch_again(session, list(ids), from_status=ExecutionStatus.RUNNING)

    async def _redispatch_lost(self, session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
        before = utcnow() - timedelta(seconds=0 if self._check_all else self.redispatch_after_s)
        self._check_all = False
        rows = (
            await session.exec(
                select(Execution.id, Execution.dispatch_job_id)
                .where(
                    col(Execution.status) == ExecutionStatus.QUEUED,
                    sa.or_(col(Execution.dispatched_at).is_(None), col(Execution.dispatched_at) < before),
                )
                .order_by(col(Execution.created_at))
                .limit(BATCH_LIMIT)
                .with_for_update(skip_locked=True)
            )
        ).all()
        lost: list[uuid.UUID] = []
        still_pending: list[uuid.UUID] = []
        for execution_id, job_id in rows:
            if job_id is not None and await self.dispatcher.is_pending(job_id):
                still_pending.append(execution_id)
            else:
                lost.append(execution_id)
        if still_pending:  # look again one period later, not at every pass
            await session.exec(
                sa.update(Execution)
                .where(col(Execution.id).in_(still_pending))
                .values(dispatched_at=utcnow())
            )
        return await self._dispatch_again(session, lost, from_status=ExecutionStatus.QUEUED)

    async def _dispatch_again(
        self, session: AsyncSession, ids: list[uuid.UUID], *, from_status: ExecutionStatus
    ) -> list[tuple[uuid.UUID, str]]:
        if not ids:
            return []
        jobs = [(execution_id, new_job_id()) for execution_id in ids]
        now = utcnow()
        for execution_id, job_id in jobs:
            await session.exec(
                sa.update(Execution)
                .where(col(Execution.id) == execution_id, col(Execution.status) == from_status)
                .values(
                    status=ExecutionStatus.QUEUED,
                    lease_owner=None,
                    lease_expires_at=None,
                    dispatched_at=now,
                    dispatch_job_id=job_id,
                )
            )
        return jobs


async def _try_lock(session: AsyncSession) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    locked = await session.exec(sa.select(sa.func.pg_try_advisory_xact_lock(ADVISORY_LOCK_KEY)))  # type: ignore[call-overload]
    return bool(locked.one()[0])
