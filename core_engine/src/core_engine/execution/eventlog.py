"""A run's event log, kept compact: the typed events are made when the log is read.

A run of n nodes emits about 3n events, most of them the same three per node: queued, started
(first attempt) and succeeded. Kept as :mod:`core_engine.events` named tuples they cost ~130
bytes each, and being tuple *subclasses* they stay tracked by the cyclic garbage collector for
the whole run (CPython untracks only exact tuples of untracked values), so a wide run keeps
triggering full collections that walk every one of them. The log keeps those three kinds as a
one-byte code, the event's ``ts`` and the node id (plus, for a success, one exact tuple), and
every other event as the typed event itself. ``seq`` is the position in the log.

Reading (``log[seq]``, iteration, slices) makes a typed event equal to the one emitted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from core_engine.events import Event, NodeQueued, NodeStarted, NodeSucceeded

# What ``data[seq]`` holds, by the event's code in ``kinds[seq]``.
TYPED = 0  # the typed event itself (every kind, every case)
QUEUED = 1  # node id: NodeQueued of a node (map_index None)
STARTED = 2  # node id: NodeStarted of a node's attempt 1 (map_index None)
SUCCEEDED = 3  # (node id, attempt, duration, result): NodeSucceeded of a node, not resumed

_new = tuple.__new__  # makes a named tuple from its fields without its Python-level __new__


class EventLog(Sequence[Event]):
    """The events of one run in ``seq`` order; append-only.

    The scheduler appends the compact kinds straight to the three columns (``kinds``,
    ``stamps``, ``data``), keeping them the same length; :meth:`append` takes any typed event.
    """

    __slots__ = ("data", "kinds", "stamps")

    def __init__(self) -> None:
        self.kinds = bytearray()
        self.stamps: list[float] = []
        self.data: list[Any] = []

    def append(self, event: Event) -> None:
        """Append a typed event; its ``seq`` must be ``len(self)``."""
        self.kinds.append(TYPED)
        self.stamps.append(event.ts)
        self.data.append(event)

    def __len__(self) -> int:
        return len(self.kinds)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [self._event(seq) for seq in range(*index.indices(len(self.kinds)))]
        seq = index.__index__()
        if seq < 0:
            seq += len(self.kinds)
        if not 0 <= seq < len(self.kinds):
            raise IndexError("event log index out of range")
        return self._event(seq)

    def __iter__(self) -> Iterator[Event]:
        event = self._event
        for seq in range(len(self.kinds)):
            yield event(seq)

    def __repr__(self) -> str:
        return f"<EventLog: {len(self.kinds)} events>"

    def _event(self, seq: int) -> Event:
        code = self.kinds[seq]
        data = self.data[seq]
        if code == TYPED:
            event: Event = data
        elif code == QUEUED:
            event = _new(NodeQueued, (seq, self.stamps[seq], data, None))
        elif code == STARTED:
            event = _new(NodeStarted, (seq, self.stamps[seq], data, None, 1))
        else:
            node_id, attempt, duration, result = data
            event = _new(
                NodeSucceeded, (seq, self.stamps[seq], node_id, None, attempt, duration, result, False)
            )
        return event
