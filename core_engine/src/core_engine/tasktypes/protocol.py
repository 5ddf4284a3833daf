"""The :class:`TaskType` protocol: what every task type provides."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, runtime_checkable

#: What :meth:`TaskType.bind` returns: a coroutine function called with the node's parameters
#: as keyword arguments, whose result is the node's result.
TaskCallable = Callable[..., Awaitable[Any]]


@runtime_checkable
class TaskType(Protocol):
    """What a task type provides. ``name`` is unique within a registry.

    Attributes:
        name: the ``type`` of ``{"task": {"type": name, "config": {...}}}``.
        description: one sentence for people choosing a type in the editor.
        config_schema: a JSON Schema (draft 2020-12) of the config object; the editor builds
            its form from it. :meth:`config_problems` is the authority, the schema a guide.
    """

    name: str
    description: str
    config_schema: Mapping[str, Any]

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        """``(field, message)`` for every invalid config value; empty when valid.

        ``field`` is a config key (or ``key.sub`` for a nested value); the message completes
        ``config.<field> ...``, so it reads ``must be ...``. Never raises.
        """
        ...

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        """The coroutine function that runs a node with this (valid) config.

        Called once per node and run, before anything runs: it must not raise for a config
        :meth:`config_problems` accepts, nor block. Problems only known at run time (a missing
        program, a refused module) are raised by the coroutine, which fails the node.
        """
        ...
