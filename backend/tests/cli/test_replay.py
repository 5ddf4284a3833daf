"""``openctl replay`` on a real database: a real run's rows match its log; a corrupted row is
reported, with exit code 1."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from open_backend.db.models import NodeExecution

from ._cli import invoke, invoke_async
from ._executions import Platform, definition, node, platform
from ._processes import free_port


@pytest.fixture
async def world(db_url: str, tmp_path: Path) -> AsyncIterator[Platform]:
    async with platform(db_url, tmp_path / "data") as made:
        yield made


def env(world: Platform) -> dict[str, str | None]:
    return {"DATABASE_URL": world.engine.url.render_as_string(hide_password=False), "REDIS_URL": None}


async def test_replay_of_a_real_run_matches(world: Platform) -> None:
    execution_id = await world.run(
        definition(node("a", result=[1]), node("b", "sleep", ("a",), seconds=0.01))
    )
    result = await invoke_async("replay", str(execution_id), env=env(world))
    assert result.exit_code == 0, result.output
    assert f"execution {execution_id}: " in result.stdout
    assert "match: the rows agree with the event log" in result.stdout


async def test_replay_reports_a_corrupted_node_row_and_exits_1(world: Platform) -> None:
    execution_id = await world.run(definition(node("a", result=[1])))
    async with world.sessions() as session:
        await session.exec(
            sa.update(NodeExecution).where(col(NodeExecution.execution_id) == execution_id).values(attempts=7)
        )
        await session.commit()
    result = await invoke_async("replay", str(execution_id), env=env(world))
    assert result.exit_code == 1
    assert "mismatch: 1 difference" in result.stdout
    assert "  - node a: attempts 1 in the events, 7 in the rows" in result.stdout


async def test_replay_json_gives_the_report_and_both_digests(world: Platform) -> None:
    execution_id = await world.run(definition(node("a")))
    async with world.sessions() as session:
        await session.exec(
            sa.update(NodeExecution)
            .where(col(NodeExecution.execution_id) == execution_id)
            .values(status="failed")
        )
        await session.commit()
    result = await invoke_async("replay", str(execution_id), "--json", env=env(world))
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["execution_id"] == str(execution_id)
    assert report["matches"] is False
    assert report["differences"] == ["node a: status succeeded in the events, failed in the rows"]
    assert report["events_digest"] != report["projections_digest"]
    assert report["event_count"] == len(await world.event_kinds(execution_id))


async def test_replay_of_an_unknown_execution_is_one_error_line(world: Platform) -> None:
    missing = uuid.uuid4()
    result = await invoke_async("replay", str(missing), env=env(world))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: no execution {missing} in the database ")
    assert result.stderr.count("\n") == 1


def test_replay_refuses_a_malformed_id_with_exit_2() -> None:
    result = invoke("replay", "not-a-uuid", env={"DATABASE_URL": "sqlite:///unused.db"})
    assert result.exit_code == 2
    assert result.stderr == "error: 'not-a-uuid' is not an execution id (a UUID)\n"


def test_replay_on_a_missing_sqlite_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "open.db"
    result = invoke(
        "replay", str(uuid.uuid4()), env={"DATABASE_URL": None, "OPEN_DATA_DIR": str(path.parent)}
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no database at {path}: set DATABASE_URL, or run `openctl migrate` to create it\n"
    )
    assert not path.parent.exists()


async def test_replay_on_an_unmigrated_database_says_to_migrate(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    (tmp_path / "empty.db").touch()
    result = await invoke_async("replay", str(uuid.uuid4()), env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert "run `openctl migrate` first" in result.stderr


def test_an_unreachable_database_is_one_line_and_debug_shows_the_traceback() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/open"
    plain = invoke("replay", str(uuid.uuid4()), env={"DATABASE_URL": url})
    assert plain.exit_code == 1
    assert plain.stderr.startswith("error: ") and plain.stderr.endswith("(--debug shows the traceback)\n")
    assert plain.stderr.count("\n") == 1
    debug = invoke("replay", str(uuid.uuid4()), "--debug", env={"DATABASE_URL": url})
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr
