"""The Typer application behind ``openctl``.

Each command module defines ``register(app: typer.Typer) -> None``; :func:`build_app` imports
the modules named in :data:`COMMAND_MODULES` and lets each add its commands.
"""

from __future__ import annotations

import importlib
from typing import Final

import typer

#: Command modules under ``open_backend.cli``, in the order ``openctl --help`` lists them.
COMMAND_MODULES: Final[tuple[str, ...]] = (
    # platform and local commands
    "demo",
    "server",
    "worker",
    "migrate",
    "check",
    "run",
    "replay",
    "projections",
    # remote commands (through open_sdk)
    "deploy",
    "execute",
    "executions",
)


def build_app() -> typer.Typer:
    """A fresh ``openctl`` application with every command registered."""
    app = typer.Typer(
        name="openctl",
        help="OPEN: run the platform (server, worker, migrate), check and run DAGs, drive a server.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    for name in COMMAND_MODULES:
        importlib.import_module(f"open_backend.cli.{name}").register(app)
    return app


def main() -> None:
    """The ``openctl`` console script."""
    build_app()()
