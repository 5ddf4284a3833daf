from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from open_backend.db.models import Dag, DagStatus, Execution, ExecutionStatus, Role
from open_backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from open_backend.executions import service

if TYPE_CHECKING:
    from conftest import World
    from open_backend.auth.principal import Principal

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def create(world: World, principal: Principal, dag_id: uuid.UUID, **fields: Any) -> Execution:
    async with world.sessions() as session:
        row = await service.execute_dag(
            session,
            principal,
            dag_id=dag_id,
            version=fields.pop("version", None),
            params=fields.pop("params", {}),
            idempotency_key=fields.pop("idempotency_key", None),
            now=fields.pop("now", NOW),
        )
        await session.commit()
        return row


async def run(world: World, principal: Principal, dag_id: uuid.UUID, **fields: Any) -> Execution:
    row = await create(world, principal, dag_id, **fields)
    await world.executor.submit(row.id, row.dispatch_job_id or "")
    return await world.finished(row.id)


async def test_execute_dag_creates_a_queued_execution_of_the_active_version(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    row = await create(world, principal, dag.id)
    assert row.status is ExecutionStatus.QUEUED
    assert (row.organization_id, row.dag_id) == (principal.organization_id, dag.id)
    assert row.dag_version_id == dag.active_version_id


async def test_params_are_checked_and_completed_with_their_defaults(world: World) -> None:
    principal = await world.principal()
    raw = world.definition(
        world.node("a"), params={"n": {"type": "integer"}, "label": {"type": "string", "default": "x"}}
    )
    dag = await world.dag(principal, raw)
    row = await create(world, principal, dag.id, params={"n": 3})
    assert row.params == {"n": 3, "label": "x"}


async def test_bad_params_fail_validation_naming_each_param(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a"), params={"n": {"type": "integer"}}))
    with pytest.raises(ValidationFailed) as caught:
        await create(world, principal, dag.id, params={"n": "three", "extra": 1})
    assert set(caught.value.details["params"]) == {"n", "extra"}


async def test_params_are_still_checked_when_the_version_was_parsed_before(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a"), params={"n": {"type": "integer"}}))
    assert (await create(world, principal, dag.id, params={"n": 1})).params == {"n": 1}
    with pytest.raises(ValidationFailed) as caught:
        await create(world, principal, dag.id, params={"n": "one"})
    assert set(caught.value.details["params"]) == {"n"}


async def test_without_an_active_version_the_latest_one_runs(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    async with world.sessions() as session:
        await session.exec(sa.update(Dag).where(col(Dag.id) == dag.id).values(active_version_id=None))
        await session.commit()
    assert (await create(world, principal, dag.id)).dag_version_id == dag.active_version_id


async def test_an_unknown_dag_is_not_found(world: World) -> None:
    principal = await world.principal()
    with pytest.raises(NotFound):
        await create(world, principal, uuid.uuid4())


async def test_a_viewer_cannot_execute(world: World) -> None:
    editor = await world.principal()
    viewer = await world.principal(Role.VIEWER, editor.organization_id)
    dag = await world.dag(editor, world.definition(world.node("a")))
    with pytest.raises(Forbidden):
        await create(world, viewer, dag.id)


async def test_an_archived_dag_cannot_run(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")), status=DagStatus.ARCHIVED)
    with pytest.raises(Conflict):
        await create(world, principal, dag.id)


async def test_the_same_idempotency_key_returns_the_same_execution(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    first = await create(world, principal, dag.id, idempotency_key="k-1")
    second = await create(world, principal, dag.id, idempotency_key="k-1")
    assert first.id == second.id


async def test_concurrent_requests_with_one_idempotency_key_create_one_execution(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    rows = await asyncio.gather(*(create(world, principal, dag.id, idempotency_key="same") for _ in range(4)))
    assert len({row.id for row in rows}) == 1
    async with world.sessions() as session:
        page = await service.list_executions(session, principal, first=10, after=None, dag_id=dag.id)
    assert page.total_count == 1


async def test_executions_of_another_organization_are_not_found(world: World) -> None:
    owner = await world.principal()
    stranger = await world.principal(Role.OWNER)
    dag = await world.dag(owner, world.definition(world.node("a")))
    row = await create(world, owner, dag.id)
    async with world.sessions() as session:
        with pytest.raises(NotFound):
            await create(world, stranger, dag.id)
        with pytest.raises(NotFound):
            await service.get_execution(session, stranger, row.id)
        with pytest.raises(NotFound):
            await service.cancel_execution(session, stranger, row.id, now=NOW)
        with pytest.raises(NotFound):
            await service.retry_execution(session, stranger, row.id, now=NOW)
        with pytest.raises(NotFound):
            await service.replay_execution(session, stranger, row.id)
        page = await service.list_executions(session, stranger, first=10, after=None)
    assert page.total_count == 0


async def test_executions_are_listed_newest_first_with_filters(world: World) -> None:
    principal = await world.principal()
    dag_a = await world.dag(principal, world.definition(world.node("a")))
    dag_b = await world.dag(principal, world.definition(world.node("b")))
    old = await create(world, principal, dag_a.id, now=NOW - timedelta(hours=1))
    new = await create(world, principal, dag_a.id, now=NOW)
    other = await create(world, principal, dag_b.id, now=NOW)
    async with world.sessions() as session:
        everything = await service.list_executions(session, principal, first=2, after=None)
        rest = await service.list_executions(session, principal, first=2, after=everything.end_cursor)
        of_a = await service.list_executions(session, principal, first=10, after=None, dag_id=dag_a.id)
        recent = await service.list_executions(
            session, principal, first=10, after=None, created_after=NOW - timedelta(minutes=1)
        )
        queued = await service.list_executions(
            session, principal, first=10, after=None, status=ExecutionStatus.QUEUED, created_before=NOW
        )
    assert everything.total_count == 3 and everything.has_next_page
    assert [row.id for _, row in everything.items + rest.items][-1] == old.id
    assert {row.id for _, row in of_a.items} == {old.id, new.id}
    assert {row.id for _, row in recent.items} == {new.id, other.id}
    assert [row.id for _, row in queued.items] == [old.id]


async def test_cancelling_a_queued_execution_ends_it_without_running(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    row = await create(world, principal, dag.id)
    async with world.sessions() as session:
        cancelled = await service.cancel_execution(session, principal, row.id, now=NOW)
        await session.commit()
    await world.executor.submit(row.id, row.dispatch_job_id or "")
    await world.executor.wait(row.id)
    assert cancelled.status is ExecutionStatus.CANCELLED
    assert (await world.execution(row.id)).status is ExecutionStatus.CANCELLED
    assert await world.events(row.id) == []


async def test_cancelling_a_running_execution_stops_its_sleeping_node_within_a_second(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("nap", "sleep", seconds=30)))
    row = await create(world, principal, dag.id)
    await world.executor.submit(row.id, row.dispatch_job_id or "")
    await world.wait_until(row.id, {"running"})
    await asyncio.sleep(0.1)
    async with world.sessions() as session:
        await service.cancel_execution(session, principal, row.id, now=NOW)
        await session.commit()
    finished = await world.wait_until(row.id, {"cancelled"}, deadline_s=1.0)
    assert (await world.nodes(row.id))[("nap", None)].status.value == "cancelled"
    assert finished.finished_at is not None


async def test_an_ended_execution_cannot_be_cancelled(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    row = await run(world, principal, dag.id)
    async with world.sessions() as session:
        with pytest.raises(Conflict):
            await service.cancel_execution(session, principal, row.id, now=NOW)


async def test_a_retry_reuses_the_succeeded_results_and_reruns_the_rest(world: World) -> None:
    world.deps.settings = world.settings.model_copy(update={"allowed_callable_modules": "json"})
    principal = await world.principal()
    raw = world.definition(world.node("ok", result={"v": 1}), world.node("broken", "json:loads", ("ok",)))
    assert raw["nodes"][0]["id"] == "broken"  # canonical definitions list nodes by id
    raw["nodes"][0]["params"] = {"s": "not json"}
    dag = await world.dag(principal, raw)
    original = await run(world, principal, dag.id)
    assert original.status is ExecutionStatus.FAILED
    async with world.sessions() as session:
        retry = await service.retry_execution(session, principal, original.id, now=NOW)
        await session.commit()
    await world.executor.submit(retry.id, retry.dispatch_job_id or "")
    await world.finished(retry.id)
    nodes = await world.nodes(retry.id)
    assert retry.retry_of_id == original.id
    assert (nodes[("ok", None)].status.value, nodes[("ok", None)].attempts) == ("succeeded", 0)
    assert nodes[("ok", None)].result == {"v": 1}
    assert (nodes[("broken", None)].status.value, nodes[("broken", None)].attempts) == ("failed", 1)
    resumed = [e for e in await world.events(retry.id) if e.kind == "node_succeeded"]
    assert [e.payload["resumed"] for e in resumed] == [True]


async def test_an_execution_still_running_cannot_be_retried(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    row = await create(world, principal, dag.id)
    async with world.sessions() as session:
        with pytest.raises(Conflict):
            await service.retry_execution(session, principal, row.id, now=NOW)


async def test_replay_matches_the_projections_after_a_real_run(world: World) -> None:
    admin = await world.principal(Role.ADMIN)
    raw = world.definition(world.node("a", result=[1]), world.node("b", "sleep", ("a",), seconds=0.01))
    dag = await world.dag(admin, raw)
    row = await run(world, admin, dag.id)
    async with world.sessions() as session:
        report = await service.replay_execution(session, admin, row.id)
    assert report.matches and report.differences == []
    assert report.events_digest == report.projections_digest
    assert report.event_count == len(await world.events(row.id))


async def test_replay_reports_a_tampered_node_row(world: World) -> None:
    admin = await world.principal(Role.ADMIN)
    dag = await world.dag(admin, world.definition(world.node("a", result=[1])))
    row = await run(world, admin, dag.id)
    async with world.sessions() as session:
        await session.exec(
            sa.text("UPDATE node_executions SET attempts = 7 WHERE execution_id = :id"),
            params={"id": row.id if session.bind.dialect.name == "postgresql" else row.id.hex},
        )
        await session.commit()
        report = await service.replay_execution(session, admin, row.id)
    assert not report.matches
    assert report.differences == ["node a: attempts 1 in the events, 7 in the rows"]
    assert report.events_digest != report.projections_digest


async def test_replay_needs_an_admin(world: World) -> None:
    editor = await world.principal()
    dag = await world.dag(editor, world.definition(world.node("a")))
    row = await create(world, editor, dag.id)
    async with world.sessions() as session:
        with pytest.raises(Forbidden):
            await service.replay_execution(session, editor, row.id)


async def test_an_idempotency_key_used_for_another_dag_is_a_conflict(world: World) -> None:
    principal = await world.principal()
    dag_a = await world.dag(principal, world.definition(world.node("a")))
    dag_b = await world.dag(principal, world.definition(world.node("b")))
    await create(world, principal, dag_a.id, idempotency_key="once")
    with pytest.raises(Conflict):
        await create(world, principal, dag_b.id, idempotency_key="once")


async def test_an_orphaned_running_execution_is_cancelled_directly(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    row = await create(world, principal, dag.id)
    async with world.sessions() as session:
        await session.exec(
            sa.update(Execution).where(col(Execution.id) == row.id).values(status=ExecutionStatus.RUNNING)
        )
        await session.commit()
        cancelled = await service.cancel_execution(session, principal, row.id, now=NOW)
        await session.commit()
    assert (cancelled.status, cancelled.finished_at) == (ExecutionStatus.CANCELLED, NOW)
    assert (await world.execution(row.id)).status is ExecutionStatus.CANCELLED
