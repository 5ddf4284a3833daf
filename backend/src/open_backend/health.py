"""Liveness and readiness probes.

``GET /healthz`` answers 200 as long as the process serves requests. ``GET /readyz`` answers 200
when the database is reachable and its schema is at the head revision (and, when ``REDIS_URL``
is set, Redis answers a ping), else 503 with a JSON reason: ``database_unreachable`` (details go
to the log, not to the caller), ``migrations_not_current`` (with the current and expected
revisions) or ``redis_unreachable``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from open_backend.db.migrate import migration_status

#: Longest a readiness check waits for the database, in seconds.
READINESS_TIMEOUT_S: Final = 5.0

logger = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    """200 ``{"status": "ok"}``: the process is alive."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """200 ``{"status": "ready", "revision": [...]}`` or 503 ``{"status": "unavailable", "reason": ...}``."""
    engine: AsyncEngine = request.app.state.engine
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_S):
            status = await migration_status(engine)
    except (SQLAlchemyError, OSError, TimeoutError):
        logger.warning("readiness check: the database is unreachable", exc_info=True)
        return JSONResponse({"status": "unavailable", "reason": "database_unreachable"}, status_code=503)
    if not status.is_current:
        return JSONResponse(
            {
                "status": "unavailable",
                "reason": "migrations_not_current",
                "current": list(status.current),
                "head": list(status.head),
            },
            status_code=503,
        )
    redis = getattr(request.app.state, "redis", None)
    if redis is not None:
        try:
            async with asyncio.timeout(READINESS_TIMEOUT_S):
                await redis.ping()
        except (RedisError, OSError, TimeoutError):
            logger.warning("readiness check: Redis is unreachable", exc_info=True)
            return JSONResponse({"status": "unavailable", "reason": "redis_unreachable"}, status_code=503)
    return JSONResponse({"status": "ready", "revision": list(status.current)})


def health_routes() -> list[Route]:
    """The ``/healthz`` and ``/readyz`` routes (GET only)."""
    return [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
