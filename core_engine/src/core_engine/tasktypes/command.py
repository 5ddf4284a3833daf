"""``command``: a node that runs a program, in any language, speaking JSON over standard streams.

The protocol (worked example in docs/core-engine.md, "Task types"):

* the program is started from ``argv`` without a shell (``argv[0]`` is looked up on the
  child's ``PATH``; use ``["sh", "-c", "..."]`` to get one), in ``cwd``, in a new session;
* its environment is minimal: ``PATH``, ``HOME`` and ``LANG`` copied from the worker when set
  (``PATH`` defaults to ``os.defpath``), then ``env``; with ``inherit_env`` it is the worker's
  whole environment, then ``env``;
* stdin receives the node's parameters as one JSON object and a newline, then end-of-file;
* stdout, read whole, is the node's result as JSON (blank: ``None``); more than
  ``max_output_bytes`` kills the program and fails the node;
* stderr is read line by line as it comes: each line goes to
  :func:`~core_engine.tasktypes.process.log_line` (the ``core_engine.tasks.command`` logger,
  and a tail of ``log_tail_lines`` lines for errors);
* exit status 0 succeeds; anything else raises
  :class:`~core_engine.tasktypes.process.CommandFailed` with the status and the
  tail of the log.

The program is the leader of its own process group. When the node is cancelled (node timeout,
run cancelled, ``fail_fast``), the whole group gets SIGTERM, then SIGKILL once the leader has
exited or after ``kill_grace_s`` seconds (default :data:`KILL_GRACE_S`), and the cancellation
propagates. Processes still in the group when the program ends are killed too. A process that
leaves the group (``setsid``) escapes this. POSIX only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from core_engine.tasktypes.checks import bool_problem, int_problem, unknown_fields
from core_engine.tasktypes.process import (
    DEFAULT_LOG_TAIL_LINES,
    DEFAULT_MAX_OUTPUT_BYTES,
    KILL_GRACE_S,
    CommandConfig,
    run_command,
)
from core_engine.tasktypes.protocol import TaskCallable

#: The largest ``max_output_bytes`` a config may set, in bytes (1 GiB): stdout is held in memory.
MAX_OUTPUT_BYTES: Final = 1024 * 1024 * 1024

#: The largest ``log_tail_lines`` a config may set.
MAX_LOG_TAIL_LINES: Final = 1000

_FIELDS: Final = ("argv", "env", "inherit_env", "cwd", "max_output_bytes", "log_tail_lines")


def _string_problems(value: object, key: str, what: str) -> list[tuple[str, str]]:
    if not isinstance(value, str) or not value:
        return [(key, f"must be a non-empty string, {what}")]
    if "\0" in value:
        return [(key, "must not contain NUL characters")]
    return []


def config_problems(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem of a ``command`` config, as ``(field, message)``."""
    out = unknown_fields(config, _FIELDS, "command")
    argv = config.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        out.append(("argv", "must be a non-empty list of strings: the program, then its arguments"))
    elif not argv[0]:
        out.append(("argv", "must start with the program's name or path, not an empty string"))
    elif any("\0" in arg for arg in argv):
        out.append(("argv", "must not contain NUL characters"))
    env = config.get("env", {})
    if not isinstance(env, Mapping):
        out.append(("env", "must be an object of variable names to string values"))
    else:
        for name, value in sorted(env.items()):
            if not name or "=" in name or "\0" in name:
                out.append((f"env.{name}", "is not a valid variable name (empty, or with '=' or NUL)"))
            elif not isinstance(value, str) or "\0" in value:
                out.append((f"env.{name}", "must be a string without NUL characters"))
    out.extend(bool_problem(config, "inherit_env"))
    if "cwd" in config:
        out.extend(_string_problems(config["cwd"], "cwd", "the program's working directory"))
    out.extend(int_problem(config, "max_output_bytes", 1, MAX_OUTPUT_BYTES))
    out.extend(int_problem(config, "log_tail_lines", 0, MAX_LOG_TAIL_LINES))
    return out


class CommandTask:
    """``command``: run a program with JSON on stdin and stdout, stderr as its log.

    Args:
        kill_grace_s: seconds between SIGTERM and SIGKILL when a running program is cancelled.
    """

    name = "command"
    description = (
        "Run a program (any language) with the node's inputs as JSON on stdin; "
        "its stdout is the JSON result and its stderr the log."
    )
    config_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {
            "argv": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "The program (looked up on PATH) and its arguments; no shell is involved.",
            },
            "env": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Environment variables added to the minimal environment (PATH, HOME, LANG).",
            },
            "inherit_env": {
                "type": "boolean",
                "default": False,
                "description": "Start from the worker's whole environment instead of PATH, HOME and LANG.",
            },
            "cwd": {"type": "string", "minLength": 1, "description": "Working directory of the program."},
            "max_output_bytes": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_OUTPUT_BYTES,
                "default": DEFAULT_MAX_OUTPUT_BYTES,
                "description": "Largest stdout accepted, in bytes; more kills the program, failing the node.",
            },
            "log_tail_lines": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_LOG_TAIL_LINES,
                "default": DEFAULT_LOG_TAIL_LINES,
                "description": "How many of the last stderr lines an error message quotes.",
            },
        },
        "required": ["argv"],
        "additionalProperties": False,
    }

    def __init__(self, kill_grace_s: float = KILL_GRACE_S) -> None:
        self.kill_grace_s = kill_grace_s

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return config_problems(config)

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        spec = CommandConfig.parse(config)
        grace = self.kill_grace_s

        async def command(**params: Any) -> Any:
            return await run_command(spec, params, grace)

        return command
