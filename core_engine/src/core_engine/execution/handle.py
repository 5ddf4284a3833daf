"""Starting runs and following them: :func:`start`, :func:`execute`, :func:`run`.

result = await execute(dag, {"n": 3}, max_concurrency=8)
result.state.status            # RunStatus.SUCCEEDED
result.results["report"]       # a node's result

handle = start(dag)            # inside a running event loop
async for event in handle.events():
    ...
state = await handle.wait()
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from core_engine.dag import DAG
from core_engine.errors import ParamsError
from core_engine.events import Event
from core_engine.execution.options import RunOptions
from core_engine.execution.scheduler import Run
from core_engine.node import ParamSpec
from core_engine.state import RunState, RunStatus
from core_engine.validate import param_value_fits


class RunResult:
    """A finished run: its final state and its complete event log (sequence order).

    ``events`` is a list of typed events. A run keeps its log compact and most callers never
    read it event by event, so the list is made on first read (``RunResult(state, events)``
    also takes a ready list, kept as it is). Immutable, like the run it describes.
    """

    __slots__ = ("_events", "_log", "_state")

    def __init__(self, state: RunState, events: Sequence[Event]) -> None:
        self._state = state
        self._log = events
        self._events: list[Event] | None = events if isinstance(events, list) else None

    @property
    def state(self) -> RunState:
        """The run's final state."""
        return self._state

    @property
    def events(self) -> list[Event]:
        """Every event of the run, in ``seq`` order."""
        if self._events is None:
            self._events = list(self._log)
        return self._events

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunResult):
            return NotImplemented
        return self._state == other._state and self.events == other.events

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # Short on purpose: asyncio.run() reprs its main task's result on exit, and a full
        # repr of a large run costs more than running it.
        return f"<RunResult {self._state.run_id} {self._state.status.value}, {len(self._log)} events>"

    @property
    def status(self) -> RunStatus:
        """How the run ended."""
        return self._state.status

    @property
    def results(self) -> dict[str, Any]:
        """Results of the succeeded nodes by id."""
        return self._state.results()


class RunHandle:
    """A run in progress. Made by :func:`start`; all methods run on the run's event loop."""

    def __init__(self, run: Run) -> None:
        self._run = run

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self._run.run_id

    @property
    def done(self) -> bool:
        """Whether the run has ended."""
        return self._run.done.done()

    def cancel(self) -> None:
        """Cancel the run: running attempts are cancelled, nothing new starts, open nodes end
        ``cancelled`` and the run ends ``cancelled``. Does nothing once the run has ended.

        Called from an ``on_event`` callback, nothing new starts from then on and the run ends
        on the next turn of the event loop, after the event being delivered is fully recorded.
        """
        self._run.stop(RunStatus.CANCELLED)

    def state(self) -> RunState:
        """The state now (final once :attr:`done`)."""
        return self._run.state()

    async def wait(self) -> RunResult:
        """Wait for the end of the run and return its result.

        If the waiting task is cancelled, the run is cancelled too.
        """
        try:
            await asyncio.shield(self._run.done)
        except asyncio.CancelledError:
            self.cancel()
            raise
        return RunResult(self._run.state(), self._run.log)  # the log is final: nothing follows run_finished

    async def events(self, after: int = -1) -> AsyncIterator[Event]:
        """Every event with ``seq > after``, in order: first those already emitted, then live
        ones as they come; ends after ``run_finished``."""
        run = self._run
        position = after + 1
        while True:
            events = run.log
            while position < len(events):
                yield events[position]
                position += 1
            if run.done.done():
                return
            waiter: asyncio.Future[None] = run.loop.create_future()
            run.watch(waiter)
            await waiter


def resolve_params(declared: Mapping[str, ParamSpec], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """Run parameters with defaults filled in.

    Raises:
        ParamsError: naming every unknown, missing or ill-typed parameter.
    """
    given = dict(given or {})
    problems: dict[str, str] = {}
    for name in sorted(set(given) - set(declared)):
        problems[name] = "is not a parameter of this DAG"
    out: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in given:
            value = given[name]
            if not param_value_fits(value, spec.type):
                problems[name] = f"must be of type {spec.type}, got {type(value).__name__}"
            out[name] = value
        elif spec.required:
            problems[name] = "is required"
        else:
            out[name] = spec.default
    if problems:
        raise ParamsError(problems)
    return out


def start(
    dag: DAG,
    params: Mapping[str, Any] | None = None,
    options: RunOptions | None = None,
    **overrides: Any,
) -> RunHandle:
    """Start a run of ``dag`` on the running event loop and return its handle at once.

    ``overrides`` are :class:`RunOptions` fields (``strategy="level"``, ``max_concurrency=4``).

    Raises:
        ParamsError: the parameters do not match the DAG's declaration.
        RuntimeError: no event loop is running.
    """
    opts = options or RunOptions()
    if overrides:
        opts = _replace(opts, overrides)
    run = Run(dag, resolve_params(dag.params, params), opts)
    run.start()
    return RunHandle(run)


async def execute(
    dag: DAG,
    params: Mapping[str, Any] | None = None,
    options: RunOptions | None = None,
    **overrides: Any,
) -> RunResult:
    """Run ``dag`` to the end and return its :class:`RunResult` (see :func:`start`)."""
    return await start(dag, params, options, **overrides).wait()


def run(
    dag: DAG,
    params: Mapping[str, Any] | None = None,
    options: RunOptions | None = None,
    **overrides: Any,
) -> RunResult:
    """Blocking form of :func:`execute` for scripts: runs its own event loop."""
    return asyncio.run(execute(dag, params, options, **overrides))


def _replace(options: RunOptions, overrides: Mapping[str, Any]) -> RunOptions:
    import dataclasses

    known = {f.name for f in dataclasses.fields(RunOptions)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(f"unknown run option(s): {', '.join(unknown)}")
    values = dict(overrides)
    if "on_event" in values and callable(values["on_event"]):
        values["on_event"] = (values["on_event"],)
    return dataclasses.replace(options, **values)
