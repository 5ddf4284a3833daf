"""``taskTypes``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.permissions import IsAuthenticated
from open_backend.graphql.task_types.types import TaskType
from open_backend.services.dags import TASK_TYPES


def resolve_task_types() -> list[TaskType]:
    return [TaskType.of(task_type) for task_type in TASK_TYPES]


task_types = strawberry.field(
    resolver=resolve_task_types,
    permission_classes=[IsAuthenticated],
    description="The task types workers can run, by name.",
)


@strawberry.type
class TaskTypeQueries:
    task_types = task_types
