"""The ``@task`` decorator: plain Python functions (sync or async) as DAG tasks.

Called inside an active :class:`~core_engine.builder.DAGBuilder`, a task adds a node and returns
a :class:`~core_engine.builder.NodeOutput`; passing that output to another task makes it an
upstream dependency. Called outside a builder, a task is just its function.

    @task(retries=2, timeout=30)
    async def fetch(url: str) -> bytes: ...
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from core_engine.node import RunIn, TriggerRule
from core_engine.retry import NO_RETRY, RetryPolicy

if TYPE_CHECKING:
    from core_engine.builder import NodeOutput

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """Per-node settings a task carries into every node made from it (overridable per call)."""

    id: str | None = None
    retry: RetryPolicy = NO_RETRY
    timeout: float | None = None
    tags: tuple[str, ...] = ()
    run_in: RunIn = RunIn.AUTO
    trigger: TriggerRule = TriggerRule.ALL_SUCCESS
    depends_on: tuple[Any, ...] = field(default=())


class TaskFunction(Generic[P, R]):
    """A function declared as a task. See the module docstring.

    Attributes:
        fn: the wrapped function.
        name: the default node id (the function's ``__name__``).
        path: import path ``"module:qualname"`` stored in the JSON definition.
        defaults: the options for nodes made from this task (overridable per call).
    """

    def __init__(self, fn: Callable[P, R], options: TaskOptions) -> None:
        self.fn = fn
        self.name: str = fn.__name__
        self.path = callable_path(fn)
        self.defaults = options
        self.is_async = inspect.iscoroutinefunction(fn)
        functools.update_wrapper(self, fn)

    def __repr__(self) -> str:
        return f"<task {self.path}>"

    @overload
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...
    @overload
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from core_engine.builder import current_builder

        builder = current_builder()
        if builder is None:
            return self.fn(*args, **kwargs)
        return builder.add_task_call(self, self._bind(args, kwargs), map_over=None)

    def map(self, **kwargs: Any) -> NodeOutput:
        """Add a mapped node: exactly one keyword must be an upstream output holding a list.

        One task instance runs per item of that list; the node's result is the list of
        instance results, in item order. Raises ``TypeError`` when no or several keywords are
        upstream outputs (use ``depends_on`` for ordering-only dependencies).
        """
        from core_engine.builder import NodeOutput, require_builder

        builder = require_builder(f"{self.name}.map()")
        mapped = [name for name, value in kwargs.items() if isinstance(value, NodeOutput)]
        if len(mapped) != 1:
            raise TypeError(
                f"{self.name}.map() needs exactly one keyword bound to an upstream output to map "
                f"over, got {len(mapped)} ({', '.join(mapped) or 'none'})"
            )
        return builder.add_task_call(self, kwargs, map_over=mapped[0])

    def options(
        self,
        *,
        id: str | None = None,
        retry: RetryPolicy | None = None,
        retries: int | None = None,
        timeout: float | None = None,
        tags: Iterable[str] | None = None,
        run_in: RunIn | str | None = None,
        trigger: TriggerRule | str | None = None,
        depends_on: Iterable[Any] | None = None,
    ) -> TaskFunction[P, R]:
        """A copy of this task with some options replaced, e.g. ``t.options(id="t2")(x=1)``."""
        changes: dict[str, Any] = {}
        if id is not None:
            changes["id"] = id
        if retry is not None or retries is not None:
            changes["retry"] = _retry_from(retry, retries)
        if timeout is not None:
            changes["timeout"] = timeout
        if tags is not None:
            changes["tags"] = one_or_many(tags)
        if run_in is not None:
            changes["run_in"] = RunIn(run_in)
        if trigger is not None:
            changes["trigger"] = TriggerRule(trigger)
        if depends_on is not None:
            changes["depends_on"] = one_or_many(depends_on)
        return TaskFunction(self.fn, dataclasses.replace(self.defaults, **changes))

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if not args:
            return kwargs
        try:
            bound = inspect.signature(self.fn).bind_partial(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"task {self.name!r}: {exc}") from None
        return dict(bound.arguments)


@overload
def task(fn: Callable[P, R], /) -> TaskFunction[P, R]: ...
@overload
def task(
    *,
    id: str | None = None,
    retry: RetryPolicy | None = None,
    retries: int | None = None,
    timeout: float | None = None,
    tags: Iterable[str] = (),
    run_in: RunIn | str = RunIn.AUTO,
    trigger: TriggerRule | str = TriggerRule.ALL_SUCCESS,
) -> Callable[[Callable[P, R]], TaskFunction[P, R]]: ...
def task(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    id: str | None = None,
    retry: RetryPolicy | None = None,
    retries: int | None = None,
    timeout: float | None = None,
    tags: Iterable[str] = (),
    run_in: RunIn | str = RunIn.AUTO,
    trigger: TriggerRule | str = TriggerRule.ALL_SUCCESS,
) -> Any:
    """Declare a function as a task, bare (``@task``) or with options (``@task(retries=3)``).

    Args:
        id: default node id (else the function name; repeated calls get ``_2``, ``_3`` ...).
        retry: the full retry policy; or ``retries`` as a shorthand for ``max_attempts =
            retries + 1`` with 1 s base backoff doubling up to 60 s.
        timeout: seconds one attempt may run.
        tags: labels (a lone string is one tag).
        run_in: ``auto``, ``loop``, ``thread`` or ``process`` (see :class:`RunIn`).
        trigger: the trigger rule (see :mod:`core_engine.node`).
    """
    options = TaskOptions(
        id=id,
        retry=_retry_from(retry, retries),
        timeout=timeout,
        tags=one_or_many(tags),
        run_in=RunIn(run_in),
        trigger=TriggerRule(trigger),
    )

    def wrap(f: Callable[..., Any]) -> TaskFunction[Any, Any]:
        return TaskFunction(f, options)

    return wrap(fn) if fn is not None else wrap


def callable_path(fn: Callable[..., Any]) -> str:
    """``"module:qualname"`` of a function, as stored in JSON definitions."""
    return f"{fn.__module__}:{fn.__qualname__}"


def one_or_many(value: Any) -> tuple[Any, ...]:
    """``value`` as a tuple: an iterable gives its items, a string or any other value is one item.

    So ``tags="etl"`` means one tag, not three, and ``depends_on=a`` means ``depends_on=[a]``.
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _retry_from(retry: RetryPolicy | None, retries: int | None) -> RetryPolicy:
    if retry is not None and retries is not None:
        raise TypeError("give either retry= or retries=, not both")
    if retry is not None:
        return retry
    if retries is not None:
        return RetryPolicy(max_attempts=retries + 1, backoff_base=1.0, backoff_cap=60.0)
    return NO_RETRY
