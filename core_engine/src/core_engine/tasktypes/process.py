"""Running one program as a process group that speaks JSON: the engine side of ``command``.

:func:`run_command` starts ``argv`` in a new session, writes the inputs to stdin, collects
stdout (bounded) and stderr (line by line, as it comes) through a subprocess protocol that
never pauses reading, and stops the whole group on cancellation: SIGTERM, then SIGKILL once the
leader has exited or after the grace period. See :mod:`core_engine.tasktypes.command` for the
protocol. POSIX only.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from core_engine.nodelog import node_log
from core_engine.tasktypes.lines import LineSplitter

#: Where stderr lines go (one record per line, at INFO, with the program in ``extra``).
logger = logging.getLogger("core_engine.tasks.command")

#: Default ``max_output_bytes``: the largest stdout accepted, in bytes (16 MiB).
DEFAULT_MAX_OUTPUT_BYTES: Final = 16 * 1024 * 1024

#: Default ``log_tail_lines``: how many of the last stderr lines an error message quotes.
DEFAULT_LOG_TAIL_LINES: Final = 20

#: Seconds between SIGTERM and SIGKILL when a running program is cancelled.
KILL_GRACE_S: Final = 2.0

#: Variables copied from the worker's environment when ``inherit_env`` is false.
BASE_ENV: Final = ("PATH", "HOME", "LANG")

#: How many bytes of invalid stdout an error message shows.
PREVIEW_BYTES: Final = 200


class CommandFailed(Exception):
    """A ``command`` node's program failed.

    It could not start, exited with a non-zero status, was killed by a signal, wrote more than
    ``max_output_bytes`` to stdout, or wrote stdout that is not JSON.

    Attributes:
        program: ``argv[0]``.
        exit_code: the exit status (negative: killed by that signal number); ``None`` when the
            program did not start or was killed for its output.
        log_tail: the last stderr lines, oldest first (at most ``log_tail_lines``).
    """

    def __init__(
        self, message: str, program: str, exit_code: int | None = None, log_tail: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.program = program
        self.exit_code = exit_code
        self.log_tail = tuple(log_tail)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.program, self.exit_code, self.log_tail))


@dataclass(frozen=True, slots=True)
class CommandConfig:
    """A valid ``command`` config, parsed once (fields: see :mod:`core_engine.tasktypes.command`)."""

    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    inherit_env: bool = False
    cwd: str | None = None
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES
    log_tail_lines: int = DEFAULT_LOG_TAIL_LINES

    @classmethod
    def parse(cls, config: Mapping[str, Any]) -> CommandConfig:
        """The parsed form of ``config``, which ``CommandTask.config_problems`` accepted."""
        return cls(
            argv=tuple(config["argv"]),
            env=MappingProxyType(dict(config.get("env", {}))),
            inherit_env=config.get("inherit_env", False),
            cwd=config.get("cwd"),
            max_output_bytes=config.get("max_output_bytes", DEFAULT_MAX_OUTPUT_BYTES),
            log_tail_lines=config.get("log_tail_lines", DEFAULT_LOG_TAIL_LINES),
        )

    @property
    def program(self) -> str:
        """``argv[0]``, as error messages and log records name it."""
        return self.argv[0]

    def environment(self, worker: Mapping[str, str]) -> dict[str, str]:
        """The program's environment, given the worker's."""
        if self.inherit_env:
            out = dict(worker)
        else:
            out = {name: worker[name] for name in BASE_ENV if name in worker}
            out.setdefault("PATH", os.defpath)
        out.update(self.env)
        return out


def log_line(program: str, line: str, tail: collections.deque[str]) -> None:
    """Handle one stderr line of ``program``: log it and keep it in ``tail`` for errors.

    The line becomes a ``node_log`` event of the running attempt
    (:func:`~core_engine.nodelog.node_log`); outside a run it goes to the
    ``core_engine.tasks.command`` logger. Lines longer than
    :data:`~core_engine.tasktypes.lines.MAX_LINE_BYTES` arrive cut.
    """
    tail.append(line)
    if not node_log(line):
        logger.info("%s: %s", program, line, extra={"program": program})


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class _Collector(asyncio.SubprocessProtocol):
    """Collects stdout up to ``limit`` bytes and hands stderr lines on as they come.

    Past ``limit`` it kills the group and drops the rest of stdout (``overflow``). ``exited``
    is set when the program exits, ``finished`` when it has exited and every pipe is closed.
    """

    def __init__(self, limit: int, on_line: Callable[[str], None]) -> None:
        self.stdout = bytearray()
        self.overflow = False
        self.exited = asyncio.Event()
        self.finished = asyncio.Event()
        self._limit = limit
        self._stderr = LineSplitter(on_line)
        self._pid = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.SubprocessTransport)
        self._pid = transport.get_pid()

    def pipe_data_received(self, fd: int, data: bytes | bytearray) -> None:
        if fd == 2:
            self._stderr.feed(bytes(data))
        elif not self.overflow:
            if len(self.stdout) + len(data) > self._limit:
                self.overflow = True
                self.stdout.clear()
                _signal_group(self._pid, signal.SIGKILL)
            else:
                self.stdout += data

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 2:
            self._stderr.close()

    def process_exited(self) -> None:
        self.exited.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.finished.set()


async def _stop(pid: int, collector: _Collector, grace: float) -> None:
    """SIGTERM the group, SIGKILL it once the leader exits or after ``grace`` s; await the exit.

    Cancellations arriving meanwhile are held back and re-raised at the end, so the program is
    never left running.
    """
    cancelled = False
    _signal_group(pid, signal.SIGTERM)
    try:
        async with asyncio.timeout(grace):
            await collector.exited.wait()
    except TimeoutError:
        pass
    except asyncio.CancelledError:
        cancelled = True
    _signal_group(pid, signal.SIGKILL)
    while not collector.exited.is_set():
        try:
            await collector.exited.wait()
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


def _status(program: str, code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"{program!r} was killed by signal {signal.Signals(-code).name}"
        return f"{program!r} was killed by signal {-code}"
    return f"{program!r} exited with status {code}"


def _with_tail(message: str, tail: Sequence[str]) -> str:
    if not tail:
        return f"{message}; it wrote nothing to stderr"
    return f"{message}; last log lines:\n" + "\n".join(tail)


def _result(spec: CommandConfig, stdout: bytes | None, code: int, tail: Sequence[str]) -> Any:
    program = spec.program
    if stdout is None:
        message = f"{program!r} wrote more than {spec.max_output_bytes} bytes to stdout (max_output_bytes)"
        raise CommandFailed(_with_tail(message, tail), program, None, tail)
    if code != 0:
        raise CommandFailed(_with_tail(_status(program, code), tail), program, code, tail)
    if not stdout.strip():
        return None
    try:
        return json.loads(stdout)
    except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError for bytes that are not text
        preview = stdout[:PREVIEW_BYTES]
        more = "..." if len(stdout) > PREVIEW_BYTES else ""
        message = f"{program!r} wrote invalid JSON to stdout ({exc}); it begins {preview!r}{more}"
        raise CommandFailed(message, program, code, tail) from None


def _encode_inputs(program: str, params: Mapping[str, Any]) -> bytes:
    try:
        text = json.dumps(dict(params), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the inputs of {program!r} must be JSON values: {exc}") from None
    return text.encode("utf-8") + b"\n"


async def run_command(
    spec: CommandConfig, params: Mapping[str, Any], kill_grace_s: float = KILL_GRACE_S
) -> Any:
    """Run ``spec``'s program with ``params`` as its input; return its JSON result.

    Raises:
        TypeError: ``params`` are not JSON values (nothing was started).
        CommandFailed: the program could not start, failed, or wrote too much or invalid JSON.
        asyncio.CancelledError: the node was cancelled; the process group has been stopped.
    """
    payload = _encode_inputs(spec.program, params)
    tail: collections.deque[str] = collections.deque(maxlen=spec.log_tail_lines)
    collector = _Collector(spec.max_output_bytes, lambda line: log_line(spec.program, line, tail))
    try:
        transport, _ = await asyncio.get_running_loop().subprocess_exec(
            lambda: collector,
            *spec.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=spec.cwd,
            env=spec.environment(os.environ),
            start_new_session=True,
        )
    except OSError as exc:
        reason = f"{exc.strerror}: {exc.filename!r}" if exc.filename else str(exc)  # the program or cwd
        raise CommandFailed(f"cannot start {spec.program!r}: {reason}", spec.program) from None
    pid = transport.get_pid()
    try:
        stdin = transport.get_pipe_transport(0)
        assert isinstance(stdin, asyncio.WriteTransport)
        stdin.write(payload)  # what the pipe does not take at once is written as it drains
        stdin.close()  # after the buffer is written; a program that exits first just loses it
        await collector.finished.wait()
        _signal_group(pid, signal.SIGKILL)  # whatever it left behind in its group
    except BaseException:
        await _stop(pid, collector, kill_grace_s)
        raise
    finally:
        transport.close()  # our ends of the pipes (held open by escaped processes otherwise)
    code = transport.get_returncode()
    assert code is not None
    return _result(spec, None if collector.overflow else bytes(collector.stdout), code, tail)
