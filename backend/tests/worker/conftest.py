"""Real worker processes on real PostgreSQL and Redis.

Fixtures:
    platform: a :class:`Platform` on a PostgreSQL database of the test's own and a Redis queue
        of the test's own; it starts worker processes (``python -m open_backend.worker``),
        creates DAGs and executions, dispatches them as the API does, and reads the results.
        Every worker it started is killed after the test.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

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
from open_backend.queue import ArqDispatcher, connect

REDIS_URL = os.environ.get("OPEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TERMINAL = {"succeeded", "failed", "cancelled", "timed_out"}


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    """A definition node of task type ``kind`` with ``config``."""
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


def definition(*nodes: dict[str, Any]) -> dict[str, Any]:
    """A canonical definition of ``nodes``."""
    return DAG.from_dict({"schema_version": 1, "name": "flow", "nodes": list(nodes)}).to_dict()


class WorkerProcess:
    """One ``python -m open_backend.worker`` process; its log lines are collected as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "open_backend.worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return "\n".join(self.lines)

    async def ready(self, deadline_s: float = 15.0) -> WorkerProcess:
        """Wait until the worker reports it has started."""
        end = time.monotonic() + deadline_s
        while not any("started on queue" in line for line in self.lines):
            assert self.process.poll() is None, f"the worker exited early:\n{self.log()}"
            assert time.monotonic() < end, f"the worker did not start:\n{self.log()}"
            await asyncio.sleep(0.05)
        return self

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    async def exited(self, deadline_s: float) -> int:
        """Wait for the process to exit; its exit code."""
        end = time.monotonic() + deadline_s
        while (code := self.process.poll()) is None:
            assert time.monotonic() < end, f"the worker did not exit within {deadline_s} s:\n{self.log()}"
            await asyncio.sleep(0.05)
        return code

    def kill(self) -> None:
        """Kill the process if it still runs, and release its pipe."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self._reader.join(5)
        if self.process.stderr is not None:
            self.process.stderr.close()


@dataclass
class Platform:
    """The database and queue of one test, with helpers to drive executions (see the module)."""

    db_url: str
    redis_url: str
    queue: str
    tmp: Path
    engine: AsyncEngine
    pool: ArqRedis
    workers: list[WorkerProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sessions = session_factory(self.engine)
        self.dispatcher = ArqDispatcher(self.pool, self.queue)

    def env(self, **overrides: str) -> dict[str, str]:
        """The environment of a worker process of this platform (lease timing: the defaults)."""
        return {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            "OPEN_QUEUE_NAME": self.queue,
            "OPEN_ENV": "test",
            "OPEN_DATA_DIR": str(self.tmp / "data"),
            **overrides,
        }

    async def worker(self, **overrides: str) -> WorkerProcess:
        """Start a worker process and wait until it takes jobs."""
        process = WorkerProcess(self.env(**overrides))
        self.workers.append(process)
        return await process.ready()

    async def dag(
        self, raw: dict[str, Any], max_concurrent_executions: int | None = None
    ) -> tuple[Principal, Dag]:
        """A new organization with one active DAG whose version 1 is ``raw``."""
        slug = f"org-{uuid.uuid4().hex[:12]}"
        async with self.sessions() as session:
            org = Organization(name=slug, slug=slug)
            session.add(org)
            await session.flush()
            dag = Dag(
                organization_id=org.id,
                name="flow",
                status=DagStatus.ACTIVE,
                max_concurrent_executions=max_concurrent_executions,
            )
            session.add(dag)
            await session.flush()
            version = DagVersion(dag_id=dag.id, version=1, definition=raw, content_hash="sha256:test")
            session.add(version)
            await session.flush()
            dag.active_version_id = version.id
            await session.commit()
            principal = Principal(Identity(user_id=uuid.uuid4()), org.id, Role.EDITOR)
            return principal, dag

    async def execute(self, principal: Principal, dag: Dag, *, submit: bool = True) -> Execution:
        """Create an execution as ``executeDag`` does and (by default) enqueue its job."""
        async with self.sessions() as session:
            row = await service.execute_dag(
                session,
                principal,
                dag_id=dag.id,
                version=None,
                params={},
                idempotency_key=None,
                now=datetime.now(UTC),
            )
            await session.commit()
        if submit:
            assert row.dispatch_job_id is not None
            await self.dispatcher.submit(row.id, row.dispatch_job_id)
        return row

    async def execution(self, execution_id: uuid.UUID) -> Execution:
        async with self.sessions() as session:
            return await session.get_one(Execution, execution_id, populate_existing=True)

    async def nodes(self, execution_id: uuid.UUID) -> dict[str, NodeExecution]:
        async with self.sessions() as session:
            rows = (
                await session.exec(
                    select(NodeExecution).where(
                        col(NodeExecution.execution_id) == execution_id,
                        col(NodeExecution.map_index).is_(None),
                    )
                )
            ).all()
            return {row.node_id: row for row in rows}

    async def events(self, execution_id: uuid.UUID) -> list[ExecutionEvent]:
        async with self.sessions() as session:
            return await service.all_events(session, execution_id)

    async def until(self, check: Any, deadline_s: float = 10.0, what: str = "condition") -> Any:
        """Poll the async ``check()`` every 20 ms until it returns something truthy."""
        end = time.monotonic() + deadline_s
        while True:
            value = await check()
            if value:
                return value
            assert time.monotonic() < end, f"{what} not reached within {deadline_s} s"
            await asyncio.sleep(0.02)

    async def finished(self, execution_id: uuid.UUID, deadline_s: float = 15.0) -> Execution:
        async def ended() -> Execution | None:
            row = await self.execution(execution_id)
            return row if row.status.value in TERMINAL else None

        try:
            ended_row: Execution = await self.until(ended, deadline_s, "the end of the execution")
        except AssertionError:
            logs = "\n---\n".join(worker.log() for worker in self.workers)
            raise AssertionError(f"execution {execution_id} did not end; worker logs:\n{logs}") from None
        return ended_row

    async def check_log(self, execution_id: uuid.UUID) -> None:
        """The stored log has consecutive sequences, replays, and agrees with the rows
        (``replayExecution``'s check)."""
        events = await self.events(execution_id)
        assert [e.sequence for e in events] == list(range(len(events)))
        row = await self.execution(execution_id)
        admin = Principal(Identity(user_id=uuid.uuid4()), row.organization_id, Role.ADMIN)
        async with self.sessions() as session:
            report = await service.replay_execution(session, admin, execution_id)
        assert report.matches, report.differences

    async def node_started(self, execution_id: uuid.UUID, node_id: str, attempt: int) -> None:
        """Wait until the stored log says ``node_id`` started ``attempt``."""

        async def started() -> bool:
            return any(
                e.kind == "node_started"
                and e.payload["node_id"] == node_id
                and e.payload["attempt"] == attempt
                for e in await self.events(execution_id)
            )

        await self.until(started, 15.0, f"{node_id} attempt {attempt}")


@pytest.fixture
async def platform(own_postgres_url: str, tmp_path: Path) -> AsyncIterator[Platform]:
    queue = f"open-test:{uuid.uuid4().hex[:12]}"
    engine = create_engine_for_url(own_postgres_url)
    pool = await connect(REDIS_URL)
    made = Platform(own_postgres_url, REDIS_URL, queue, tmp_path, engine, pool)
    try:
        yield made
    finally:
        for worker in made.workers:
            worker.kill()
        await pool.delete(queue)
        await pool.aclose()
        await engine.dispose()
