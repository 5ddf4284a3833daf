"""Execution: run a DAG with a strategy, retries, timeouts and cancellation, emitting events."""

from core_engine.execution.handle import RunHandle, RunResult, execute, resolve_params, run, start
from core_engine.execution.options import FailurePolicy, RunOptions, Strategy

__all__ = [
    "FailurePolicy",
    "RunHandle",
    "RunOptions",
    "RunResult",
    "Strategy",
    "execute",
    "resolve_params",
    "run",
    "start",
]
