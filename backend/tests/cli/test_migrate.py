"""``openctl migrate``: upgrading the configured database and reporting its revision, on a
fresh PostgreSQL database and on the embedded SQLite default."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from open_backend.cli.database import describe
from open_backend.db.migrate import head_revisions, migration_status

from ._cli import invoke, invoke_async

HEAD = ", ".join(head_revisions())


async def test_status_of_an_empty_database_is_behind_then_migrate_brings_it_to_head(
    make_postgres_database: Callable[[], Awaitable[str]],
) -> None:
    url = await make_postgres_database()
    env = {"DATABASE_URL": url}
    before = await invoke_async("migrate", "--status", env=env)
    assert before.exit_code == 1
    assert "current revision none (empty database)" in before.stdout
    assert f"latest revision  {HEAD} (behind: run `openctl migrate`)" in before.stdout
    migrated = await invoke_async("migrate", env=env)
    assert migrated.exit_code == 0, migrated.output
    assert f"migrated from none (empty database) to {HEAD}" in migrated.stdout
    assert (await migration_status(url)).is_current
    after = await invoke_async("migrate", "--status", "--json", env=env)
    report = json.loads(after.stdout)
    assert after.exit_code == 0
    assert report == {
        "database": url,
        "current": list(head_revisions()),
        "head": list(head_revisions()),
        "is_current": True,
    }


def test_messages_never_show_the_database_password() -> None:
    assert describe("postgresql+asyncpg://open:s3cret@db.example/open") == (
        "postgresql+asyncpg://open:***@db.example/open"
    )


async def test_migrating_twice_says_it_is_already_at_head(postgres_url: str) -> None:
    result = await invoke_async("migrate", env={"DATABASE_URL": postgres_url})
    assert result.exit_code == 0
    assert f"already at revision {HEAD}" in result.stdout


def test_without_database_url_it_migrates_the_embedded_sqlite_database(tmp_path: Path) -> None:
    result = invoke("migrate", env={"DATABASE_URL": None, "OPEN_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "open.db").is_file()
    assert str(tmp_path / "data" / "open.db") in result.stdout


def test_an_unknown_revision_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("migrate", "--revision", "9999", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot migrate to '9999': ")
    assert result.stderr.count("\n") == 1


def test_an_invalid_database_url_is_one_line_naming_the_variable() -> None:
    result = invoke("migrate", "--status", env={"DATABASE_URL": "mysql://somewhere/db"})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: invalid settings: DATABASE_URL: ")
    assert "mysql" in result.stderr and result.stderr.count("\n") == 1
