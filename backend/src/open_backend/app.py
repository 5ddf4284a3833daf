"""The ASGI application: ``uvicorn open_backend.app:create_app --factory``.

:func:`create_app` wires settings, routes and a lifespan. Startup builds the database engine
and makes sure the schema is current: the embedded SQLite database is migrated automatically,
while a PostgreSQL database must have been migrated beforehand (``python -m open_backend.db.migrate``)
and the app refuses to start otherwise. Shutdown disposes of the engine.

While the app runs, ``app.state`` holds ``settings`` (:class:`Settings`), ``engine``
(:class:`AsyncEngine`), ``sessions`` (an ``async_sessionmaker`` of SQLModel sessions),
``tokens`` (the :class:`~open_backend.auth.tokens.TokenService`) and ``sign_in_limiter`` (the
process's :class:`~open_backend.auth.rate_limit.SignInLimiter`): what the GraphQL context of
each request is made of. ``executor`` is the in-process executor running executions when
``REDIS_URL`` is unset (with a reconciler resuming what a crashed server left), else the arq
dispatcher; shutdown hands the executions the in-process executor still runs back to the queue
(their events written) so the next start resumes them. ``bus`` is the live event bus
(:mod:`open_backend.live`): Redis pub/sub with ``REDIS_URL``, else in-process. The GraphQL API is
served at ``/graphql`` (:mod:`open_backend.graphql.view`), the process's Prometheus metrics at
``/metrics``; with the ``OTEL_*`` variables set, requests and queries are traced
(:mod:`open_backend.observability`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from open_backend.auth.rate_limit import SignInLimiter
from open_backend.auth.tokens import TokenService
from open_backend.db.engine import create_engine, session_factory
from open_backend.db.migrate import MigrationsNotCurrentError, migration_status, upgrade_database
from open_backend.executions.dispatch import Dispatcher
from open_backend.executions.inprocess import InProcessExecutor
from open_backend.executions.reconciler import Reconciler
from open_backend.executions.runner import RunnerDeps
from open_backend.graphql.view import graphql_routes
from open_backend.health import health_routes
from open_backend.live.local_bus import LocalEventBus
from open_backend.live.redis_bus import RedisEventBus
from open_backend.observability import tracing
from open_backend.observability.metrics import metrics_routes
from open_backend.oidc_routes import oidc_routes
from open_backend.queue import ArqDispatcher, connect
from open_backend.services.dags import task_types
from open_backend.settings import Settings, get_settings
from open_backend.spa import spa_routes


async def prepare_database(engine: AsyncEngine) -> None:
    """Bring SQLite to the head revision; check that PostgreSQL is already there.

    Raises:
        MigrationsNotCurrentError: a PostgreSQL database is not at the head revision.
        sqlalchemy.exc.SQLAlchemyError, OSError: the database is unreachable or a migration failed.
    """
    if engine.dialect.name == "sqlite":
        await upgrade_database(engine)
        return
    status = await migration_status(engine)
    if not status.is_current:
        raise MigrationsNotCurrentError(status)


def _executor(app: Starlette, settings: Settings) -> tuple[Dispatcher, Reconciler | None]:
    """The app's dispatcher: the arq queue with ``REDIS_URL`` (the workers reconcile), else the
    in-process executor with its own reconciler (it resumes what a crashed server left)."""
    if app.state.redis is not None:
        return ArqDispatcher(app.state.redis, settings.queue_name), None
    deps = RunnerDeps(
        app.state.sessions,
        settings,
        registry=task_types(settings),
        bus=app.state.bus,
    )
    executor = InProcessExecutor(deps)
    reconciler = Reconciler(
        app.state.sessions,
        executor,
        interval_s=settings.reconcile_interval_s,
        redispatch_after_s=settings.redispatch_after_s,
        check_all_at_start=True,
    )
    return executor, reconciler


def create_app(settings: Settings | None = None) -> Starlette:
    """The backend's Starlette application for ``settings`` (default: :func:`get_settings`).

    Nothing touches the database until the lifespan starts.

    Raises:
        pydantic.ValidationError: ``settings`` is omitted and the environment is invalid.
        ValueError: the ``OTEL_*`` variables ask for an unsupported exporter or protocol.
    """
    settings = settings if settings is not None else get_settings()
    tracing.configure_from_env("open-backend")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings)
        try:
            await prepare_database(engine)
            app.state.engine = engine
            app.state.sessions = session_factory(engine)
            app.state.tokens = TokenService(settings)
            app.state.sign_in_limiter = SignInLimiter()
            app.state.redis = await connect(settings.redis_url) if settings.redis_url else None
            app.state.bus = RedisEventBus(settings.redis_url) if settings.redis_url else LocalEventBus()
            await app.state.bus.start()
            executor, reconciler = _executor(app, settings)
            app.state.executor = executor
            if reconciler is not None:
                reconciler.start()
            try:
                yield
            finally:
                if reconciler is not None:
                    await reconciler.stop()
                if isinstance(executor, InProcessExecutor):  # runs go back to the queue, events written
                    await executor.shutdown()
                await app.state.bus.close()  # after the runs: their last events are sent
                if app.state.redis is not None:
                    await app.state.redis.aclose()
        finally:
            await engine.dispose()
            tracing.shutdown()  # the last spans exported

    routes = [*health_routes(), *metrics_routes(), *graphql_routes(settings), *oidc_routes(settings)]
    routes += spa_routes(settings)  # last: the web app's fallback answers what no route does
    app = Starlette(routes=routes, lifespan=lifespan)
    tracing.instrument_app(app)
    app.state.settings = settings
    return app
