"""What the remote commands (``deploy``, ``execute``, ``executions``) share: the server and
credential options, the :class:`open_sdk.Client` they make, SDK errors as readable lines (and
as JSON under ``--json``), and JSON output of the SDK's models.

Options fall back to the SDK's environment variables: ``--server`` to ``OPEN_SERVER_URL``
(default ``http://127.0.0.1:8000``), ``--api-key`` to ``OPEN_API_KEY``, ``--token`` to
``OPEN_TOKEN``, ``--organization`` to ``OPEN_ORGANIZATION``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

import typer

from open_backend.cli.guard import EXIT_FAILURE, EXIT_USAGE, CommandFailed
from open_sdk import AuthenticationError, Client, NetworkError, OpenError, PermissionDenied, ValidationError

ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server", envvar="OPEN_SERVER_URL", help="The OPEN server (default http://127.0.0.1:8000)."
    ),
]
ApiKeyOption = Annotated[
    str | None, typer.Option("--api-key", envvar="OPEN_API_KEY", help="An API key of the organization.")
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="OPEN_TOKEN", help="A user's access token (when no API key is given)."),
]
OrganizationOption = Annotated[
    str | None,
    typer.Option("--organization", envvar="OPEN_ORGANIZATION", help="The organization id a user acts in."),
]


def connect(server: str | None, api_key: str | None, token: str | None, organization: str | None) -> Client:
    """A blocking SDK client for the options (close it after use).

    Raises:
        CommandFailed: a malformed server URL, or both an API key and a token (usage, exit 2).
    """
    try:
        return Client(server, api_key=api_key, token=token or None, organization=organization)
    except ValueError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from None


def describe(exc: OpenError) -> str:
    """One readable line for an SDK error, with what to do where that is clear."""
    if isinstance(exc, NetworkError):
        return f"{exc.message} (is the server running? --server or OPEN_SERVER_URL names it)"
    if isinstance(exc, AuthenticationError):
        return f"not authenticated: {exc.message} (pass --api-key or set OPEN_API_KEY)"
    if isinstance(exc, PermissionDenied):
        return f"not allowed: {exc.message}"
    if isinstance(exc, ValidationError):
        parts = [exc.message]
        parts += [f"param {name}: {problem}" for name, problem in exc.params.items()]
        parts += [
            f"{issue.get('node_id') or 'dag'}"
            f"{'.' + issue['field'] if issue.get('field') else ''}: {issue.get('message')}"
            for issue in exc.issues
        ]
        return "; ".join(dict.fromkeys(parts))
    return exc.message


@contextlib.contextmanager
def sdk_errors(as_json: bool) -> Iterator[None]:
    """Turn an SDK error of the block into :class:`CommandFailed` (exit 1); with ``as_json`` also
    print ``{"error": {"code", "message", "details"}}`` on stdout for scripts."""
    try:
        yield
    except OpenError as exc:
        if as_json:
            emit({"error": {"code": exc.code, "message": exc.message, "details": exc.details}})
        raise CommandFailed(describe(exc), EXIT_FAILURE) from None


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses as objects, datetimes in ISO 8601, enums by value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def emit(value: Any, *, lines: bool = False) -> None:
    """Print ``value`` as JSON on stdout: indented, or on one line with ``lines`` (JSON Lines)."""
    typer.echo(json.dumps(plain(value), indent=None if lines else 2, sort_keys=False))
