from __future__ import annotations

from pathlib import Path

import pytest

from open_backend.schema_export import DEFAULT_OUTPUT, main, render_schema


def test_docs_schema_graphql_is_up_to_date() -> None:
    assert DEFAULT_OUTPUT.read_text(encoding="utf-8") == render_schema(), (
        "docs/schema.graphql is out of date: run `uv run python -m open_backend.schema_export`"
    )


def test_the_command_writes_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "schema.graphql"
    assert main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_schema()


def test_check_passes_on_a_current_file_and_fails_on_a_stale_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.graphql"
    target.write_text(render_schema(), encoding="utf-8")
    assert main(["--output", str(target), "--check"]) == 0
    target.write_text("type Query { stale: Int }\n", encoding="utf-8")
    assert main(["--output", str(target), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["--output", str(tmp_path / "missing.graphql"), "--check"]) == 1


def test_the_schema_names_every_operation() -> None:
    sdl = render_schema()
    operations = [
        "me:", "organizations:", "dag(", "dags(", "dagVersion(", "dagVersionDiff(", "taskTypes:", "apiKeys:",
        "members(", "signUp(", "signIn(", "refreshToken(", "signOut(", "createOrganization(", "inviteMember(",
        "changeMemberRole(", "removeMember(", "createApiKey(", "revokeApiKey(", "createDag(", "updateDag(",
        "activateDag(", "archiveDag(", "deleteDag(", "validateDefinition(",
    ]  # fmt: skip
    assert [name for name in operations if f"  {name}" not in sdl] == []
