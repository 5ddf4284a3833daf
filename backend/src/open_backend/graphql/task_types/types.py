"""The ``TaskType`` type."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from core_engine import TaskType as EngineTaskType


@strawberry.type(
    description='A task implementation a node can use as {"task": {"type": name, "config": {...}}}.'
)
class TaskType:
    name: str
    description: str
    config_schema: JSON = strawberry.field(
        description="JSON Schema of the config (the editor builds its form)."
    )

    @classmethod
    def of(cls, task_type: EngineTaskType) -> TaskType:
        """The API object of an engine task type."""
        return cls(
            name=task_type.name,
            description=task_type.description,
            config_schema=JSON(dict(task_type.config_schema)),
        )
