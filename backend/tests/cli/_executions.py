"""Real executions for the operator-command tests: committed rows on a real database, run by
the real in-process runner (as ``backend/tests/executions`` does), so the event log and its
projections are the ones the platform writes."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine import DAG
from open_backend.auth.principal import Identity, Principal
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.models import (
    Dag,
    DagStatus,
    DagVersion,
    Execution,
    ExecutionEvent,
    NodeExecution,
    Organization,
    Role,
)
from open_backend.executions import service
from open_backend.executions.inprocess import InProcessExecutor
from open_backend.executions.runner import RunnerDeps
from open_backend.settings import Environment, Settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    """A definition node of the built-in task type ``kind``."""
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


def definition(*nodes: dict[str, Any]) -> dict[str, Any]:
    raw = {"schema_version": 1, "name": "flow", "nodes": list(nodes)}
    return DAG.from_dict(raw, resolve_callables=False).to_dict()


class Platform:
    """A database with one organization, and the in-process executor running on it."""

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self.engine = engine
        self.sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self.executor = InProcessExecutor(RunnerDeps(self.sessions, settings))
        self.principal: Principal | None = None

    async def _principal(self) -> Principal:
        if self.principal is None:
            slug = f"org-{uuid.uuid4().hex[:12]}"
            async with self.sessions() as session:
                org = Organization(name=slug, slug=slug)
                session.add(org)
                await session.commit()
                self.principal = Principal(Identity(user_id=uuid.uuid4()), org.id, Role.ADMIN)
        return self.principal

    async def start(self, raw: dict[str, Any]) -> uuid.UUID:
        """Create a DAG of ``raw`` and an execution of it, and start running it."""
        principal = await self._principal()
        built = DAG.from_dict(raw, resolve_callables=False)
        async with self.sessions() as session:
            dag = Dag(
                organization_id=principal.organization_id,
                name=f"dag-{uuid.uuid4().hex[:8]}",
                status=DagStatus.ACTIVE,
            )
            session.add(dag)
            await session.flush()
            version = DagVersion(
                dag_id=dag.id, version=1, definition=built.to_dict(), content_hash=built.content_hash
            )
            session.add(version)
            await session.flush()
            dag.active_version_id = version.id
            await session.commit()
            row = await service.execute_dag(
                session, principal, dag_id=dag.id, version=None, params={}, idempotency_key=None, now=NOW
            )
            await session.commit()
        await self.executor.submit(row.id, row.dispatch_job_id or "")
        return row.id

    async def run(self, raw: dict[str, Any]) -> uuid.UUID:
        """Run an execution of ``raw`` to its end."""
        execution_id = await self.start(raw)
        await self.executor.wait(execution_id)
        return execution_id

    async def execution(self, execution_id: uuid.UUID) -> Execution:
        async with self.sessions() as session:
            return await session.get_one(Execution, execution_id, populate_existing=True)

    async def nodes(self, execution_id: uuid.UUID) -> dict[str, NodeExecution]:
        async with self.sessions() as session:
            statement = select(NodeExecution).where(col(NodeExecution.execution_id) == execution_id)
            return {row.node_id: row for row in (await session.exec(statement)).all()}

    async def event_kinds(self, execution_id: uuid.UUID) -> list[str]:
        async with self.sessions() as session:
            statement = (
                select(ExecutionEvent.kind)
                .where(col(ExecutionEvent.execution_id) == execution_id)
                .order_by(col(ExecutionEvent.sequence))
            )
            return list((await session.exec(statement)).all())

    async def wait_for_event(self, execution_id: uuid.UUID, kind: str, deadline_s: float = 10.0) -> None:
        """Poll until the execution's log holds an event of ``kind``."""
        end = time.monotonic() + deadline_s
        while kind not in await self.event_kinds(execution_id):
            assert time.monotonic() < end, f"no {kind} event after {deadline_s} s"
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def platform(url: str, data_dir: Path) -> AsyncIterator[Platform]:
    """A :class:`Platform` on the database at ``url``, its executor shut down after use."""
    engine = create_engine_for_url(url)
    settings = Settings(env=Environment.TEST, data_dir=data_dir)
    world = Platform(engine, settings)
    try:
        yield world
    finally:
        await world.executor.shutdown()
        await engine.dispose()
