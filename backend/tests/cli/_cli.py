"""Calling ``openctl`` in-process (Typer's ``CliRunner``) with a chosen environment."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from typer.testing import CliRunner, Result

from open_backend.cli.app import build_app


def invoke(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """Run ``openctl ARGS`` with ``env`` added to the environment (``None`` unsets a variable);
    stdout and stderr are captured apart."""
    return CliRunner().invoke(build_app(), list(args), env=dict(env or {}))


async def invoke_async(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
    """:func:`invoke` from a test running in an event loop (the command runs its own loop, in a thread)."""
    return await asyncio.to_thread(invoke, *args, env=env)
