"""Process logs: JSON lines in production, readable text in development, each with its context.

``OPEN_LOG_FORMAT`` picks the format (``json`` or ``text``; default ``json`` when
``OPEN_ENV=production``, else ``text``) and ``OPEN_LOG_LEVEL`` the level (default ``INFO``).
Every record carries ``execution_id`` (set by the runner for the run's code, see
:func:`execution_context`) and, while a span is current, ``trace_id`` and ``span_id`` (hex, as
trace back-ends show them), so a log line leads to its trace.

A JSON line: ``{"timestamp": "...", "level": "INFO", "logger": "open_backend.worker.runtime",
"message": "...", "execution_id": "...", "trace_id": "...", "span_id": "..."}`` (absent ids are
left out; an exception adds ``exc_info`` with its traceback).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Final

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

#: The run whose code is running in the current context (hex id), if any.
EXECUTION_ID: Final[ContextVar[str | None]] = ContextVar("open_execution_id", default=None)

#: The text format: the same as before structured logging, plus the ids when present.
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: The fields of a JSON line, before renaming.
JSON_FIELDS: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"

_CONTEXT_FIELDS: Final = ("execution_id", "trace_id", "span_id")


class LogFormat(enum.StrEnum):
    """How log records are written (``OPEN_LOG_FORMAT``)."""

    JSON = "json"  # one JSON object per line, for log collectors (Loki, Elasticsearch, ...)
    TEXT = "text"  # one readable line per record, for a terminal


@contextlib.contextmanager
def execution_context(execution_id: str) -> Iterator[None]:
    """Tag the records logged in the block (and in tasks it starts) with ``execution_id``."""
    token = EXECUTION_ID.set(execution_id)
    try:
        yield
    finally:
        EXECUTION_ID.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``execution_id``, ``trace_id`` and ``span_id`` (``None`` when absent) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate ``record``; never drops it."""
        record.execution_id = EXECUTION_ID.get()
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            record.trace_id = format(context.trace_id, "032x")
            record.span_id = format(context.span_id, "016x")
        else:
            record.trace_id = record.span_id = None
        return True


class TextFormatter(logging.Formatter):
    """:data:`TEXT_FORMAT`, followed by ``[execution=... trace=...]`` when the record has them."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The record as one readable line (and its traceback, if any)."""
        line = super().format(record)
        tags = [
            f"{name}={value}"
            for name, value in (
                ("execution", getattr(record, "execution_id", None)),
                ("trace", getattr(record, "trace_id", None)),
            )
            if value
        ]
        if not tags:
            return line
        first, newline, rest = line.partition("\n")
        return f"{first} [{' '.join(tags)}]{newline}{rest}"


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter with OPEN's field names; ``None`` ids are left out."""

    def __init__(self) -> None:
        super().__init__(
            JSON_FIELDS,
            rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger"},
            timestamp=False,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        """The standard fields, then the context ids that are set."""
        super().add_fields(log_data, record, message_dict)
        for name in _CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                log_data[name] = value
            else:
                log_data.pop(name, None)


def make_formatter(log_format: LogFormat | str) -> logging.Formatter:
    """The formatter of ``log_format`` (``json`` or ``text``).

    Raises:
        ValueError: another format.
    """
    return JsonLineFormatter() if LogFormat(log_format) is LogFormat.JSON else TextFormatter()


def handler(log_format: LogFormat | str) -> logging.Handler:
    """A standard-error handler writing ``log_format`` records with their context ids."""
    out = logging.StreamHandler(sys.stderr)
    out.setFormatter(make_formatter(log_format))
    out.addFilter(ContextFilter())
    return out


def configure_logging(log_format: LogFormat | str, level: str = "INFO") -> None:
    """Send every record of ``level`` and above to standard error in ``log_format``; replaces the
    root logger's handlers (a process calls this once, at start).

    Raises:
        ValueError: an unknown format or level.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(log_format))
    root.setLevel(level.upper())


def uvicorn_log_config(log_format: LogFormat | str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn (its ``log_config``): uvicorn's own loggers and
    the application's all go to the root handler of ``log_format``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"open": {"()": make_formatter, "log_format": str(log_format)}},
        "filters": {"context": {"()": ContextFilter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "open",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            name: {"handlers": [], "level": level.upper(), "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
