"""The embedded executor: without ``REDIS_URL``, executions run as asyncio tasks of the app.

:meth:`InProcessExecutor.submit` schedules :func:`~open_backend.executions.runner.run_execution`
and returns at once; the executor tracks its tasks so :meth:`shutdown` cancels the runs still
going (they end ``cancelled``, their events written) and waits for them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from open_backend.executions.runner import RunnerDeps, run_execution

logger = logging.getLogger(__name__)


class InProcessExecutor:
    """Runs executions in this process, one asyncio task each; a
    :class:`~open_backend.executions.dispatch.Dispatcher`.

    Args:
        deps: what the runs share (sessions, settings, live handles).
    """

    def __init__(self, deps: RunnerDeps) -> None:
        self.deps = deps
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}

    async def submit(self, execution_id: uuid.UUID) -> None:
        """Start running ``execution_id`` in the background (no-op if it already runs here).

        Raises:
            RuntimeError: no event loop is running.
        """
        if execution_id in self._tasks:
            return
        task = asyncio.create_task(run_execution(self.deps, execution_id), name=f"execution-{execution_id}")
        self._tasks[execution_id] = task
        task.add_done_callback(lambda done: self._finished(execution_id, done))

    def _finished(self, execution_id: uuid.UUID, task: asyncio.Task[None]) -> None:
        self._tasks.pop(execution_id, None)
        self.deps.cancel_requested.discard(execution_id)
        if not task.cancelled() and task.exception() is not None:
            logger.error("execution %s crashed", execution_id, exc_info=task.exception())

    async def cancel(self, execution_id: uuid.UUID) -> bool:
        """Ask the run of ``execution_id`` in this process to stop; whether it runs here (only
        this process runs executions, so ``False`` means it runs nowhere)."""
        handle = self.deps.handles.get(execution_id)
        if handle is not None:
            handle.cancel()
            return True
        if execution_id in self._tasks:
            self.deps.cancel_requested.add(execution_id)
            return True
        return False

    async def wait(self, execution_id: uuid.UUID) -> None:
        """Wait until the run of ``execution_id`` in this process (if any) has ended."""
        task = self._tasks.get(execution_id)
        if task is not None:
            await asyncio.wait({task})

    async def shutdown(self) -> None:
        """Cancel every run still going and wait until each has written its last events."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
