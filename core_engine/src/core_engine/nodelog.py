"""Log lines of running attempts as ``node_log`` events.

A node whose task is a task type (``command``, ``http``, ...) runs its attempts with an
:class:`AttemptLog` in a context variable; :func:`node_log` turns a line into a
:class:`~core_engine.events.NodeLog` event of that attempt. The ``command`` type sends each
stderr line of its program here. Nodes with plain callables are not given one (their hot path
stays free of it): there :func:`node_log` returns ``False`` and callers log elsewhere.

Limits per attempt, so that a chatty program cannot flood an event log: lines are cut at
:data:`MAX_LINE_CHARS` characters, and at most :data:`MAX_LINES_PER_ATTEMPT` lines and
:data:`MAX_BYTES_PER_ATTEMPT` bytes (UTF-8) are kept; then one last line, :data:`DROPPED_LINE`,
says the rest was dropped.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from typing import TYPE_CHECKING, Final

from core_engine.events import NodeLog
from core_engine.state import NodeState

if TYPE_CHECKING:
    from core_engine.execution.scheduler import Run, Unit

#: Invocation mode of attempts that run with an :class:`AttemptLog` (after ``invoke.BROKEN``).
LOGGED: Final = 5

#: Longest line kept, in characters (16 Ki); the rest is cut off and marked.
MAX_LINE_CHARS: Final = 16 * 1024
#: Most lines one attempt keeps.
MAX_LINES_PER_ATTEMPT: Final = 10_000
#: Most bytes (UTF-8, all lines together) one attempt keeps: 1 MiB.
MAX_BYTES_PER_ATTEMPT: Final = 1024 * 1024
#: The last line of an attempt whose log hit a limit.
DROPPED_LINE: Final = "[log limit reached: further lines of this attempt are dropped]"
_CUT_MARK: Final = " [line cut]"

_current: ContextVar[AttemptLog | None] = ContextVar("core_engine_attempt_log", default=None)


class AttemptLog:
    """Where the log lines of one attempt go: the run's event log, within the limits above.

    Thread-safe: a line given from another thread (a task's worker thread) is handed to the
    run's event loop, which records it in the order lines arrive.
    """

    __slots__ = ("_bytes", "_lines", "_thread", "attempt", "map_index", "node_id", "run", "unit")

    def __init__(self, run: Run, unit: Unit, node_id: str, map_index: int | None, attempt: int) -> None:
        self.run = run
        self.unit = unit
        self.node_id = node_id
        self.map_index = map_index
        self.attempt = attempt
        self._lines = 0
        self._bytes = 0
        self._thread = threading.get_ident()

    def write(self, line: str) -> None:
        """Record ``line`` (from any thread); dropped once the attempt has ended or hit a limit."""
        if threading.get_ident() != self._thread:
            self.run.loop.call_soon_threadsafe(self.write, line)
            return
        if self._lines > MAX_LINES_PER_ATTEMPT or not self._live():
            return
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + _CUT_MARK
        size = len(line.encode("utf-8", "replace"))
        if self._lines == MAX_LINES_PER_ATTEMPT or self._bytes + size > MAX_BYTES_PER_ATTEMPT:
            line = DROPPED_LINE
            self._lines = MAX_LINES_PER_ATTEMPT
        self._lines += 1
        self._bytes += size
        run = self.run
        run.emit(NodeLog(run.next_seq(), run.clock(), self.node_id, self.map_index, self.attempt, line))

    def _live(self) -> bool:
        """The attempt still runs: it is the unit's latest and the run has not ended."""
        run = self.run
        if run.stopping or self.unit not in run.inflight:
            return False
        unit = self.unit
        rec = run.recs[unit] if type(unit) is int else run.recs[unit[0]].instances[unit[1]]  # type: ignore[index]
        return rec.attempts == self.attempt and rec.state is NodeState.RUNNING


def bind(log: AttemptLog) -> None:
    """Make ``log`` the current attempt's log (in the calling task's own context)."""
    _current.set(log)


def node_log(line: str) -> bool:
    """Record ``line`` as a ``node_log`` event of the attempt running in this context.

    Works in task-type nodes (and in threads they start with ``asyncio.to_thread``, which
    copies the context). Returns ``False``, recording nothing, where no attempt log is bound
    (plain callable tasks, code outside a run): the caller should log the line elsewhere.
    """
    log = _current.get()
    if log is None:
        return False
    log.write(line)
    return True
