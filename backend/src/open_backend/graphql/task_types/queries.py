"""``taskTypes``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.context import Info
from open_backend.graphql.permissions import IsAuthenticated
from open_backend.graphql.task_types.types import TaskType
from open_backend.services.dags import task_types as platform_task_types


def resolve_task_types(info: Info) -> list[TaskType]:
    return [TaskType.of(task_type) for task_type in platform_task_types(info.context.settings)]


task_types = strawberry.field(
    resolver=resolve_task_types,
    permission_classes=[IsAuthenticated],
    description="The task types workers can run, by name.",
)


@strawberry.type
class TaskTypeQueries:
    task_types = task_types
