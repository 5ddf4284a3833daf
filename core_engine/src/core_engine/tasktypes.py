"""Task types: named, configurable task implementations, as stored in JSON definitions.

A node ``{"task": {"type": "sleep", "config": {"seconds": 2}}}`` runs the ``sleep`` type. A
:class:`TaskType` publishes a JSON Schema for its config (the editor builds forms from it),
checks a config, and turns a valid config into an async callable that receives the node's
parameters as keyword arguments. The engine ships ``sleep`` and ``noop``; the platform
registers more (``python``, ``command``, ``http``) in its own registry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Protocol, runtime_checkable

from core_engine.limits import MAX_TIMEOUT_SECONDS

TaskCallable = Callable[..., Awaitable[Any]]


@runtime_checkable
class TaskType(Protocol):
    """What a task type provides. ``name`` is unique within a registry."""

    name: str
    description: str
    config_schema: Mapping[str, Any]

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        """``(field, message)`` for every invalid config value; empty when valid."""
        ...

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        """The coroutine function that runs a node with this (valid) config."""
        ...


class SleepTask:
    """``sleep``: wait ``seconds`` on the event loop, return ``None``. For simulations."""

    name = "sleep"
    description = "Wait a number of seconds without blocking, then succeed with no result."
    config_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {
            "seconds": {
                "type": "number",
                "minimum": 0,
                "maximum": MAX_TIMEOUT_SECONDS,
                "description": "How long to wait, in seconds.",
            }
        },
        "required": ["seconds"],
        "additionalProperties": False,
    }

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        seconds = config.get("seconds")
        unknown = sorted(set(config) - {"seconds"})
        out = [(key, "is not a config field of 'sleep'") for key in unknown]
        if (
            not isinstance(seconds, int | float)
            or isinstance(seconds, bool)
            or not 0 <= seconds <= MAX_TIMEOUT_SECONDS
        ):
            out.append(("seconds", f"must be a number of seconds in [0, {MAX_TIMEOUT_SECONDS:g}]"))
        return out

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        seconds = float(config["seconds"])

        async def sleep(**_params: Any) -> None:
            await asyncio.sleep(seconds)

        return sleep


class NoopTask:
    """``noop``: succeed at once with the configured ``result`` (default ``None``)."""

    name = "noop"
    description = "Do nothing and succeed, returning the configured result."
    config_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {"result": {"description": "The value the node returns."}},
        "additionalProperties": False,
    }

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [(key, "is not a config field of 'noop'") for key in sorted(set(config) - {"result"})]

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        result = config.get("result")

        async def noop(**_params: Any) -> Any:
            return result

        return noop


class TaskTypeRegistry:
    """Task types by name. ``TaskTypeRegistry.builtin()`` holds ``sleep`` and ``noop``."""

    def __init__(self, types: Mapping[str, TaskType] | None = None) -> None:
        self._types: dict[str, TaskType] = dict(types or {})

    @classmethod
    def builtin(cls) -> TaskTypeRegistry:
        """A fresh registry with the engine's own task types."""
        registry = cls()
        registry.register(SleepTask())
        registry.register(NoopTask())
        return registry

    def register(self, task_type: TaskType) -> None:
        """Add ``task_type``; raises ``ValueError`` if its name is taken."""
        if task_type.name in self._types:
            raise ValueError(f"task type {task_type.name!r} is already registered")
        self._types[task_type.name] = task_type

    def get(self, name: str) -> TaskType | None:
        """The task type called ``name``, or ``None``."""
        return self._types.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[TaskType]:
        return iter(sorted(self._types.values(), key=lambda t: t.name))

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._types)


DEFAULT_REGISTRY = TaskTypeRegistry.builtin()
