"""What one worker process shares: database, queue, bus, task types, runs and reconciler."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid

from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncEngine

from open_backend.db.engine import create_engine, session_factory
from open_backend.db.migrate import MigrationsNotCurrentError, migration_status
from open_backend.executions.dispatch import dispatch_again
from open_backend.executions.reconciler import Reconciler
from open_backend.executions.runner import RunnerDeps, hand_back, run_execution
from open_backend.live.redis_bus import RedisEventBus
from open_backend.queue import ArqDispatcher, connect
from open_backend.services.dags import task_types
from open_backend.settings import Settings

logger = logging.getLogger(__name__)


def worker_id() -> str:
    """This process's name in lease tokens: ``<host>/<pid>/<8 random hex digits>``."""
    return f"{socket.gethostname()[:64]}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


class WorkerRuntime:
    """One worker process's shared state. :meth:`start` before running jobs, :meth:`close` after.

    Args:
        settings: the process settings; ``redis_url`` must be set.
    """

    def __init__(self, settings: Settings) -> None:
        if settings.redis_url is None:
            raise ValueError(
                "a worker needs REDIS_URL (the queue); without it the server runs executions itself"
            )
        self.settings = settings
        self.id = worker_id()
        self.draining = False
        self.engine: AsyncEngine | None = None
        self.pool: ArqRedis | None = None
        self.deps: RunnerDeps | None = None
        self.reconciler: Reconciler | None = None
        self.bus: RedisEventBus | None = None

    async def start(self) -> None:
        """Connect to the database (which must be migrated) and Redis; start the reconciler.

        Raises:
            MigrationsNotCurrentError: the database is not at the head revision.
            sqlalchemy.exc.SQLAlchemyError, redis.exceptions.RedisError, OSError: unreachable.
        """
        settings = self.settings
        assert settings.redis_url is not None
        self.engine = create_engine(settings)
        status = await migration_status(self.engine)
        if not status.is_current:
            raise MigrationsNotCurrentError(status)
        sessions = session_factory(self.engine)
        self.pool = await connect(settings.redis_url)
        self.bus = RedisEventBus(settings.redis_url)
        await self.bus.start()
        dispatcher = ArqDispatcher(self.pool, settings.queue_name)
        self.deps = RunnerDeps(
            sessions,
            settings,
            worker_id=self.id,
            registry=task_types(settings),
            bus=self.bus,
            dispatcher=dispatcher,
        )
        self.reconciler = Reconciler(
            sessions,
            dispatcher,
            interval_s=settings.reconcile_interval_s,
            redispatch_after_s=settings.redispatch_after_s,
        )
        self.reconciler.start()
        logger.info("worker %s started on queue %s", self.id, settings.queue_name)

    async def run_job(self, execution_hex: str) -> None:
        """Run the execution a job names (its id as 32 hex digits) in this process.

        A job that arrives while the worker drains is handed straight back to the queue.
        """
        assert self.deps is not None
        execution_id = uuid.UUID(hex=execution_hex)
        if self.draining:
            assert self.deps.dispatcher is not None
            await dispatch_again(self.deps.sessions, self.deps.dispatcher, execution_id)
            return
        await run_execution(self.deps, execution_id)

    async def drain(self, timeout_s: float) -> None:
        """Stop taking work; wait up to ``timeout_s`` seconds for the runs to end, then hand the
        rest back to the queue (their finished nodes kept) and wait until that is written."""
        self.draining = True
        assert self.deps is not None
        # Not cancelled after the timeout: cancelling a wait() would cancel its run (and record
        # it); the hand-back below ends them instead, and these tasks with them.
        waiting = [asyncio.ensure_future(run.handle.wait()) for run in self.deps.runs.values()]
        if waiting:
            await asyncio.wait(waiting, timeout=timeout_s)
        await asyncio.sleep(0)  # let runs that just ended leave ``runs``
        remaining = list(self.deps.runs)
        if remaining:
            logger.info("worker %s hands %d execution(s) back to the queue", self.id, len(remaining))
        await asyncio.gather(*(hand_back(self.deps, execution_id) for execution_id in remaining))

    async def close(self) -> None:
        """Stop the reconciler and close the bus and the database (the arq worker closes the pool)."""
        if self.reconciler is not None:
            await self.reconciler.stop()
        if self.bus is not None:
            await self.bus.close()
        if self.engine is not None:
            await self.engine.dispose()
