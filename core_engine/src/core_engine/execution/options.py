"""How a run is executed: strategy, concurrency, failure policy, timeouts, clocks."""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core_engine.limits import MAX_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from core_engine.events import Event
    from core_engine.tasktypes import TaskTypeRegistry


class Strategy(enum.StrEnum):
    """The order in which ready nodes are started. All give the same results."""

    DATAFLOW = "dataflow"  # a node starts as soon as its upstream nodes end; no barriers
    LEVEL = "level"  # level by level: level n+1 starts when all of level n has ended
    SEQUENTIAL = "sequential"  # one node at a time, in topological order


class FailurePolicy(enum.StrEnum):
    """What a node failure (after its retries) does to the rest of the run."""

    CONTINUE = "continue"  # independent branches keep running; downstream ends upstream_failed
    FAIL_FAST = "fail_fast"  # running nodes are cancelled and nothing new starts


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Settings of one run; every field has a safe default.

    Attributes:
        strategy: see :class:`Strategy`.
        max_concurrency: most node attempts running at once (``None``: no limit).
        failure_policy: see :class:`FailurePolicy`.
        timeout: seconds the whole run may take (``None``: no limit); on expiry the run is
            cancelled and ends ``timed_out``.
        resume_from: results of nodes that succeeded in an earlier run, by node id; those
            nodes are not run again (their events say ``resumed``).
        prior_attempts: attempts an earlier holder of this same run already made, by node id
            (e.g. a worker that died mid-run). A listed node's next attempt is numbered after
            them and they count toward its retry policy's ``max_attempts``; the node still gets
            at least one new attempt. Mapped instances start over at attempt 1.
        run_id: the run's id (default: a random UUID hex).
        registry: task types for ``TypedTask`` nodes (default: the built-in ones).
        on_event: callbacks called with every event, in order, on the event loop (one
            callable is accepted too). A callback may cancel the run through its handle.
        clock: UTC wall clock in epoch seconds, for event timestamps.
        monotonic: monotonic clock in seconds, for durations.
        rng: random source for retry jitter (seed it for reproducible delays).
        thread_pool: executor for plain functions (default: a pool of ``max_threads``).
        max_threads: size of the default thread pool.
        process_pool: executor for ``run_in="process"`` nodes (default: a process pool of
            ``max_processes``, made only when such a node runs).
        max_processes: size of the default process pool (default: CPU count).
    """

    strategy: Strategy = Strategy.DATAFLOW
    max_concurrency: int | None = None
    failure_policy: FailurePolicy = FailurePolicy.CONTINUE
    timeout: float | None = None
    resume_from: Mapping[str, Any] | None = None
    prior_attempts: Mapping[str, int] | None = None
    run_id: str | None = None
    registry: TaskTypeRegistry | None = None
    on_event: tuple[Callable[[Event], None], ...] = ()
    clock: Callable[[], float] = time.time
    monotonic: Callable[[], float] = time.perf_counter
    rng: random.Random = field(default_factory=random.Random)
    thread_pool: Executor | None = None
    max_threads: int = 32
    process_pool: Executor | None = None
    max_processes: int | None = None

    def __post_init__(self) -> None:
        if self.max_concurrency is not None and (
            not isinstance(self.max_concurrency, int) or self.max_concurrency < 1
        ):
            raise ValueError(f"max_concurrency must be a positive integer, got {self.max_concurrency!r}")
        if self.timeout is not None and (
            not isinstance(self.timeout, int | float)
            or isinstance(self.timeout, bool)
            or not 0 < self.timeout <= MAX_TIMEOUT_SECONDS
        ):
            raise ValueError(f"timeout must be in (0, {MAX_TIMEOUT_SECONDS:g}] seconds, got {self.timeout!r}")
        for node_id, count in (self.prior_attempts or {}).items():
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ValueError(f"prior_attempts[{node_id!r}] must be a non-negative integer, got {count!r}")
        if self.max_threads < 1:
            raise ValueError(f"max_threads must be at least 1, got {self.max_threads}")
        listeners: Any = self.on_event
        object.__setattr__(self, "on_event", (listeners,) if callable(listeners) else tuple(listeners))
        object.__setattr__(self, "strategy", Strategy(self.strategy))
        object.__setattr__(self, "failure_policy", FailurePolicy(self.failure_policy))
