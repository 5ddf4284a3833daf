"""The registry of task types a definition may use and a run can execute."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from core_engine.tasktypes.builtin import NoopTask, SleepTask
from core_engine.tasktypes.command import CommandTask
from core_engine.tasktypes.protocol import TaskType


class TaskTypeRegistry:
    """Task types by name. ``TaskTypeRegistry.builtin()`` holds ``command``, ``noop`` and ``sleep``."""

    def __init__(self, types: Mapping[str, TaskType] | None = None) -> None:
        self._types: dict[str, TaskType] = dict(types or {})

    @classmethod
    def builtin(cls) -> TaskTypeRegistry:
        """A fresh registry with the engine's own task types: ``command``, ``noop``, ``sleep``."""
        registry = cls()
        registry.register(CommandTask())
        registry.register(NoopTask())
        registry.register(SleepTask())
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


#: The registry used when none is given (building, loading and running DAGs). Shared: never
#: register into it; make your own with :meth:`TaskTypeRegistry.builtin`.
DEFAULT_REGISTRY = TaskTypeRegistry.builtin()
