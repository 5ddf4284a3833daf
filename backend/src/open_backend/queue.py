"""The Redis connection the platform shares: an arq pool, built in the app's lifespan.

With ``REDIS_URL`` unset (the embedded default) there is no pool and executions run in-process.
Jobs carry JSON, never pickles: their arguments are ids (see the execution issue), and a JSON
payload cannot run code when a worker reads it.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Final

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.jobs import Job, JobStatus
from redis.exceptions import RedisError

from open_backend.observability.tracing import current_traceparent

logger = logging.getLogger(__name__)

#: Seconds to wait for Redis when connecting, and connection attempts at startup.
CONNECT_TIMEOUT_S: Final = 2
CONNECT_RETRIES: Final = 3


def dump_job(job: dict[str, Any]) -> bytes:
    """arq job serializer: JSON, UTF-8."""
    return json.dumps(job, separators=(",", ":")).encode("utf-8")


def load_job(data: bytes) -> dict[str, Any]:
    """arq job deserializer: the inverse of :func:`dump_job`."""
    job: dict[str, Any] = json.loads(data)
    return job


def redis_settings(url: str) -> RedisSettings:
    """arq's connection settings for ``url`` with OPEN's timeouts."""
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = CONNECT_TIMEOUT_S
    settings.conn_retries = CONNECT_RETRIES
    return settings


async def connect(url: str) -> ArqRedis:
    """An arq pool on ``url`` (``redis://``, ``rediss://`` or ``unix://``), pinged once.

    Raises:
        redis.exceptions.ConnectionError, OSError: Redis is unreachable after
            :data:`CONNECT_RETRIES` attempts.
    """
    return await create_pool(redis_settings(url), job_serializer=dump_job, job_deserializer=load_job)


#: The arq function name of the job that runs one execution. Its arguments: the id as hex, then
#: (only while tracing is on) the ``traceparent`` of the trace the run continues.
RUN_EXECUTION_JOB: Final = "run_execution"

#: arq job statuses meaning the job will still be (or is being) worked on.
_PENDING_STATUSES: Final = frozenset({JobStatus.deferred, JobStatus.queued, JobStatus.in_progress})


class ArqDispatcher:
    """Hands executions to the arq workers: one job per dispatch, its argument the execution id.

    Args:
        pool: the arq Redis pool (:func:`connect`).
        queue_name: the queue the workers read (``OPEN_QUEUE_NAME``).
    """

    def __init__(self, pool: ArqRedis, queue_name: str) -> None:
        self.pool = pool
        self.queue_name = queue_name

    async def submit(self, execution_id: uuid.UUID, job_id: str) -> None:
        """Enqueue job ``job_id`` for ``execution_id`` (and, while tracing is on, the W3C
        ``traceparent`` of the current span); a Redis failure is logged, not raised (the
        reconciler dispatches the execution again)."""
        traceparent = current_traceparent()  # the job continues the caller's trace (tracing on)
        args = (execution_id.hex,) if traceparent is None else (execution_id.hex, traceparent)
        try:
            await self.pool.enqueue_job(RUN_EXECUTION_JOB, *args, _job_id=job_id, _queue_name=self.queue_name)
        except (RedisError, OSError):
            logger.warning("could not enqueue execution %s; the reconciler will retry", execution_id)

    async def is_pending(self, job_id: str) -> bool:
        """Whether job ``job_id`` is deferred, queued or in progress.

        Raises:
            redis.exceptions.RedisError, OSError: Redis is unreachable.
        """
        status = await Job(job_id, self.pool, _queue_name=self.queue_name).status()
        return status in _PENDING_STATUSES
