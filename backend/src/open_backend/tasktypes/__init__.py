"""The platform's task types: ``python`` and ``http`` beside the engine's ``command``, ``noop``
and ``sleep``, and the ones packages publish through the ``open.task_types`` entry points.

:func:`platform_registry` builds the registry the API validates definitions with and the
workers run them with. Reference: docs/task-types.md.
"""

from open_backend.tasktypes.http import HttpTask
from open_backend.tasktypes.python import PythonTask
from open_backend.tasktypes.registry import (
    ENTRY_POINT_GROUP,
    discover_task_types,
    platform_registry,
    registry_for,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "HttpTask",
    "PythonTask",
    "discover_task_types",
    "platform_registry",
    "registry_for",
]
