"""The Redis connection the platform shares: an arq pool, built in the app's lifespan.

With ``REDIS_URL`` unset (the embedded default) there is no pool and executions run in-process.
Jobs carry JSON, never pickles: their arguments are ids (see the execution issue), and a JSON
payload cannot run code when a worker reads it.
"""

from __future__ import annotations

import json
from typing import Any, Final

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

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


async def connect(url: str) -> ArqRedis:
    """An arq pool on ``url`` (``redis://``, ``rediss://`` or ``unix://``), pinged once.

    Raises:
        redis.exceptions.ConnectionError, OSError: Redis is unreachable after
            :data:`CONNECT_RETRIES` attempts.
    """
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = CONNECT_TIMEOUT_S
    settings.conn_retries = CONNECT_RETRIES
    return await create_pool(settings, job_serializer=dump_job, job_deserializer=load_job)
