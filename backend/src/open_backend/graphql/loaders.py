"""Per-request batching loaders: the N fields of a list page cost one query, not N.

Each loader collects the keys asked for during one tick of the event loop and loads them with
one service call, scoped to the caller's organization. Loaders live on the request's context and
cache for the request only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from open_backend.db.models import DagVersion, Execution, User
from open_backend.executions import service as executions
from open_backend.services import dags, organizations

if TYPE_CHECKING:
    from open_backend.graphql.context import Context


class Loaders:
    """The loaders of one request.

    Attributes:
        latest_version: DAG id -> its highest-numbered version (``None`` outside the organization).
        last_execution: DAG id -> its newest execution (``None`` when never run or outside the
            organization).
        version: version id -> the version (``None`` outside the organization).
        user: user id -> the user (``None`` once deleted); only fed ids read from rows of the
            caller's organization.
    """

    def __init__(self, context: Context) -> None:
        self._context = context
        self.latest_version: DataLoader[uuid.UUID, DagVersion | None] = DataLoader(self._latest_versions)
        self.last_execution: DataLoader[uuid.UUID, Execution | None] = DataLoader(self._last_executions)
        self.version: DataLoader[uuid.UUID, DagVersion | None] = DataLoader(self._versions)
        self.user: DataLoader[uuid.UUID, User | None] = DataLoader(self._users)

    async def _latest_versions(self, dag_ids: list[uuid.UUID]) -> Sequence[DagVersion | None]:
        principal = self._context.require_principal()
        async with self._context.db() as session:
            found = await dags.latest_versions(session, principal, dag_ids)
        return [found.get(dag_id) for dag_id in dag_ids]

    async def _last_executions(self, dag_ids: list[uuid.UUID]) -> Sequence[Execution | None]:
        principal = self._context.require_principal()
        async with self._context.db() as session:
            found = await executions.latest_executions(session, principal, dag_ids)
        return [found.get(dag_id) for dag_id in dag_ids]

    async def _versions(self, version_ids: list[uuid.UUID]) -> Sequence[DagVersion | None]:
        principal = self._context.require_principal()
        async with self._context.db() as session:
            found = await dags.versions_by_id(session, principal, version_ids)
        return [found.get(version_id) for version_id in version_ids]

    async def _users(self, user_ids: list[uuid.UUID]) -> Sequence[User | None]:
        async with self._context.db() as session:
            found = await organizations.users_by_id(session, user_ids)
        return [found.get(user_id) for user_id in user_ids]
