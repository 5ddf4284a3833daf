"""``openctl projections rebuild`` on a real database: corrupted rows of a real run are found
(``--check``, nothing written) and written back from the event log; running executions are
left alone; events are never touched."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from open_backend.db.models import Execution, ExecutionStatus, NodeExecution

from ._cli import invoke, invoke_async
from ._executions import Platform, definition, node, platform

FLOW = definition(
    node("a", result=[1]), node("b", "sleep", ("a",), seconds=0.01), node("c", depends_on=("a",))
)


@pytest.fixture
async def world(db_url: str, tmp_path: Path) -> AsyncIterator[Platform]:
    async with platform(db_url, tmp_path / "data") as made:
        yield made


@pytest.fixture
async def own_world(own_db_url: str, tmp_path: Path) -> AsyncIterator[Platform]:
    """A platform on a database only this test uses (for ``--all``)."""
    async with platform(own_db_url, tmp_path / "own-data") as made:
        yield made


def env(world: Platform) -> dict[str, str | None]:
    return {"DATABASE_URL": world.engine.url.render_as_string(hide_password=False), "REDIS_URL": None}


async def corrupt(world: Platform, execution_id: uuid.UUID) -> None:
    """Change node a's attempts, delete node b's row, add a row for an unknown node, and make
    the execution look running again."""
    async with world.sessions() as session:
        of_execution = col(NodeExecution.execution_id) == execution_id
        await session.exec(
            sa.update(NodeExecution).where(of_execution, col(NodeExecution.node_id) == "a").values(attempts=5)
        )
        await session.exec(sa.delete(NodeExecution).where(of_execution, col(NodeExecution.node_id) == "b"))
        session.add(NodeExecution(execution_id=execution_id, node_id="ghost", attempts=1))
        await session.exec(
            sa.update(Execution)
            .where(col(Execution.id) == execution_id)
            .values(status=ExecutionStatus.RUNNING, finished_at=None)
        )
        await session.commit()


async def test_check_lists_the_differences_and_writes_nothing(world: Platform) -> None:
    execution_id = await world.run(FLOW)
    await corrupt(world, execution_id)
    result = await invoke_async("projections", "rebuild", "--check", str(execution_id), env=env(world))
    assert result.exit_code == 1, result.output
    assert f"differs: {execution_id}" in result.stdout
    assert "  - execution status: running in the row, succeeded from the events" in result.stdout
    assert "  - node a: attempts 5 in the row, 1 from the events" in result.stdout
    assert "  - node b: no row, the events have one" in result.stdout
    assert "  - node ghost: a row the events do not have" in result.stdout
    assert "1 executions: 1 differ, 0 already matching" in result.stdout
    assert set(await world.nodes(execution_id)) == {"a", "c", "ghost"}
    assert (await world.execution(execution_id)).status is ExecutionStatus.RUNNING


async def test_rebuild_writes_the_rows_back_from_the_events(world: Platform) -> None:
    execution_id = await world.run(FLOW)
    before = await world.nodes(execution_id)
    events = await world.event_kinds(execution_id)
    await corrupt(world, execution_id)
    replayed = await invoke_async("replay", str(execution_id), env=env(world))
    assert replayed.exit_code == 1
    result = await invoke_async("projections", "rebuild", str(execution_id), env=env(world))
    assert result.exit_code == 0, result.output
    assert f"rebuilt: {execution_id}" in result.stdout
    assert "no event was changed" in result.stdout
    after = await world.nodes(execution_id)
    assert set(after) == {"a", "b", "c"}
    for node_id in ("a", "b", "c"):
        fields = ("status", "attempts", "started_at", "finished_at", "duration_s", "result", "error")
        assert [getattr(after[node_id], f) for f in fields] == [getattr(before[node_id], f) for f in fields]
    execution = await world.execution(execution_id)
    assert execution.status is ExecutionStatus.SUCCEEDED and execution.finished_at is not None
    assert await world.event_kinds(execution_id) == events
    assert (await invoke_async("replay", str(execution_id), env=env(world))).exit_code == 0
    again = await invoke_async("projections", "rebuild", "--check", str(execution_id), env=env(world))
    assert again.exit_code == 0 and "0 differ, 1 already matching" in again.stdout


async def test_a_fresh_run_already_matches_in_every_column(world: Platform) -> None:
    execution_id = await world.run(FLOW)
    result = await invoke_async(
        "projections", "rebuild", "--check", "--json", str(execution_id), env=env(world)
    )
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert report["counts"]["matches"] == 1 and report["executions"] == []


async def test_a_running_execution_is_left_alone(world: Platform) -> None:
    execution_id = await world.start(definition(node("slow", "sleep", seconds=60)))
    await world.wait_for_event(execution_id, "node_started")
    async with world.sessions() as session:
        await session.exec(
            sa.update(NodeExecution).where(col(NodeExecution.execution_id) == execution_id).values(attempts=9)
        )
        await session.commit()
    result = await invoke_async("projections", "rebuild", str(execution_id), env=env(world))
    assert result.exit_code == 0, result.output
    assert f"left alone (its event log has not finished: still running): {execution_id}" in result.stdout
    assert "1 still running (left alone)" in result.stdout
    assert (await world.nodes(execution_id))["slow"].attempts == 9


async def test_all_rebuilds_every_execution_in_batches(own_world: Platform) -> None:
    ids = [await own_world.run(FLOW) for _ in range(3)]
    await corrupt(own_world, ids[1])
    result = await invoke_async(
        "projections", "rebuild", "--all", "--batch-size", "2", "--json", env=env(own_world)
    )
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["checked"] == 3 and report["write"] is True
    assert report["counts"]["rebuilt"] == 1 and report["counts"]["matches"] == 2
    assert [item["id"] for item in report["executions"]] == [str(ids[1])]
    assert set(await own_world.nodes(ids[1])) == {"a", "b", "c"}


async def test_an_unknown_execution_fails_with_exit_1(world: Platform) -> None:
    missing = uuid.uuid4()
    result = await invoke_async("projections", "rebuild", str(missing), env=env(world))
    assert result.exit_code == 1
    assert f"unknown: no such execution: {missing}" in result.stdout


@pytest.mark.parametrize("args", [[], ["--all", "01a24e65-eae2-7398-ad31-e63dfec98135"]])
def test_it_needs_either_ids_or_all(args: list[str]) -> None:
    result = invoke("projections", "rebuild", *args, env={"DATABASE_URL": "sqlite:///unused.db"})
    assert result.exit_code == 2
    assert result.stderr == "error: name the executions to rebuild, or pass --all (not both)\n"
