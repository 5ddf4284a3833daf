"""The worker process: arq reading the queue, OPEN's runtime running the jobs, signals handled.

``serve(settings)`` runs until SIGTERM or SIGINT. Then it drains: arq stops picking jobs, the
runs in progress get ``OPEN_WORKER_DRAIN_TIMEOUT_S`` seconds to finish, the rest are handed
back to the queue (another worker resumes them from their event log), and the process exits.

arq is only the trigger: a job's one argument is the execution id, jobs are JSON (never
pickles), no result is kept, and a Redis outage does not stop the runs (they write to
PostgreSQL); the queue polling restarts with backoff once Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any, Final

from arq.worker import Worker, func
from redis.exceptions import RedisError

from open_backend.queue import RUN_EXECUTION_JOB, dump_job, load_job
from open_backend.settings import Settings
from open_backend.worker.runtime import WorkerRuntime

logger = logging.getLogger(__name__)

#: Longest a single arq job (one execution on one worker) may take, in seconds: 7 days. Past
#: it arq cancels the job and the run is handed back to the queue.
JOB_TIMEOUT_S: Final = 7 * 24 * 3600

#: Seconds between queue polls when the queue is empty.
POLL_DELAY_S: Final = 0.05

#: Longest wait, in seconds, between attempts to reach Redis again after it went away.
MAX_RECONNECT_DELAY_S: Final = 2.0


async def _run_execution_job(ctx: dict[str, Any], execution_hex: str) -> None:
    runtime: WorkerRuntime = ctx["runtime"]
    try:
        await runtime.run_job(execution_hex)
    except asyncio.CancelledError:
        raise
    except Exception:  # logged here: arq must not retry what the reconciler owns
        logger.exception("execution %s failed in worker %s", execution_hex, runtime.id)


def build_worker(runtime: WorkerRuntime) -> Worker:
    """The arq worker of ``runtime`` (started; its pool is the runtime's)."""
    settings = runtime.settings
    return Worker(
        functions=[func(_run_execution_job, name=RUN_EXECUTION_JOB, timeout=JOB_TIMEOUT_S, max_tries=1)],
        queue_name=settings.queue_name,
        redis_pool=runtime.pool,
        max_jobs=settings.worker_concurrency,
        poll_delay=POLL_DELAY_S,
        keep_result=0,
        handle_signals=False,
        retry_jobs=False,
        health_check_interval=5,
        health_check_key=f"{settings.queue_name}:health-check:{runtime.id}",
        ctx={"runtime": runtime},
        job_serializer=dump_job,
        job_deserializer=load_job,
        log_results=False,
    )


async def _poll(worker: Worker, stopping: asyncio.Event) -> None:
    delay = 0.1
    while not stopping.is_set():
        try:
            await worker.async_run()
            return
        except (RedisError, OSError):
            logger.warning("the queue is unreachable; polling again in %.1f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RECONNECT_DELAY_S)


async def serve(
    settings: Settings, *, ready: asyncio.Event | None = None, stopping: asyncio.Event | None = None
) -> None:
    """Run a worker until SIGTERM/SIGINT, then drain and exit (see the module docstring).

    Args:
        settings: the process settings (``REDIS_URL`` and ``DATABASE_URL`` required).
        ready: set once the worker takes jobs (for tests and embedding).
        stopping: when given, setting it drains and stops the worker, and no signal handler is
            installed (for a worker embedded in another program, in any thread).

    Raises:
        ValueError: ``REDIS_URL`` is not set.
        MigrationsNotCurrentError: the database is not migrated.
    """
    runtime = WorkerRuntime(settings)
    await runtime.start()
    worker = build_worker(runtime)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT) if stopping is None else ()
    stopping = stopping if stopping is not None else asyncio.Event()
    for sig in signals:
        loop.add_signal_handler(sig, stopping.set)
    poller = asyncio.create_task(_poll(worker, stopping), name="open-worker-poll")
    if ready is not None:
        ready.set()
    try:
        await stopping.wait()
        logger.info("worker %s draining", runtime.id)
        worker.allow_pick_jobs = False
        await runtime.drain(settings.worker_drain_timeout_s)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
            await poller
        if worker.tasks:  # arq's bookkeeping after the last jobs (they have all ended or been handed back)
            await asyncio.wait(list(worker.tasks.values()), timeout=5)
        with contextlib.suppress(RedisError, OSError):
            await worker.close()
        await runtime.close()
    logger.info("worker %s stopped", runtime.id)
