"""Task types: named, configurable task implementations, as stored in JSON definitions.

A node ``{"task": {"type": "sleep", "config": {"seconds": 2}}}`` runs the ``sleep`` type. A
:class:`TaskType` publishes a JSON Schema for its config (the editor builds forms from it),
checks a config, and turns a valid config into an async callable that receives the node's
parameters as keyword arguments. The engine ships ``command`` (a program speaking JSON over its
standard streams), ``sleep`` and ``noop``; the platform registers more (``python``, ``http``)
in its own registry.

Modules: ``protocol`` (the protocol), ``builtin`` (``sleep``, ``noop``), ``command`` (its
config) and ``process`` (running it), ``registry`` (:class:`TaskTypeRegistry`), ``checks``
(helpers for ``config_problems``).
"""

from core_engine.tasktypes.builtin import NoopTask, SleepTask
from core_engine.tasktypes.command import CommandTask
from core_engine.tasktypes.process import CommandFailed
from core_engine.tasktypes.protocol import TaskCallable, TaskType
from core_engine.tasktypes.registry import DEFAULT_REGISTRY, TaskTypeRegistry

__all__ = [
    "DEFAULT_REGISTRY",
    "CommandFailed",
    "CommandTask",
    "NoopTask",
    "SleepTask",
    "TaskCallable",
    "TaskType",
    "TaskTypeRegistry",
]
