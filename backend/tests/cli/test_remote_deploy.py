"""``openctl deploy`` against a served app: created, unchanged, updated; invalid files and bad
credentials as readable errors."""

from __future__ import annotations

import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from open_sdk import Client

from ._remote import Remote, dag_file, remote


@pytest.fixture
def server(own_postgres_url: str, tmp_path: Path) -> Iterator[Remote]:
    with remote(own_postgres_url, tmp_path / "data") as served:
        yield served


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a file puts its folder on sys.path; give it back after each test."""
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_deploying_twice_creates_then_leaves_unchanged(server: Remote, tmp_path: Path) -> None:
    path = dag_file(
        tmp_path, server.definition("etl", server.node("a")), server.definition("report", server.node("b"))
    )

    first = server.openctl("deploy", str(path), "--message", "first")
    again = server.json("deploy", str(path))

    assert first.exit_code == 0, first.stderr
    assert "etl" in first.stdout and "report" in first.stdout and first.stdout.count("created") == 2
    assert [(d["name"], d["version"], d["outcome"]) for d in again["dags"]] == [
        ("etl", 1, "unchanged"),
        ("report", 1, "unchanged"),
    ]
    with Client(server.url, api_key=server.api_key) as client:
        assert client.dag("etl").latest_version.message == "first"


def test_a_changed_dag_gets_the_next_version_and_can_be_activated(server: Remote, tmp_path: Path) -> None:
    server.openctl("deploy", str(dag_file(tmp_path, server.definition("etl", server.node("a")))))

    changed = server.json(
        "deploy", str(dag_file(tmp_path, server.definition("etl", server.node("b")))), "--activate"
    )

    assert [(d["version"], d["outcome"], d["active_version"]) for d in changed["dags"]] == [(2, "updated", 2)]


def test_an_invalid_file_deploys_nothing(server: Remote, tmp_path: Path) -> None:
    path = dag_file(tmp_path, server.definition("ok", server.node("a")))
    path.write_text(path.read_text() + "raise RuntimeError('broken on purpose')\n")

    result = server.openctl("deploy", str(path))

    assert result.exit_code == 1
    assert "broken on purpose" in result.stderr
    with Client(server.url, api_key=server.api_key) as client:
        assert client.dags() == []


def test_a_missing_file_is_a_usage_error(server: Remote, tmp_path: Path) -> None:
    result = server.openctl("deploy", str(tmp_path / "nope.py"))

    assert result.exit_code == 2
    assert "nope.py" in result.stderr


def test_a_bad_api_key_is_a_readable_error_and_json_for_scripts(server: Remote, tmp_path: Path) -> None:
    path = dag_file(tmp_path, server.definition("etl", server.node("a")))
    bad = f"open_{uuid.uuid4().hex[:16]}_wrongsecretwrongsecretwrongsecret"

    result = server.openctl("deploy", str(path), "--api-key", bad)
    scripted = server.json("deploy", str(path), OPEN_API_KEY=bad)

    assert result.exit_code == 1
    assert result.stderr.startswith("error: not authenticated:")
    assert "Traceback" not in result.stderr
    assert scripted["error"]["code"] == "UNAUTHENTICATED"


def test_an_unreachable_server_names_its_url(server: Remote, tmp_path: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()

    result = server.openctl(
        "deploy",
        str(dag_file(tmp_path, server.definition("etl", server.node("a")))),
        "--server",
        f"http://127.0.0.1:{port}",
    )

    assert result.exit_code == 1
    assert f"127.0.0.1:{port}/graphql" in result.stderr
