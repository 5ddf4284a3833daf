"""Exit codes of ``openctl`` and the guard that turns an exception into one readable line.

Every command runs its body inside :func:`guard`: a :class:`CommandFailed` prints its message
and exits with its code, a usage problem exits with 2, anything unexpected prints
``error: <type>: <message>`` (the traceback only with ``--debug``) and exits with 1.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator
from typing import Annotated, Final

import typer
from pydantic import ValidationError

from core_engine.cli.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError

__all__ = [
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CommandFailed",
    "DebugOption",
    "JsonOption",
    "error",
    "guard",
]

#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED: Final = 130

#: The ``--debug`` option every command takes.
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the full traceback of an unexpected error.")]

#: The ``--json`` option of the commands with machine-readable output.
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead.")]


class CommandFailed(Exception):
    """The command cannot do what was asked; the message is printed as ``error: <message>``.

    Args:
        message: one line naming what failed and, where there is one, what to do.
        exit_code: :data:`EXIT_FAILURE` (default) or :data:`EXIT_USAGE`.
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def error(message: str) -> None:
    """Print ``error: <message>`` on stderr."""
    typer.echo(f"error: {message}", err=True)


def settings_problem(exc: ValidationError) -> str:
    """One line for invalid settings: each variable and what is wrong with it."""
    parts = []
    for item in exc.errors():
        where = ".".join(str(part) for part in item["loc"]) or "settings"
        parts.append(f"{where}: {item['msg']}")
    return "invalid settings: " + "; ".join(parts)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"


@contextlib.contextmanager
def guard(debug: bool) -> Iterator[None]:
    """Run a command body, turning its exceptions into an ``error:`` line and an exit code.

    Raises:
        typer.Exit: always when the body raised (with the exit code), never otherwise.
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):  # Typer's own exits and usage errors
        raise
    except CommandFailed as exc:
        error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except UsageError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except ValidationError as exc:
        error(settings_problem(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        error("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as exc:
        if debug:
            traceback.print_exception(exc)
            raise typer.Exit(EXIT_FAILURE) from None
        error(f"{type(exc).__name__}: {_first_line(exc)} (--debug shows the traceback)")
        raise typer.Exit(EXIT_FAILURE) from None
