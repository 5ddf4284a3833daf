"""The node model: what one task in a DAG is, as frozen data.

A node's parameters are JSON constants or references. In the canonical JSON form a reference to
another node's whole result is ``{"$ref": "node_id"}`` and a reference to a run parameter is
``{"$param": "name"}``; a constant object that would be mistaken for one of those is wrapped as
``{"$literal": value}``.

Trigger rules decide what a node does once all its upstream nodes have ended:

* ``all_success`` (default): run if every upstream succeeded; else ``upstream_failed`` if any
  upstream failed, was cancelled or itself ended ``upstream_failed``; else ``skipped`` (the skip
  propagates, as in Airflow).
* ``none_failed``: run unless an upstream failed (then ``upstream_failed``); a skipped upstream
  passes ``None`` as its result.
* ``all_done``: always run; an upstream that did not succeed passes ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core_engine.retry import NO_RETRY, RetryPolicy


class TriggerRule(enum.StrEnum):
    """When a node runs, given how its upstream nodes ended (see the module docstring)."""

    ALL_SUCCESS = "all_success"  # every upstream succeeded
    NONE_FAILED = "none_failed"  # no upstream failed; skipped ones pass None
    ALL_DONE = "all_done"  # every upstream ended, however


class RunIn(enum.StrEnum):
    """Where a node's callable runs."""

    AUTO = "auto"  # coroutine functions on the event loop, plain functions in a thread
    LOOP = "loop"  # on the event loop itself (a plain function must be quick and non-blocking)
    THREAD = "thread"  # in the run's thread pool
    PROCESS = "process"  # in the run's process pool (CPU-bound work; must be importable)


@dataclass(frozen=True, slots=True)
class Ref:
    """A parameter value taken from the whole result of upstream node ``node_id``."""

    node_id: str


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter value taken from the run parameter ``name`` (declared on the DAG)."""

    name: str


ParamValue = Any  # a JSON constant, a Ref or a Param


@dataclass(frozen=True, slots=True)
class CallableTask:
    """A task implemented by a Python callable, named by import path ``"module:qualname"``.

    ``fn`` is the resolved callable, or ``None`` when the definition was loaded without
    importing code (the executor then imports ``path`` before running).
    """

    path: str
    fn: Callable[..., Any] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON form: ``{"callable": path}``."""
        return {"callable": self.path}


@dataclass(frozen=True, slots=True)
class TypedTask:
    """A task implemented by a registered task type ``type`` with JSON ``config``."""

    type: str
    config: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON form: ``{"type": name, "config": {...}}``."""
        return {"type": self.type, "config": dict(self.config)}


TaskSpec = CallableTask | TypedTask


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """A run parameter declared on a DAG.

    Attributes:
        type: JSON type name: ``string``, ``integer``, ``number``, ``boolean``, ``array``,
            ``object`` or ``any``.
        default: the value used when a run does not give one; ``REQUIRED`` makes it mandatory.
        description: shown in the run dialog.
    """

    type: str = "any"
    default: Any = None
    required: bool = False
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON form."""
        out: dict[str, Any] = {"type": self.type, "required": self.required}
        if not self.required:
            out["default"] = self.default
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True, slots=True)
class Node:
    """One task in a DAG.

    Attributes:
        id: unique within the DAG (see :mod:`core_engine.limits` for the pattern and length).
        task: what runs: a callable or a task type with config.
        params: keyword arguments: constants, :class:`Ref` or :class:`Param`.
        depends_on: extra upstream node ids besides those referenced in ``params``.
        map_over: name of a parameter whose upstream list result is expanded, one task
            instance per item; the node's result is the list of instance results.
        retry: the retry policy.
        timeout: seconds one attempt may run, or ``None`` for no limit.
        tags: free-form labels.
        run_in: where the callable runs.
        trigger: the trigger rule.
    """

    id: str
    task: TaskSpec
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    map_over: str | None = None
    retry: RetryPolicy = NO_RETRY
    timeout: float | None = None
    tags: tuple[str, ...] = ()
    run_in: RunIn = RunIn.AUTO
    trigger: TriggerRule = TriggerRule.ALL_SUCCESS

    def __post_init__(self) -> None:
        # Accept plain strings for the enums; an unknown one stays as given and is reported
        # by validation (``invalid_field``) instead of raising here.
        for name, kind in (("run_in", RunIn), ("trigger", TriggerRule)):
            value = getattr(self, name)
            if not isinstance(value, kind) and value in kind._value2member_map_:
                object.__setattr__(self, name, kind(value))

    @property
    def upstream(self) -> tuple[str, ...]:
        """Sorted, de-duplicated ids of every node this one waits for."""
        ids = set(self.depends_on)
        ids.update(value.node_id for value in self.params.values() if isinstance(value, Ref))
        return tuple(sorted(ids))

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON form (every field present, lists sorted where order has no meaning)."""
        return {
            "id": self.id,
            "task": self.task.to_dict(),
            "params": {name: encode_param(value) for name, value in sorted(self.params.items())},
            "depends_on": sorted(set(self.depends_on)),
            "map_over": self.map_over,
            "retry": self.retry.to_dict(),
            "timeout": None if self.timeout is None else float(self.timeout),
            "tags": sorted(set(self.tags)),
            "run_in": str(self.run_in),
            "trigger": str(self.trigger),
        }


_MARKERS = ("$ref", "$param", "$literal")


def encode_param(value: ParamValue) -> Any:
    """JSON form of one parameter value (see the module docstring)."""
    if isinstance(value, Ref):
        return {"$ref": value.node_id}
    if isinstance(value, Param):
        return {"$param": value.name}
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _MARKERS:
        return {"$literal": value}
    return value


def decode_param(value: Any) -> ParamValue:
    """Inverse of :func:`encode_param`."""
    if isinstance(value, dict) and len(value) == 1:
        key, inner = next(iter(value.items()))
        if key == "$ref" and isinstance(inner, str):
            return Ref(inner)
        if key == "$param" and isinstance(inner, str):
            return Param(inner)
        if key == "$literal":
            return inner
    return value
