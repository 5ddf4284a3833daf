"""Backup and restore: a real PostgreSQL database holding executions is dumped with
infra/scripts/backup.sh, restored with infra/scripts/restore.sh into a fresh database, and every
execution's event log replays there to the same digests as in the original."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core_engine import DAG
from open_backend.auth.principal import Identity, Principal
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.migrate import migration_status, upgrade_database
from open_backend.db.models import Dag, DagStatus, DagVersion, Organization, Role
from open_backend.executions import service
from open_backend.executions.inprocess import InProcessExecutor
from open_backend.executions.maintenance import replay_stored_execution
from open_backend.executions.projection import ReplayReport
from open_backend.executions.runner import RunnerDeps
from open_backend.settings import Environment, Settings, normalize_database_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "infra" / "scripts"
SERVER_URL = normalize_database_url("postgresql://postgres@127.0.0.1:5432/postgres")


async def _admin(statement: str) -> None:
    engine = create_async_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


@pytest.fixture
async def make_database() -> AsyncIterator[Any]:
    """Makes empty PostgreSQL databases (returns their URLs); drops them after the test."""
    names: list[str] = []

    async def make() -> str:
        name = f"open_test_{uuid.uuid4().hex[:16]}"
        await _admin(f'CREATE DATABASE "{name}"')
        names.append(name)
        return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    for name in names:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


async def run_executions(url: str, data_dir: Path, definitions: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Run one execution of each definition to its end with the real in-process runner."""
    engine = create_engine_for_url(url)
    sessions = session_factory(engine)
    executor = InProcessExecutor(RunnerDeps(sessions, Settings(env=Environment.TEST, data_dir=data_dir)))
    ids = []
    try:
        async with sessions() as session:
            org = Organization(name="backup", slug=f"backup-{uuid.uuid4().hex[:8]}")
            session.add(org)
            await session.commit()
            principal = Principal(Identity(user_id=uuid.uuid4()), org.id, Role.ADMIN)
        for raw in definitions:
            built = DAG.from_dict({"schema_version": 1, "name": "flow", **raw}, resolve_callables=False)
            async with sessions() as session:
                dag = Dag(organization_id=org.id, name=f"dag-{uuid.uuid4().hex[:8]}", status=DagStatus.ACTIVE)
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
                    session,
                    principal,
                    dag_id=dag.id,
                    version=None,
                    params={},
                    idempotency_key=None,
                    now=datetime.now(UTC),
                )
                await session.commit()
            await executor.submit(row.id, row.dispatch_job_id or "")
            await executor.wait(row.id)
            ids.append(row.id)
    finally:
        await executor.shutdown()
        await engine.dispose()
    return ids


async def replay_all(url: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, ReplayReport]:
    engine = create_engine_for_url(url)
    try:
        async with session_factory(engine)() as session:
            return {eid: await replay_stored_execution(session, eid) for eid in ids}
    finally:
        await engine.dispose()


async def count_events(url: str) -> int:
    engine = create_engine_for_url(url)
    try:
        async with engine.connect() as connection:
            return int(
                (await connection.execute(sa.text("SELECT count(*) FROM execution_events"))).scalar_one()
            )
    finally:
        await engine.dispose()


def script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)


async def test_a_restored_dump_replays_every_execution_to_the_same_digests(
    make_database: Any, tmp_path: Path
) -> None:
    source = await make_database()
    await upgrade_database(source)
    ids = await run_executions(
        source,
        tmp_path / "data",
        [
            {"nodes": [node("a", result={"rows": 3}), node("b", "sleep", ("a",), seconds=0.01)]},
            {"nodes": [node("a"), node("b", depends_on=("a",), result=[1, 2]), node("c")]},
            {"nodes": [node("bad", "command", argv=["sh", "-c", "echo broken >&2; exit 3"])]},
        ],
    )
    before = await replay_all(source, ids)
    assert all(report.matches for report in before.values())
    assert len({report.events_digest for report in before.values()}) == 3

    dump = tmp_path / "backups" / "open.dump"
    backup = await asyncio.to_thread(script, str(SCRIPTS / "backup.sh"), source, str(dump))
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.strip() == str(dump)
    assert not dump.with_name("open.dump.partial").exists()

    target = await make_database()
    restore = await asyncio.to_thread(script, str(SCRIPTS / "restore.sh"), str(dump), target)
    assert restore.returncode == 0, restore.stderr

    assert (await migration_status(target)).is_current
    assert await count_events(target) == await count_events(source)
    after = await replay_all(target, ids)
    for eid in ids:
        assert after[eid].matches, after[eid].differences
        assert after[eid].events_digest == before[eid].events_digest
        assert after[eid].projections_digest == before[eid].projections_digest
        assert after[eid].event_count == before[eid].event_count


async def test_restore_refuses_a_database_that_is_not_empty(make_database: Any, tmp_path: Path) -> None:
    source = await make_database()
    await upgrade_database(source)
    dump = tmp_path / "open.dump"
    assert (await asyncio.to_thread(script, str(SCRIPTS / "backup.sh"), source, str(dump))).returncode == 0
    result = await asyncio.to_thread(script, str(SCRIPTS / "restore.sh"), str(dump), source)
    assert result.returncode == 1
    assert "the target database is not empty" in result.stderr


async def test_restore_of_a_missing_file_is_a_usage_error(make_database: Any, tmp_path: Path) -> None:
    target = await make_database()
    result = await asyncio.to_thread(script, str(SCRIPTS / "restore.sh"), str(tmp_path / "none.dump"), target)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no backup file ")
