"""Turning a node's task spec into something the scheduler can start.

Each node gets a mode and a callable once per run (:func:`prepare`), so the hot path only
dispatches on a small integer:

* ``TASK``: a coroutine function, started with ``loop.create_task``;
* ``INLINE``: a plain function called directly on the loop (``run_in="loop"``);
* ``THREAD``: a plain function run in the thread pool (a coroutine function asked to run in a
  thread gets its own event loop there);
* ``PROCESS``: a function run in the process pool, named by import path so it pickles.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from core_engine.definition import resolve_callable
from core_engine.node import CallableTask, Node, RunIn
from core_engine.tasktypes import TaskTypeRegistry

TASK, INLINE, THREAD, PROCESS, BROKEN = range(5)


def prepare(node: Node, registry: TaskTypeRegistry) -> tuple[int, Any]:
    """``(mode, target)`` for ``node``; ``BROKEN`` with an exception when it cannot run.

    For ``PROCESS`` the target is the import path; otherwise it is the callable.
    """
    spec = node.task
    if not isinstance(spec, CallableTask):
        task_type = registry.get(spec.type)
        if task_type is None:
            return BROKEN, LookupError(f"task type {spec.type!r} is not registered on this worker")
        return TASK, task_type.bind(spec.config)
    fn: Callable[..., Any] | None = spec.fn
    if fn is None:
        try:
            fn = resolve_callable(spec.path)
        except ImportError as exc:
            return BROKEN, exc
    is_async = inspect.iscoroutinefunction(fn)
    if node.run_in is RunIn.PROCESS:
        return PROCESS, spec.path
    if is_async and node.run_in is RunIn.THREAD:
        return THREAD, partial(_run_coroutine_in_thread, fn)
    if is_async:
        return TASK, fn
    if node.run_in is RunIn.LOOP:
        return INLINE, fn
    return THREAD, fn


def _run_coroutine_in_thread(fn: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Run a coroutine function on a fresh event loop in the calling (pool) thread.

    For ``async`` tasks that block despite being coroutines (``run_in="thread"``): they get a
    loop of their own and cannot stall the run's loop.
    """
    return asyncio.run(fn(**kwargs))


def call_in_process(path: str, kwargs: dict[str, Any]) -> Any:
    """Run the callable at ``path`` in a worker process (coroutines get their own loop)."""
    fn = resolve_callable(path)
    result = fn(**kwargs)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result
