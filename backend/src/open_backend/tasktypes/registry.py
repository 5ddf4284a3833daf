"""The platform's task types: the engine's, ``python``, ``http``, and those packages publish.

A package adds task types by declaring entry points in the group :data:`ENTRY_POINT_GROUP`,
each loading to a task type instance or to a class made with no arguments::

    [project.entry-points."open.task_types"]
    geocode = "acme_tasks.geo:GeocodeTask"

A broken entry point (it fails to load or to instantiate, or is not a task type, or takes a
name already registered) is logged with its reason and skipped; it never stops the server.
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Mapping, Sequence
from typing import Final

from core_engine.tasktypes import TaskType, TaskTypeRegistry
from open_backend.settings import Settings
from open_backend.tasktypes.http import HttpTask
from open_backend.tasktypes.python import PythonTask

#: The entry-point group packages publish task types in.
ENTRY_POINT_GROUP: Final = "open.task_types"

logger = logging.getLogger(__name__)


def _problem(task_type: object) -> str | None:
    if not isinstance(task_type, TaskType):
        return "it lacks name, description, config_schema, config_problems or bind"
    if not isinstance(task_type.name, str) or not task_type.name:
        return "its name is not a non-empty string"
    if not isinstance(task_type.description, str):
        return "its description is not a string"
    if not isinstance(task_type.config_schema, Mapping):
        return "its config_schema is not a JSON Schema object"
    return None


def discover_task_types(group: str = ENTRY_POINT_GROUP) -> list[TaskType]:
    """The task types installed distributions publish in ``group``, in entry-point name order.

    Broken entry points are logged (at ERROR, with the traceback when loading raised) and left
    out. Never raises.
    """
    found: list[TaskType] = []
    for entry in sorted(importlib.metadata.entry_points(group=group), key=lambda e: (e.name, e.value)):
        try:
            loaded = entry.load()
            task_type = loaded() if isinstance(loaded, type) else loaded
        except Exception:
            logger.exception(
                "task type entry point %r (%s) could not be loaded; skipped", entry.name, entry.value
            )
            continue
        problem = _problem(task_type)
        if problem is not None:
            logger.error(
                "task type entry point %r (%s) is not a task type: %s; skipped",
                entry.name,
                entry.value,
                problem,
            )
            continue
        found.append(task_type)
    return found


def registry_for(allowed_modules: Sequence[str], group: str = ENTRY_POINT_GROUP) -> TaskTypeRegistry:
    """A fresh registry: the engine's types, ``python`` limited to ``allowed_modules``, ``http``,
    then the types of ``group``'s entry points (one whose name is taken is logged and skipped)."""
    registry = TaskTypeRegistry.builtin()
    registry.register(PythonTask(allowed_modules))
    registry.register(HttpTask())
    for task_type in discover_task_types(group):
        if task_type.name in registry:
            logger.error(
                "task type %r from an entry point of %s is already registered; skipped", task_type.name, group
            )
            continue
        registry.register(task_type)
    return registry


def platform_registry(settings: Settings) -> TaskTypeRegistry:
    """A fresh registry of every task type this deployment runs.

    ``command``, ``noop``, ``sleep`` (the engine's), ``python`` (bound to
    ``OPEN_ALLOWED_CALLABLE_MODULES``), ``http``, and the entry points of :data:`ENTRY_POINT_GROUP`.
    Discovering entry points scans the installed distributions (a few milliseconds).
    """
    return registry_for(settings.callable_module_allow_list)
