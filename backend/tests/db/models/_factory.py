"""Fresh, valid rows for the model tests: every name, slug and email is random."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import (
    Dag,
    DagVersion,
    Execution,
    ExecutionEvent,
    Membership,
    Organization,
    Role,
    User,
)

T = TypeVar("T")


def unique(prefix: str) -> str:
    """``prefix`` with a random suffix."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Factory:
    """Adds rows to ``session`` and flushes them, so constraints are checked at once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _add(self, row: T) -> T:
        self.session.add(row)
        await self.session.flush()
        return row

    async def organization(self, **fields: Any) -> Organization:
        slug = unique("org")
        return await self._add(Organization(**{"name": slug, "slug": slug, **fields}))

    async def user(self, **fields: Any) -> User:
        name = unique("user")
        return await self._add(User(**{"email": f"{name}@example.org", "name": name, **fields}))

    async def membership(
        self, user: User, organization: Organization, role: Role = Role.VIEWER
    ) -> Membership:
        return await self._add(Membership(user_id=user.id, organization_id=organization.id, role=role))

    async def dag(self, organization: Organization, **fields: Any) -> Dag:
        return await self._add(Dag(**{"organization_id": organization.id, "name": unique("dag"), **fields}))

    async def version(self, dag: Dag, version: int = 1, **fields: Any) -> DagVersion:
        definition = {"name": dag.name, "nodes": []}
        row = DagVersion(
            **{
                "dag_id": dag.id,
                "version": version,
                "definition": definition,
                "content_hash": f"sha256:{uuid.uuid4().hex}",
                **fields,
            }
        )
        return await self._add(row)

    async def execution(self, version: DagVersion, dag: Dag, **fields: Any) -> Execution:
        row = Execution(
            **{
                "organization_id": dag.organization_id,
                "dag_id": dag.id,
                "dag_version_id": version.id,
                **fields,
            }
        )
        return await self._add(row)

    async def event(self, execution: Execution, sequence: int, **fields: Any) -> ExecutionEvent:
        ts = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=sequence)
        row = ExecutionEvent(
            **{
                "execution_id": execution.id,
                "sequence": sequence,
                "kind": "node_started",
                "ts": ts,
                "payload": {"kind": "node_started", "seq": sequence},
                **fields,
            }
        )
        return await self._add(row)

    async def executed_dag(self) -> tuple[Organization, Dag, DagVersion, Execution]:
        """An organization with a DAG, its first version and one execution of it."""
        organization = await self.organization()
        dag = await self.dag(organization)
        version = await self.version(dag)
        execution = await self.execution(version, dag)
        return organization, dag, version, execution
