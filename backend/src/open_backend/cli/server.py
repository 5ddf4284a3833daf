"""``openctl server``: serve the platform (GraphQL API, health and sign-in routes) with uvicorn.

The app is :func:`open_backend.app.create_app` on the settings of the environment. With no
``DATABASE_URL`` it uses the embedded SQLite database in ``OPEN_DATA_DIR``, migrated at startup;
a PostgreSQL database must be migrated first (``openctl migrate``), which is checked here
before uvicorn starts. With no ``REDIS_URL`` the server runs executions itself (in-process);
with it, executions go to the queue for ``openctl worker`` processes. Logs, uvicorn's own
included, are written as ``OPEN_LOG_FORMAT`` says (JSON lines in production).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn

from open_backend.app import create_app
from open_backend.cli.database import describe, load_settings
from open_backend.cli.guard import CommandFailed, DebugOption, guard
from open_backend.cli.helptext import help_text
from open_backend.db.migrate import migration_status
from open_backend.observability.logging import uvicorn_log_config
from open_backend.settings import Settings

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def register(app: typer.Typer) -> None:
    """Add ``server`` to ``app``."""
    app.command("server", help=help_text(__doc__))(server)


async def _check_migrated(settings: Settings) -> None:
    status = await migration_status(settings.database_url)
    if not status.is_current:
        current = ", ".join(status.current) or "no revision"
        raise CommandFailed(
            f"the database {describe(settings.database_url)} is at {current}, not at "
            f"{', '.join(status.head)}: run `openctl migrate` first"
        )


def server(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port to listen on.")] = 8000,
    log_level: Annotated[
        str | None,
        typer.Option(help=f"Log level, one of {', '.join(LOG_LEVELS)} (default: OPEN_LOG_LEVEL)."),
    ] = None,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        if log_level is not None and log_level not in LOG_LEVELS:
            raise CommandFailed(f"--log-level must be one of {', '.join(LOG_LEVELS)}", 2)
        settings = load_settings()
        level = log_level or settings.log_level.lower()
        if settings.database_backend != "sqlite":
            asyncio.run(_check_migrated(settings))
        config = uvicorn.Config(
            create_app(settings),
            host=host,
            port=port,
            log_level=level,
            log_config=uvicorn_log_config(settings.log_format, level),
            lifespan="on",
        )
        instance = uvicorn.Server(config)
        instance.run()
        if not instance.started:
            raise CommandFailed("the server did not start (its log above says why)")
