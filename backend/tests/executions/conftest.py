"""Executions on a real database with committed rows (the runner uses its own sessions).

Fixtures:
    world: a :class:`World` on ``db_url`` (both backends): makes organizations with DAGs,
        runs executions through the real runner, and waits for them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
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
from open_backend.executions.inprocess import InProcessExecutor
from open_backend.executions.runner import RunnerDeps
from open_backend.settings import Environment, Settings

TERMINAL = {"succeeded", "failed", "cancelled", "timed_out"}


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    """A definition node of task type ``kind`` (or ``{"callable": ...}`` when kind has a colon)."""
    task = {"callable": kind} if ":" in kind else {"type": kind, "config": config}
    return {"id": node_id, "task": task, "depends_on": list(depends_on)}


def definition(*nodes: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A canonical definition of ``nodes`` (checked by core_engine)."""
    raw: dict[str, Any] = {"schema_version": 1, "name": "flow", "nodes": list(nodes)}
    if params is not None:
        raw["params"] = params
    return DAG.from_dict(raw, resolve_callables=False).to_dict()


class World:
    """Committed rows and a real in-process executor on one database."""

    node = staticmethod(node)
    definition = staticmethod(definition)

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self.deps = RunnerDeps(sessions, settings)
        self.executor = InProcessExecutor(self.deps)

    async def principal(
        self, role: Role = Role.EDITOR, organization_id: uuid.UUID | None = None
    ) -> Principal:
        """A principal of ``organization_id`` (default: a new organization) with ``role``."""
        if organization_id is None:
            slug = f"org-{uuid.uuid4().hex[:12]}"
            async with self.sessions() as session:
                org = Organization(name=slug, slug=slug)
                session.add(org)
                await session.commit()
                organization_id = org.id
        return Principal(Identity(user_id=uuid.uuid4()), organization_id, role)

    async def dag(
        self, principal: Principal, raw: dict[str, Any], status: DagStatus = DagStatus.ACTIVE
    ) -> Dag:
        """A committed DAG of the principal's organization whose version 1 is ``raw``."""
        built = DAG.from_dict(raw, resolve_callables=False)
        async with self.sessions() as session:
            dag = Dag(
                organization_id=principal.organization_id, name=f"dag-{uuid.uuid4().hex[:8]}", status=status
            )
            session.add(dag)
            await session.flush()
            version = DagVersion(
                dag_id=dag.id, version=1, definition=built.to_dict(), content_hash=built.content_hash
            )
            session.add(version)
            await session.flush()
            if status is DagStatus.ACTIVE:
                dag.active_version_id = version.id
            await session.commit()
            return dag

    async def execution(self, execution_id: uuid.UUID) -> Execution:
        async with self.sessions() as session:
            return await session.get_one(Execution, execution_id, populate_existing=True)

    async def nodes(self, execution_id: uuid.UUID) -> dict[tuple[str, int | None], NodeExecution]:
        async with self.sessions() as session:
            rows = (
                await session.exec(
                    select(NodeExecution).where(col(NodeExecution.execution_id) == execution_id)
                )
            ).all()
            return {(row.node_id, row.map_index): row for row in rows}

    async def events(self, execution_id: uuid.UUID) -> list[ExecutionEvent]:
        async with self.sessions() as session:
            statement = (
                select(ExecutionEvent)
                .where(col(ExecutionEvent.execution_id) == execution_id)
                .order_by(col(ExecutionEvent.sequence))
            )
            return list((await session.exec(statement)).all())

    async def wait_until(
        self, execution_id: uuid.UUID, statuses: set[str], deadline_s: float = 5.0
    ) -> Execution:
        """Poll the database until the execution's status is one of ``statuses``."""
        end = time.monotonic() + deadline_s
        while True:
            row = await self.execution(execution_id)
            if row.status.value in statuses:
                return row
            assert time.monotonic() < end, f"execution still {row.status.value} after {deadline_s} s"
            await asyncio.sleep(0.02)

    async def finished(self, execution_id: uuid.UUID) -> Execution:
        """Poll until the execution has ended."""
        return await self.wait_until(execution_id, TERMINAL)


def make_settings(tmp_path: Path, **fields: Any) -> Settings:
    """Test settings with data (and artifacts) under ``tmp_path``."""
    return Settings(env=Environment.TEST, data_dir=tmp_path / "data", **fields)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, max_result_bytes=1024)


@pytest.fixture
async def world(db_url: str, settings: Settings) -> AsyncIterator[World]:
    """A :class:`World` on ``db_url``; its executor is shut down after the test."""
    engine = create_engine_for_url(db_url)
    world = World(session_factory(engine), settings)
    try:
        yield world
    finally:
        await world.executor.shutdown()
        await engine.dispose()
