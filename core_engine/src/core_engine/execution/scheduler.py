"""The run loop: one object per run that decides what starts next and records what happened.

Design (see ``docs/architecture.md``): callbacks, not one coroutine per node. A node becomes
*ready* when its last upstream node ends; ready units (nodes, or instances of a mapped node) wait
in a strategy-specific queue; :meth:`_Run._pump` starts them while slots are free; each started
attempt is a future whose done-callback records the outcome and settles downstream nodes. Nothing
blocks, nothing polls, and no node waits in a task of its own before it is ready, so an idle
node costs a few list slots.

Every state change appends one event to ``log`` and is mirrored in the node's
:class:`~core_engine.state.NodeRun`, so the final :class:`~core_engine.state.RunState` is built
without reading the log; ``replay(log)`` must give the same state (property-tested). The log is
an :class:`~core_engine.execution.eventlog.EventLog`: the hot path writes a plain node's queued,
started and succeeded events straight into its compact columns, and typed events are made only
for listeners and readers.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import logging
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import partial
from typing import Any

from core_engine import nodelog
from core_engine.dag import DAG
from core_engine.errors import NodeTimeoutError, SkipNode
from core_engine.events import (
    ErrorInfo,
    Event,
    NodeFailed,
    NodeRetrying,
    NodeSkipped,
    NodeStarted,
    NodeSucceeded,
    NodeUpstreamFailed,
    RunFinished,
    RunStarted,
)
from core_engine.execution import invoke
from core_engine.execution.compiled import compile_nodes
from core_engine.execution.eventlog import QUEUED, STARTED, SUCCEEDED, EventLog
from core_engine.execution.mapping import Mapped, expand, instance_ended
from core_engine.execution.options import FailurePolicy, RunOptions, Strategy
from core_engine.execution.processes import ProcessPool
from core_engine.execution.shutdown import finish, stop_now
from core_engine.node import TriggerRule
from core_engine.state import NodeRun, NodeState, RunState, RunStatus
from core_engine.tasktypes import DEFAULT_REGISTRY

log = logging.getLogger(__name__)

_PENDING = NodeState.PENDING
_QUEUED = NodeState.QUEUED
_RUNNING = NodeState.RUNNING
_RETRYING = NodeState.RETRYING
_SUCCEEDED = NodeState.SUCCEEDED
_FAILED = NodeState.FAILED
_UPSTREAM_FAILED = NodeState.UPSTREAM_FAILED
_SKIPPED = NodeState.SKIPPED
_CANCELLED = NodeState.CANCELLED
_TASK, _INLINE, _THREAD, _PROCESS = invoke.TASK, invoke.INLINE, invoke.THREAD, invoke.PROCESS
_LOGGED = nodelog.LOGGED
_BAD_ENDS = frozenset({_FAILED, _UPSTREAM_FAILED, _CANCELLED})

# Up to this many running attempts, a coroutine attempt runs inside :meth:`Run._attempt`, which
# records its outcome in the task's own step (one event-loop turn per node instead of two: what
# chains and narrow DAGs need). Past it, attempts are bare tasks with a done-callback: the
# wrapper's frame (~400 bytes) would dominate memory when hundreds of thousands are in flight.
_EAGER_RECORDING_LIMIT = 1024


# Attempts are made with the Task class itself, not ``loop.create_task``: the scheduler must
# record an attempt as in flight before it takes its first step, which a task factory (an
# eager one in particular) would not guarantee.
_Task = asyncio.Task


class _AttemptTask(asyncio.Task[Any]):
    """A task that knows which unit it runs: one shared done-callback serves every attempt
    (a ``functools.partial`` per attempt would cost ~140 bytes each)."""

    __slots__ = ("unit",)
    unit: Unit


# Flags a node collects from upstream nodes that did not succeed.
_UP_FAILED = 1
_UP_SKIPPED = 2

# A unit of work: a node index, or (node index, item index) for an instance of a mapped node.
Unit = int | tuple[int, int]


def error_info(exc: BaseException) -> ErrorInfo:
    """An exception as data, with its formatted traceback."""
    tb = "".join(traceback.format_exception(exc)) if exc.__traceback__ is not None else ""
    return ErrorInfo(type(exc).__name__, str(exc), tb)


class Run:
    """One execution of a DAG. Made and driven by :func:`core_engine.execution.start`."""

    def __init__(self, dag: DAG, params: Mapping[str, Any], options: RunOptions) -> None:
        self.dag = dag
        self.options = options
        self.params = dict(params)
        self.run_id = options.run_id or uuid.uuid4().hex
        self.loop = asyncio.get_running_loop()
        n = len(dag.nodes)
        self.ids = [node.id for node in dag.nodes]
        self.recs = [NodeRun() for _ in range(n)]
        self.remaining = [len(ups) for ups in dag.upstream]
        self.flags = [0] * n
        self.results: list[Any] = [None] * n
        self.t0 = [0.0] * n
        self.outstanding = n
        self.running = 0
        self.limit = options.max_concurrency
        self.fail_fast = options.failure_policy is FailurePolicy.FAIL_FAST
        self.clock = options.clock
        self.mono = options.monotonic
        self.rng = options.rng
        self.log = EventLog()
        # The hot path appends compact events to the log's columns (see eventlog.py).
        self.put_kind, self.put_ts, self.put_data = (
            self.log.kinds.append,
            self.log.stamps.append,
            self.log.data.append,
        )
        self.listeners = options.on_event
        self.waiters: list[asyncio.Future[None]] = []
        self.watched = bool(self.listeners)  # someone wants each event as it is recorded
        # One context for every done-callback: add_done_callback would otherwise copy the
        # current context for each attempt (time, and ~128 bytes per in-flight attempt).
        self.callback_context = contextvars.copy_context()
        self.on_task_done = self._on_task_done  # bound once: in-flight tasks share it
        self.inflight: dict[Unit, asyncio.Future[Any]] = {}  # the running attempt of each unit
        self.timers: dict[Unit, asyncio.TimerHandle] = {}  # per-node timeouts of running attempts
        self.retry_timers: dict[Unit, asyncio.TimerHandle] = {}
        self.mapped: dict[int, Mapped] = {}
        self.inst_t0: dict[Unit, float] = {}  # monotonic start of running mapped instances
        self.stopping = False
        self.pumping = False
        self.in_listener = False
        self.end_status: RunStatus | None = None
        self.done: asyncio.Future[None] = self.loop.create_future()
        self.started_mono = 0.0
        self.run_timer: asyncio.TimerHandle | None = None
        self._thread_pool = options.thread_pool
        self._process_pool = options.process_pool
        self._own_pools: list[Executor] = []
        registry = options.registry if options.registry is not None else DEFAULT_REGISTRY
        nodes = compile_nodes(dag, self.params, registry)
        self.modes, self.targets, self.timeouts = nodes.modes, nodes.targets, nodes.timeouts
        self.consts, self.refs = nodes.consts, nodes.refs
        self.map_param, self.map_source = nodes.map_param, nodes.map_source
        self._setup_strategy(options.strategy)

    # ----------------------------------------------------------------- set-up

    def _setup_strategy(self, strategy: Strategy) -> None:
        self.ready: deque[Unit] = deque()
        self.heap: list[tuple[int, int, Unit]] = []
        self.enqueue: Callable[[Unit], None] = self.ready.append
        self.level_mode = strategy is Strategy.LEVEL
        if strategy is Strategy.SEQUENTIAL:
            self.limit = 1
            self.rank = [0] * len(self.ids)
            for position, i in enumerate(self.dag.order):
                self.rank[i] = position
            self.enqueue = self._enqueue_ranked
        elif self.level_mode:
            levels = self.dag.level
            depth = (max(levels) + 1) if levels else 0
            self.level_left = [0] * depth
            for lvl in levels:
                self.level_left[lvl] += 1
            self.buckets: list[list[Unit]] = [[] for _ in range(depth)]
            self.current_level = 0
            self.enqueue = self._enqueue_leveled

    def _enqueue_ranked(self, unit: Unit) -> None:
        i, k = (unit, -1) if type(unit) is int else unit  # type: ignore[misc]
        heapq.heappush(self.heap, (self.rank[i], k, unit))

    def _enqueue_leveled(self, unit: Unit) -> None:
        i = unit if type(unit) is int else unit[0]  # type: ignore[index]
        if self.dag.level[i] <= self.current_level:
            self.ready.append(unit)
        else:
            self.buckets[self.dag.level[i]].append(unit)

    # ---------------------------------------------------------------- events

    def watch(self, waiter: asyncio.Future[None]) -> None:
        """Wake ``waiter`` at the next event (used by :meth:`RunHandle.events`)."""
        self.waiters.append(waiter)
        self.watched = True

    def next_seq(self) -> int:
        """The ``seq`` of the next event."""
        return len(self.log.kinds)

    def emit(self, event: Event) -> None:
        """Record a typed event (its ``seq`` from :meth:`next_seq`) and notify."""
        self.log.append(event)
        if self.watched:
            self._notify(event)

    def _notify_last(self) -> None:
        """Notify of the event the hot path has just put in the log's columns."""
        self._notify(self.log[-1])

    def _notify(self, event: Event) -> None:
        """Hand ``event`` to listeners and wake waiting iterators."""
        if self.listeners:
            self.in_listener = True
            try:
                for listener in self.listeners:
                    try:
                        listener(event)
                    except Exception:
                        log.exception("event listener %r failed on %s", listener, event.kind)
            finally:
                self.in_listener = False
        if self.waiters:
            for waiter in self.waiters:
                if not waiter.done():
                    waiter.set_result(None)
            self.waiters.clear()

    # ----------------------------------------------------------------- start

    def start(self) -> None:
        """Emit ``run_started``, settle resumed nodes, queue the roots and start them."""
        self.started_mono = self.mono()
        self.emit(
            RunStarted(
                self.next_seq(),
                self.clock(),
                self.run_id,
                self.dag.name,
                self.dag.content_hash,
                len(self.ids),
                self.params,
            )
        )
        if self.options.timeout is not None:
            self.run_timer = self.loop.call_later(self.options.timeout, self.stop, RunStatus.TIMED_OUT)
        stack: list[tuple[int, NodeState, Any]] = []
        if self.options.prior_attempts:
            for nid, count in self.options.prior_attempts.items():
                i = self.dag.index.get(nid)
                if i is not None:
                    self.recs[i].attempts = count
        resume = self.options.resume_from
        if resume:
            # Every resumed node is marked succeeded before any is settled, so settling one
            # never queues a downstream node that is itself resumed.
            for i in self.dag.order:
                nid = self.ids[i]
                if nid not in resume:
                    continue
                ts = self.clock()
                result = resume[nid]
                self.emit(NodeSucceeded(self.next_seq(), ts, nid, None, 0, 0.0, result, True))
                rec = self.recs[i]
                rec.state, rec.result, rec.duration, rec.finished_at, rec.resumed = (
                    _SUCCEEDED,
                    result,
                    0.0,
                    ts,
                    True,
                )
                stack.append((i, _SUCCEEDED, result))
            self._drain(stack)
        for i, left in enumerate(self.remaining):
            if left == 0 and self.recs[i].state is _PENDING:
                end = self._decide(i)
                if end is not None:
                    stack.append(end)
        self._drain(stack)
        if self.outstanding == 0:
            finish(self)
        else:
            self._pump()

    # ------------------------------------------------------------ scheduling

    def _pump(self) -> None:
        """Start ready units while there are free slots (re-entrant calls return at once)."""
        if self.pumping:
            return
        self.pumping = True
        try:
            limit = self.limit
            ready, heap, launch = self.ready, self.heap, self._launch
            while not self.stopping and (limit is None or self.running < limit):
                if ready:
                    launch(ready.popleft())
                elif heap:
                    launch(heapq.heappop(heap)[2])
                else:
                    break
        finally:
            self.pumping = False

    def _launch(self, unit: Unit) -> None:
        """Start one attempt of ``unit`` (the hot path: keep it flat)."""
        if type(unit) is int:
            i, k, rec = unit, None, self.recs[unit]
            refs = self.refs[i]
            # The constants are only ever unpacked (``fn(**kwargs)``), so they are shared
            # unless upstream results join them.
            kwargs = self.consts[i].copy() if refs else self.consts[i]
        else:
            i, k = unit  # type: ignore[misc]
            rec = self.recs[i].instances[k]  # type: ignore[index]
            refs = self.refs[i]
            kwargs = self.consts[i].copy()
            kwargs[self.map_param[i]] = self.mapped[i].items[k]  # type: ignore[index]
        if refs:
            results = self.results
            for name, j in refs:
                kwargs[name] = results[j]
        attempt = rec.attempts + 1
        rec.attempts = attempt
        rec.state = _RUNNING
        ts = self.clock()
        if rec.started_at is None:
            rec.started_at = ts
        if attempt == 1 and k is None:
            self.put_kind(STARTED)
            self.put_ts(ts)
            self.put_data(self.ids[i])
            if self.watched:
                self._notify_last()
        else:
            self.emit(NodeStarted(self.next_seq(), ts, self.ids[i], k, attempt))
        if k is None:
            self.t0[i] = self.mono()
        else:
            self.inst_t0[unit] = self.mono()
        mode = self.modes[i]
        target = self.targets[i]
        self.running += 1
        try:
            if mode == _TASK:
                if self.running <= _EAGER_RECORDING_LIMIT:
                    fut: asyncio.Future[Any] = _Task(
                        self._attempt(target, kwargs, unit, attempt), loop=self.loop
                    )
                else:
                    task = _AttemptTask(target(**kwargs), loop=self.loop)
                    task.unit = unit
                    task.add_done_callback(self.on_task_done, context=self.callback_context)
                    fut = task
            elif mode == _INLINE:
                result = target(**kwargs)
                self.running -= 1
                if self.stopping:
                    return  # the task stopped its own run: stop() recorded it cancelled
                self._succeeded(unit, result)
                return
            elif mode == _THREAD:
                fut = self.loop.run_in_executor(self._threads(), partial(target, **kwargs))
                fut.add_done_callback(partial(self._on_future_done, unit), context=self.callback_context)
            elif mode == _PROCESS:
                fut = self.loop.run_in_executor(
                    self._processes(), partial(invoke.call_in_process, target, kwargs)
                )
                fut.add_done_callback(partial(self._on_future_done, unit), context=self.callback_context)
            elif mode == _LOGGED:
                fut = _Task(self._attempt_logged(target, kwargs, unit, attempt), loop=self.loop)
            else:
                raise target
        except Exception as exc:
            self.running -= 1
            if self.stopping:
                return  # an inline task stopped its own run, then raised
            self._attempt_failed(unit, exc)
            return
        self.inflight[unit] = fut
        timeout = self.timeouts[i]
        if timeout is not None:
            self.timers[unit] = self.loop.call_later(timeout, self._on_timeout, unit)

    def _elapsed(self, unit: Unit) -> float:
        t0 = self.t0[unit] if type(unit) is int else self.inst_t0.pop(unit)
        return self.mono() - t0

    # -------------------------------------------------------------- outcomes

    async def _attempt(
        self, fn: Callable[..., Coroutine[Any, Any, Any]], kwargs: dict[str, Any], unit: Unit, attempt: int
    ) -> None:
        """Run attempt ``attempt`` of ``unit`` and record its outcome inside the same task step.

        Recording here, rather than in a done-callback, saves one event-loop turn per node: a
        downstream node is created in the step that finishes its upstream. An attempt that
        timed out or whose run stopped has already been recorded and is ignored. The coroutine
        is made here, so an attempt cancelled before its first step leaves none unawaited.
        """
        error: BaseException | None
        try:
            result = await fn(**kwargs)
        except asyncio.CancelledError as exc:
            result, error = None, exc
        except Exception as exc:
            result, error = None, exc
        else:
            error = None
        rec = self.recs[unit] if type(unit) is int else self.recs[unit[0]].instances[unit[1]]  # type: ignore[index]
        if rec.attempts == attempt:  # else a later attempt (after a timeout) is the live one
            self._attempt_ended(unit, None, result, error)

    async def _attempt_logged(
        self, fn: Callable[..., Coroutine[Any, Any, Any]], kwargs: dict[str, Any], unit: Unit, attempt: int
    ) -> None:
        """:meth:`_attempt` with an attempt log bound in this task's context (task-type nodes)."""
        if type(unit) is int:
            i, k = unit, None
        else:
            i, k = unit  # type: ignore[misc]
        nodelog.bind(nodelog.AttemptLog(self, unit, self.ids[i], k, attempt))
        await self._attempt(fn, kwargs, unit, attempt)

    def _on_task_done(self, task: _AttemptTask) -> None:
        """Done-callback of a coroutine attempt started past :data:`_EAGER_RECORDING_LIMIT`."""
        if task.cancelled():
            self._attempt_ended(task.unit, task, None, asyncio.CancelledError("the attempt was cancelled"))
            return
        exc = task.exception()  # not result(): re-raising would add this frame to its traceback
        self._attempt_ended(task.unit, task, None if exc is not None else task.result(), exc)

    def _on_future_done(self, unit: Unit, fut: asyncio.Future[Any]) -> None:
        """Done-callback of a thread or process attempt."""
        if fut.cancelled():
            self._attempt_ended(unit, fut, None, asyncio.CancelledError("the attempt was cancelled"))
            return
        exc = fut.exception()
        self._attempt_ended(unit, fut, None if exc is not None else fut.result(), exc)

    def _attempt_ended(
        self, unit: Unit, fut: asyncio.Future[Any] | None, result: Any, exc: BaseException | None
    ) -> None:
        """Record how the attempt ``fut`` of ``unit`` ended (``None``: its latest attempt)."""
        live = self.inflight.pop(unit, None)
        if live is None or (fut is not None and live is not fut):
            if live is not None:
                self.inflight[unit] = live  # a later attempt of the same unit
            return  # timed out, or the run stopped: already recorded
        try:
            if self.timers:
                timer = self.timers.pop(unit, None)
                if timer is not None:
                    timer.cancel()
            self.running -= 1
            if exc is None:
                self._succeeded(unit, result)
            else:
                self._attempt_failed(unit, exc)
            if self.ready or self.heap:
                self._pump()
        except Exception as bug:  # an engine bug: end the run loudly rather than hang it
            self._crash(bug)

    def _crash(self, exc: Exception) -> None:
        """Fail ``wait()`` with an internal error: the run's bookkeeping cannot be trusted."""
        log.exception("core_engine internal error in run %s", self.run_id, exc_info=exc)
        self.stopping = True
        for fut in self.inflight.values():
            fut.cancel()
        self.inflight.clear()
        if not self.done.done():
            self.done.set_exception(RuntimeError(f"core_engine internal error: {exc!r}"))

    def _on_timeout(self, unit: Unit) -> None:
        fut = self.inflight.pop(unit, None)
        self.timers.pop(unit, None)
        if fut is None:
            return
        self.running -= 1
        fut.cancel()  # kills a process attempt's worker; a thread runs on and its result is dropped
        i = unit if type(unit) is int else unit[0]  # type: ignore[index]
        timeout = self.dag.nodes[i].timeout
        self._attempt_failed(unit, NodeTimeoutError(self.ids[i], timeout or 0.0))
        self._pump()

    def _succeeded(self, unit: Unit, result: Any) -> None:
        if type(unit) is int:  # the hot path: keep it flat
            duration = self.mono() - self.t0[unit]
            ts = self.clock()
            rec = self.recs[unit]
            self.put_kind(SUCCEEDED)
            self.put_ts(ts)
            self.put_data((self.ids[unit], rec.attempts, duration, result))
            if self.watched:
                self._notify_last()
            rec.result, rec.duration, rec.finished_at, rec.error = result, duration, ts, None
            self._settle(unit, _SUCCEEDED, result)
            return
        duration = self._elapsed(unit)
        ts = self.clock()
        i, k = unit  # type: ignore[misc]
        inst = self.recs[i].instances[k]  # type: ignore[index]
        self.emit(NodeSucceeded(self.next_seq(), ts, self.ids[i], k, inst.attempts, duration, result, False))
        inst.state, inst.result, inst.duration, inst.finished_at, inst.error = (
            _SUCCEEDED,
            result,
            duration,
            ts,
            None,
        )
        instance_ended(self, i)

    def _attempt_failed(self, unit: Unit, exc: BaseException) -> None:
        duration = self._elapsed(unit)
        ts = self.clock()
        i, k = (unit, None) if type(unit) is int else unit  # type: ignore[misc]
        rec = self.recs[i] if k is None else self.recs[i].instances[k]  # type: ignore[index]
        nid = self.ids[i]
        if isinstance(exc, SkipNode):
            rec.state, rec.reason, rec.finished_at = _SKIPPED, exc.reason, ts
            self.emit(NodeSkipped(self.next_seq(), ts, nid, k, rec.attempts, exc.reason))
            if k is None:
                self._settle(i, _SKIPPED, None)
            else:
                instance_ended(self, i)
            return
        error = error_info(exc)
        rec.error = error
        policy = self.dag.nodes[i].retry
        if not self.stopping and rec.attempts < policy.max_attempts and policy.retries(exc):
            delay = policy.delay(rec.attempts, self.rng.random())
            rec.state = _RETRYING
            self.emit(NodeRetrying(self.next_seq(), ts, nid, k, rec.attempts, duration, delay, error))
            self.retry_timers[unit] = self.loop.call_later(delay, self._retry, unit)
            return
        rec.state, rec.duration, rec.finished_at = _FAILED, duration, ts
        self.emit(NodeFailed(self.next_seq(), ts, nid, k, rec.attempts, duration, error))
        if k is None:
            self._node_failed(i)
        else:
            instance_ended(self, i)
            if self.fail_fast:
                self.stop(RunStatus.FAILED)

    def _retry(self, unit: Unit) -> None:
        self.retry_timers.pop(unit, None)
        if self.stopping:
            return
        self.enqueue(unit)
        self._pump()

    def _node_failed(self, i: int) -> None:
        self._settle(i, _FAILED, None)
        if self.fail_fast:
            self.stop(RunStatus.FAILED)

    def _settle(
        self, i: int, state: NodeState, result: Any, stack: list[tuple[int, NodeState, Any]] | None = None
    ) -> None:
        """Mark node ``i`` ended and decide every downstream node this makes ready.

        Nodes that end without running (skips, upstream failures) go on ``stack`` and are
        settled by the same loop, so long chains need no recursion; the stack list is only
        made when such a node appears (the common path allocates nothing).
        """
        recs, remaining, flags, downstream = self.recs, self.remaining, self.flags, self.dag.downstream
        while True:
            if self.done.done():
                return  # stopped meanwhile: stop() has ended every node
            recs[i].state = state
            self.results[i] = result
            self.outstanding -= 1
            if self.level_mode:
                self._level_ended(self.dag.level[i])
            flag = 0 if state is _SUCCEEDED else (_UP_SKIPPED if state is _SKIPPED else _UP_FAILED)
            for j in downstream[i]:
                if flag:
                    flags[j] |= flag
                left = remaining[j] - 1
                remaining[j] = left
                if left == 0 and recs[j].state is _PENDING and not self.stopping:
                    end = self._decide(j)
                    if end is not None:
                        if stack is None:
                            stack = []
                        stack.append(end)
            if not stack:
                break
            i, state, result = stack.pop()
        if self.outstanding == 0 and not self.done.done():
            finish(self)

    def _drain(self, stack: list[tuple[int, NodeState, Any]]) -> None:
        """Settle every ``(node, state, result)`` on ``stack`` (see :meth:`_settle`)."""
        if stack:
            i, state, result = stack.pop()
            self._settle(i, state, result, stack)
        elif self.outstanding == 0 and not self.done.done():
            finish(self)

    def _decide(self, j: int) -> tuple[int, NodeState, Any] | None:
        """All upstream nodes of ``j`` ended: queue it, or end it by its trigger rule.

        Returns ``(j, state, result)`` when ``j`` ended without running, to be settled by the
        caller (see :meth:`_settle`), else ``None``.
        """
        flags = self.flags[j]
        if flags:
            trigger = self.dag.nodes[j].trigger
            end: NodeState | None = None
            if flags & _UP_FAILED and trigger is not TriggerRule.ALL_DONE:
                end = _UPSTREAM_FAILED
            elif flags & _UP_SKIPPED and trigger is TriggerRule.ALL_SUCCESS:
                end = _SKIPPED
            if end is not None:
                ts = self.clock()
                rec = self.recs[j]
                rec.finished_at = ts
                if end is _UPSTREAM_FAILED:
                    culprit = next(
                        self.ids[u] for u in self.dag.upstream[j] if self.recs[u].state in _BAD_ENDS
                    )
                    rec.reason = culprit
                    self.emit(NodeUpstreamFailed(self.next_seq(), ts, self.ids[j], culprit))
                else:
                    rec.reason = "upstream skipped"
                    self.emit(NodeSkipped(self.next_seq(), ts, self.ids[j], None, 0, rec.reason))
                rec.state = end  # no longer PENDING: no other upstream decides it again
                return (j, end, None)
        if self.map_param[j] is not None:
            return expand(self, j)
        self.recs[j].state = _QUEUED
        self.put_kind(QUEUED)
        self.put_ts(self.clock())
        self.put_data(self.ids[j])
        if self.watched:
            self._notify_last()
        self.enqueue(j)
        return None

    def _level_ended(self, lvl: int) -> None:
        self.level_left[lvl] -= 1
        while self.current_level < len(self.level_left) - 1 and self.level_left[self.current_level] == 0:
            self.current_level += 1
            bucket = self.buckets[self.current_level]
            self.ready.extend(bucket)
            bucket.clear()

    # ------------------------------------------------------------ stopping

    def stop(self, status: RunStatus) -> None:
        """End the run early: cancel running attempts, start nothing new, end every open node.

        Nodes downstream of a failure end ``upstream_failed``; every other open node (and
        instance) ends ``cancelled``. Idempotent; a finished run is left as it is. Called from
        an event listener, it stops new work at once and ends the run on the next loop turn, so
        the change being recorded when the listener was called is recorded in full first.
        """
        if self.stopping or self.done.done():
            return
        self.stopping = True
        self.end_status = status
        if self.in_listener:
            self.loop.call_soon(stop_now, self)
            return
        stop_now(self)

    # --------------------------------------------------------------- results

    def state(self) -> RunState:
        """The run's state as the executor recorded it (see :mod:`core_engine.state`)."""
        first = self.log[0]
        last = self.log[-1]
        finished = isinstance(last, RunFinished)
        return RunState(
            run_id=self.run_id,
            dag_name=self.dag.name,
            dag_hash=self.dag.content_hash,
            status=self.end_status if finished and self.end_status else RunStatus.RUNNING,
            params=dict(self.params),
            started_at=first.ts,
            finished_at=last.ts if finished else None,
            duration=last.duration if isinstance(last, RunFinished) else None,
            nodes=dict(zip(self.ids, self.recs, strict=True)),
            last_seq=last.seq,
        )

    def _threads(self) -> Executor:
        if self._thread_pool is None:
            self._thread_pool = ThreadPoolExecutor(
                self.options.max_threads, thread_name_prefix=f"core-engine-{self.run_id[:8]}"
            )
            self._own_pools.append(self._thread_pool)
        return self._thread_pool

    def _processes(self) -> Executor:
        if self._process_pool is None:
            self._process_pool = ProcessPool(self.options.max_processes)
            self._own_pools.append(self._process_pool)
        return self._process_pool
