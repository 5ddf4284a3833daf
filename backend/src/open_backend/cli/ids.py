"""Parsing the execution ids given on the command line."""

from __future__ import annotations

import uuid

from open_backend.cli.guard import EXIT_USAGE, CommandFailed


def execution_id(text: str) -> uuid.UUID:
    """The execution id in ``text`` (a UUID, with or without dashes).

    Raises:
        CommandFailed: ``text`` is not a UUID (exit code 2).
    """
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise CommandFailed(f"{text!r} is not an execution id (a UUID)", EXIT_USAGE) from None
