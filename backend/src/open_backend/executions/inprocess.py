"""The embedded executor: without ``REDIS_URL``, executions run as asyncio tasks of the app.

It is a :class:`~open_backend.executions.dispatch.Dispatcher`: :meth:`InProcessExecutor.submit`
schedules :func:`~open_backend.executions.runner.run_execution` and returns at once. The runs
take leases like a worker's, so the same reconciler resumes what a crashed server left running.
:meth:`shutdown` hands the runs still going back to the queue (their events written) and waits
for them: the next start resumes them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from open_backend.executions.runner import RunnerDeps, hand_back, run_execution

logger = logging.getLogger(__name__)


class InProcessExecutor:
    """Runs executions in this process, one asyncio task each.

    Args:
        deps: what the runs share (sessions, settings, task types, bus); its ``dispatcher``
            is set to this executor.
    """

    def __init__(self, deps: RunnerDeps) -> None:
        self.deps = deps
        deps.dispatcher = self
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._jobs: dict[str, uuid.UUID] = {}
        self._closing = False

    async def submit(self, execution_id: uuid.UUID, job_id: str) -> None:
        """Start running ``execution_id`` in the background (no-op if it already runs here or
        the executor is shutting down)."""
        if execution_id in self._tasks or self._closing:
            return
        task = asyncio.create_task(run_execution(self.deps, execution_id), name=f"execution-{execution_id}")
        self._tasks[execution_id] = task
        self._jobs[job_id] = execution_id
        task.add_done_callback(lambda done: self._finished(execution_id, job_id, done))

    async def is_pending(self, job_id: str) -> bool:
        """Whether job ``job_id`` still runs here."""
        return job_id in self._jobs

    def _finished(self, execution_id: uuid.UUID, job_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.pop(execution_id, None)
        self._jobs.pop(job_id, None)
        if not task.cancelled() and task.exception() is not None:
            logger.error("execution %s crashed", execution_id, exc_info=task.exception())

    async def wait(self, execution_id: uuid.UUID) -> None:
        """Wait until the run of ``execution_id`` in this process (if any) has ended."""
        task = self._tasks.get(execution_id)
        if task is not None:
            await asyncio.wait({task})

    async def shutdown(self) -> None:
        """Hand every run still going back to the queue and wait until each has written its
        last events."""
        self._closing = True
        self.deps.dispatcher = None  # handed-back runs wait for the next start, not for this process
        await asyncio.gather(*(hand_back(self.deps, execution_id) for execution_id in list(self._tasks)))
        for execution_id, task in list(self._tasks.items()):
            if execution_id not in self.deps.runs:  # still claiming: its lease (if any) expires
                task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
