"""How the API hands executions to whatever runs them.

A :class:`Dispatcher` is kept on ``app.state.executor``: the in-process executor without
``REDIS_URL`` (:class:`~open_backend.executions.inprocess.InProcessExecutor`); a queue-backed one
can implement the same two methods. With none (``app.state.executor`` missing or ``None``),
executions stay ``queued`` until a worker claims them.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol


class Dispatcher(Protocol):
    """Starts and cancels the runs of executions."""

    async def submit(self, execution_id: uuid.UUID) -> None:
        """Have the committed, ``queued`` execution ``execution_id`` run; return at once."""
        ...

    async def cancel(self, execution_id: uuid.UUID) -> bool:
        """Ask the running execution ``execution_id`` to stop.

        Returns whether a run of it exists (here or elsewhere) and will end it ``cancelled``;
        ``False`` lets the caller end the execution itself.
        """
        ...


def dispatcher_of(app: Any) -> Dispatcher | None:
    """The dispatcher on ``app.state.executor`` (``None`` when ``app`` is ``None`` or has none)."""
    if app is None:
        return None
    dispatcher: Dispatcher | None = getattr(app.state, "executor", None)
    return dispatcher
