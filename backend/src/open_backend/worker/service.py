"""The worker process: arq reading the queue, OPEN's runtime running the jobs, signals handled.

``serve(settings)`` runs until SIGTERM or SIGINT. Then it drains: arq stops picking jobs, the
runs in progress get ``OPEN_WORKER_DRAIN_TIMEOUT_S`` seconds to finish, the rest are handed
back to the queue (another worker resumes them from their event log), and the process exits.

arq is only the trigger: a job's argument is the execution id (plus, with tracing on, the
``traceparent`` of the request's trace, which the run continues), jobs are JSON (never
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
from opentelemetry.instrumentation.utils import suppress_instrumentation
from redis.exceptions import RedisError

from open_backend.observability import metrics, tracing
from open_backend.observability.tracing import job_context
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


async def _run_execution_job(ctx: dict[str, Any], execution_hex: str, traceparent: str | None = None) -> None:
    runtime: WorkerRuntime = ctx["runtime"]
    try:
        with job_context(traceparent):  # the run continues the trace of the request that queued it
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


async def _heartbeat(runtime: WorkerRuntime) -> None:
    """Record a heartbeat (a metric) every time the worker reaches its queue."""
    assert runtime.pool is not None
    while True:
        try:
            with suppress_instrumentation():  # no trace of its own every few seconds
                await runtime.pool.ping()
        except (RedisError, OSError):
            pass  # no heartbeat: the queue is unreachable (polling logs it)
        else:
            metrics.worker_heartbeat()
        await asyncio.sleep(metrics.WORKER_HEARTBEAT_INTERVAL_S)


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

    Tracing starts when the ``OTEL_*`` variables ask for it, and the metrics server when
    ``OPEN_WORKER_METRICS_PORT`` is set (:mod:`open_backend.observability`).

    Raises:
        ValueError: ``REDIS_URL`` is not set, or the ``OTEL_*`` variables are invalid.
        OSError: the metrics port cannot be bound.
        MigrationsNotCurrentError: the database is not migrated.
    """
    tracing.configure_from_env("open-worker")
    metrics_server = metrics.start_worker_server(settings.worker_metrics_port, settings.worker_metrics_addr)
    runtime = WorkerRuntime(settings)
    try:
        await runtime.start()
    except BaseException:
        if metrics_server is not None:
            metrics_server.close()
        raise
    worker = build_worker(runtime)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT) if stopping is None else ()
    stopping = stopping if stopping is not None else asyncio.Event()
    for sig in signals:
        loop.add_signal_handler(sig, stopping.set)
    poller = asyncio.create_task(_poll(worker, stopping), name="open-worker-poll")
    heartbeat = asyncio.create_task(_heartbeat(runtime), name="open-worker-heartbeat")
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
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
            await poller
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        if worker.tasks:  # arq's bookkeeping after the last jobs (they have all ended or been handed back)
            await asyncio.wait(list(worker.tasks.values()), timeout=5)
        with contextlib.suppress(RedisError, OSError):
            await worker.close()
        await runtime.close()
        if metrics_server is not None:
            metrics_server.close()
        tracing.shutdown()  # the last spans exported
    logger.info("worker %s stopped", runtime.id)
