"""Building DAGs in code: a mutable :class:`DAGBuilder` whose ``build()`` returns a frozen DAG.

    with DAGBuilder("etl", params={"n": ParamSpec("integer", default=3)}) as b:
        rows = extract(n=Param("n"))
        squares = square.map(x=rows)     # one instance per row
        report(values=squares)           # reduce
    dag = b.build()                      # validates everything, raises DAGValidationError

Nodes can also be added explicitly with :meth:`DAGBuilder.add_node`, and ordering-only
dependencies declared with ``a >> b`` or ``depends_on=``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from core_engine.node import (
    CallableTask,
    Node,
    Param,
    ParamSpec,
    Ref,
    RunIn,
    TaskSpec,
    TriggerRule,
    TypedTask,
)
from core_engine.retry import NO_RETRY, RetryPolicy
from core_engine.task import TaskFunction, callable_path, one_or_many

if TYPE_CHECKING:
    from core_engine.dag import DAG
    from core_engine.tasktypes import TaskTypeRegistry

_current: contextvars.ContextVar[DAGBuilder | None] = contextvars.ContextVar(
    "core_engine_builder", default=None
)


def current_builder() -> DAGBuilder | None:
    """The builder of the innermost active ``with DAGBuilder(...)`` block, if any."""
    return _current.get()


def require_builder(what: str) -> DAGBuilder:
    """The active builder; raises ``RuntimeError`` naming ``what`` when there is none."""
    builder = _current.get()
    if builder is None:
        raise RuntimeError(f"{what} must be called inside a 'with DAGBuilder(...)' block")
    return builder


class NodeOutput:
    """The future result of a node while a DAG is being built; pass it to other tasks."""

    __slots__ = ("builder", "node_id")

    def __init__(self, builder: DAGBuilder, node_id: str) -> None:
        self.builder = builder
        self.node_id = node_id

    def __repr__(self) -> str:
        return f"NodeOutput({self.node_id!r})"

    def __rshift__(self, other: NodeOutput | Iterable[NodeOutput]) -> Any:
        """``a >> b``: ``b`` runs after ``a`` (ordering only). Returns ``other`` for chaining."""
        targets = [other] if isinstance(other, NodeOutput) else list(other)
        for target in targets:
            self.builder.add_dependency(target.node_id, self.node_id)
        return other

    def __rrshift__(self, other: NodeOutput | Iterable[NodeOutput]) -> NodeOutput:
        """``[a, b] >> c`` lands here as ``c.__rrshift__([a, b])``: ``c`` runs after both."""
        sources = [other] if isinstance(other, NodeOutput) else list(other)
        for source in sources:
            self.builder.add_dependency(self.node_id, source.node_id)
        return self


class DAGBuilder:
    """Collects nodes for one DAG; ``build()`` validates them and returns a frozen DAG.

    Args:
        name: the DAG's name (non-empty).
        description: free text.
        params: run parameters the DAG declares, by name.
    """

    def __init__(
        self,
        name: str,
        description: str = "",
        params: Mapping[str, ParamSpec] | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.params: dict[str, ParamSpec] = dict(params or {})
        self._nodes: list[Node] = []
        self._extra_deps: dict[str, list[str]] = {}
        self._used_ids: set[str] = set()
        self._token: contextvars.Token[DAGBuilder | None] | None = None

    def __enter__(self) -> DAGBuilder:
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None

    def add_node(
        self,
        id: str,
        task: TaskFunction[Any, Any] | Callable[..., Any] | TaskSpec,
        params: Mapping[str, Any] | None = None,
        *,
        depends_on: Iterable[NodeOutput | str] = (),
        map_over: str | None = None,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        tags: Iterable[str] = (),
        run_in: RunIn | str = RunIn.AUTO,
        trigger: TriggerRule | str = TriggerRule.ALL_SUCCESS,
    ) -> NodeOutput:
        """Add a node with an explicit id; ``params`` may hold NodeOutputs, Refs and Params.

        A :class:`TaskFunction` passed here contributes its function only; the options given
        here (not the decorator's) apply. Duplicate ids are reported by ``build()``.
        """
        spec: TaskSpec
        if isinstance(task, CallableTask | TypedTask):
            spec = task
        elif isinstance(task, TaskFunction):
            spec = CallableTask(task.path, task.fn)
        elif callable(task):
            spec = CallableTask(callable_path(task), task)
        else:
            raise TypeError(f"node {id!r}: task must be a callable or a task spec, got {task!r}")
        node = Node(
            id=id,
            task=spec,
            params={name: _param_value(value) for name, value in (params or {}).items()},
            depends_on=tuple(_dep_id(dep) for dep in one_or_many(depends_on)),
            map_over=map_over,
            retry=retry if retry is not None else NO_RETRY,
            timeout=timeout,
            tags=one_or_many(tags),
            run_in=RunIn(run_in),
            trigger=TriggerRule(trigger),
        )
        self._nodes.append(node)
        self._used_ids.add(id)
        return NodeOutput(self, id)

    def add_task_call(
        self, fn: TaskFunction[Any, Any], kwargs: Mapping[str, Any], map_over: str | None
    ) -> NodeOutput:
        """Add the node made by calling ``fn`` inside this builder (used by TaskFunction)."""
        opts = fn.defaults
        node_id = opts.id if opts.id is not None else self._fresh_id(fn.name)
        return self.add_node(
            node_id,
            fn,
            kwargs,
            depends_on=opts.depends_on,
            map_over=map_over,
            retry=opts.retry,
            timeout=opts.timeout,
            tags=opts.tags,
            run_in=opts.run_in,
            trigger=opts.trigger,
        )

    def add_dependency(self, node_id: str, upstream_id: str) -> None:
        """Make ``node_id`` wait for ``upstream_id`` (ordering only)."""
        self._extra_deps.setdefault(node_id, []).append(upstream_id)

    def nodes(self) -> list[Node]:
        """The nodes added so far, with ``>>`` dependencies folded in, in insertion order."""
        out = []
        for node in self._nodes:
            extra = self._extra_deps.get(node.id)
            out.append(replace(node, depends_on=(*node.depends_on, *extra)) if extra else node)
        return out

    def build(self, registry: TaskTypeRegistry | None = None) -> DAG:
        """Validate every node and return the frozen DAG.

        Raises:
            DAGValidationError: listing every problem found (see :mod:`core_engine.validate`).
        """
        from core_engine.dag import DAG

        return DAG.create(self.name, self.nodes(), self.description, self.params, registry=registry)

    def _fresh_id(self, base: str) -> str:
        if base not in self._used_ids:
            return base
        n = 2
        while f"{base}_{n}" in self._used_ids:
            n += 1
        return f"{base}_{n}"


def _param_value(value: Any) -> Any:
    if isinstance(value, NodeOutput):
        return Ref(value.node_id)
    return value


def _dep_id(dep: NodeOutput | str | Ref) -> str:
    if isinstance(dep, NodeOutput | Ref):
        return dep.node_id
    if isinstance(dep, str):
        return dep
    raise TypeError(f"depends_on takes node outputs or ids, got {dep!r}")


__all__ = ["DAGBuilder", "NodeOutput", "Param", "ParamSpec", "Ref", "current_builder"]
