"""A live status line on stderr: how many nodes of a run are in each state.

Feed it every event (``RunOptions(on_event=(progress.on_event,))``). On a terminal the line is
rewritten in place (``\\r``) every ``interval`` seconds (default 0.1 s, 10 Hz) while the run
lasts, so the clock ticks and no change stays hidden; elsewhere (a log file, CI) a new line is
printed on an event at most every ``interval`` seconds (default 5 s). :meth:`Progress.close` shows
the final counts. Only nodes are counted; the instances of a mapped node are not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TextIO

from core_engine.events import Event, EventKind, RunFinished, RunStarted
from core_engine.state import NodeState

#: Seconds between redraws on a terminal (10 Hz).
TTY_INTERVAL = 0.1
#: Seconds between lines when the stream is not a terminal.
LOG_INTERVAL = 5.0

_STATE_OF: dict[EventKind, NodeState] = {
    EventKind.NODE_QUEUED: NodeState.QUEUED,
    EventKind.NODE_MAPPED: NodeState.RUNNING,
    EventKind.NODE_STARTED: NodeState.RUNNING,
    EventKind.NODE_RETRYING: NodeState.RETRYING,
    EventKind.NODE_SUCCEEDED: NodeState.SUCCEEDED,
    EventKind.NODE_FAILED: NodeState.FAILED,
    EventKind.NODE_SKIPPED: NodeState.SKIPPED,
    EventKind.NODE_CANCELLED: NodeState.CANCELLED,
    EventKind.NODE_UPSTREAM_FAILED: NodeState.UPSTREAM_FAILED,
}


class Progress:
    """The status line of one run.

    Args:
        stream: where to write (usually ``sys.stderr``).
        label: text in front of the counts, e.g. the DAG name.
        tty: rewrite in place; default ``stream.isatty()``.
        interval: seconds between redraws; default :data:`TTY_INTERVAL` or :data:`LOG_INTERVAL`.
        clock: monotonic seconds (pass a fake one in tests).
    """

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        tty: bool | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty() if tty is None else tty
        self.interval = interval if interval is not None else (TTY_INTERVAL if self.tty else LOG_INTERVAL)
        self.clock = clock
        self.total = 0
        self.counts: dict[NodeState, int] = dict.fromkeys(NodeState, 0)
        self.states: dict[str, NodeState] = {}
        self.started = clock()
        self.last_draw = self.started
        self.width = 0
        self.timer: asyncio.TimerHandle | None = None
        self.finished = False

    def on_event(self, event: Event) -> None:
        """Count ``event``; redraw if the interval has passed (on a TTY a redraw is due anyway)."""
        if isinstance(event, RunStarted):
            self.total = event.node_count
            self.counts[NodeState.PENDING] = event.node_count
            self.started = self.last_draw = self.clock()
        state = _STATE_OF.get(event.kind)
        if state is not None and getattr(event, "map_index", None) is None:
            node_id: str = event.node_id  # type: ignore[union-attr]
            old = self.states.get(node_id, NodeState.PENDING)
            self.states[node_id] = state
            self.counts[old] -= 1
            self.counts[state] += 1
        elif isinstance(event, RunFinished):
            self.finished = True
        now = self.clock()
        if now - self.last_draw >= self.interval:
            self.draw()
        elif self.tty and self.timer is None:
            self._schedule(self.last_draw + self.interval - now)

    def line(self) -> str:
        """The status text: label, elapsed seconds, nodes ended of all, then non-zero counts."""
        ended = sum(n for state, n in self.counts.items() if state.is_terminal)
        counts = "  ".join(f"{state.value} {n}" for state, n in self.counts.items() if n)
        elapsed = self.clock() - self.started
        return f"{self.label}  {elapsed:.1f}s  {ended}/{self.total} nodes ended  {counts}".rstrip()

    def draw(self, text: str | None = None) -> None:
        """Show the current line now (or ``text`` in its place)."""
        self._cancel_timer()
        self.last_draw = self.clock()
        if text is None:
            text = self.line()
        if self.tty:
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        if self.tty and not self.finished:
            self._schedule(self.interval)

    def close(self, summary: str | None = None) -> None:
        """End the line with the final counts, or with ``summary`` in their place (call once
        the run has ended)."""
        self.finished = True
        self.draw(summary)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _schedule(self, delay: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # called outside an event loop: the next event draws
        self.timer = loop.call_later(max(delay, 0.0), self._deferred)

    def _deferred(self) -> None:
        self.timer = None
        self.draw()

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
