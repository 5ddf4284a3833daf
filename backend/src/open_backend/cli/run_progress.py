"""The live display of a local run: a rich progress bar of the nodes ended out of all.

:class:`RunProgress` reuses core_engine's event counting (:class:`core_engine.cli.progress.Progress`)
and only replaces its drawing: each event updates a task of a :class:`rich.progress.Progress`,
which rich redraws about ten times a second from its own thread while the run lasts (on a
terminal; elsewhere it shows the final state once). Mapped instances are not counted.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from core_engine.cli.progress import Progress as EventCounts


def progress_display(console: Console | None = None) -> Progress:
    """A rich progress display for one run, on ``console`` (default: stderr)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("nodes"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[counts]}"),
        console=console if console is not None else Console(stderr=True),
    )


class RunProgress(EventCounts):
    """Counts a run's nodes by state from its events and shows them on ``display``.

    Args:
        display: the rich progress display (started by the caller: ``with display:``).
        label: the task's description, e.g. the DAG name.
    """

    def __init__(self, display: Progress, label: str) -> None:
        super().__init__(sys.stderr, label, tty=False, interval=0.0)
        self.display = display
        self.task: TaskID = display.add_task(label, total=None, counts="")

    def draw(self, text: str | None = None) -> None:
        """Update the rich task: nodes ended of all, and how many are in each unfinished state."""
        ended = sum(n for state, n in self.counts.items() if state.is_terminal)
        waiting = "  ".join(
            f"{state.value} {n}" for state, n in self.counts.items() if n and not state.is_terminal
        )
        self.display.update(self.task, total=self.total or None, completed=ended, counts=waiting)
