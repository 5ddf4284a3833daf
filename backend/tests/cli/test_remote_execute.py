"""``openctl execute`` against a served app: start, --follow with its exit code, parameters,
errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from open_backend.cli.execute import parse_params
from open_backend.cli.guard import CommandFailed
from open_sdk import Client, ExecutionStatus

from ._remote import Remote, remote


@pytest.fixture
def server(own_postgres_url: str, tmp_path: Path) -> Iterator[Remote]:
    with remote(own_postgres_url, tmp_path / "data") as served:
        with Client(served.url, api_key=served.api_key) as client:
            client.deploy(
                served.definition(
                    "ok", served.node("a", result={"rows": 3}), served.node("b", depends_on=("a",))
                )
            )
            client.deploy(served.definition("bad", served.node("fail", "command", argv=["false"])))
            client.deploy(
                served.definition(
                    "typed", served.node("a"), params={"n": {"type": "integer", "required": True}}
                )
            )
        yield served


def test_execute_prints_the_new_execution_and_exits_at_once(server: Remote) -> None:
    result = server.openctl("execute", "ok")

    assert result.exit_code == 0, result.stderr
    execution_id, status = result.stdout.split()
    with Client(server.url, api_key=server.api_key) as client:
        assert client.wait(execution_id, timeout=30).status is ExecutionStatus.SUCCEEDED
    assert status in {"QUEUED", "RUNNING"}


def test_follow_shows_the_node_table_and_exits_0_on_success(server: Remote) -> None:
    result = server.openctl("execute", "ok", "--follow")

    assert result.exit_code == 0, result.stderr
    assert "SUCCEEDED" in result.stdout
    assert "{'rows': 3}" in result.stdout


def test_follow_exits_1_when_the_execution_fails(server: Remote) -> None:
    result = server.json("execute", "bad", "--follow")

    assert result["status"] == "FAILED"
    assert server.openctl("execute", "bad", "--follow").exit_code == 1


def test_params_are_passed_as_json_values(server: Remote) -> None:
    result = server.json("execute", "typed", "--param", "n=3", "--follow")

    assert (result["status"], result["params"]) == ("SUCCEEDED", {"n": 3})


def test_bad_params_name_the_parameter(server: Remote) -> None:
    result = server.openctl("execute", "typed", "--param", "n=three")

    assert result.exit_code == 1
    assert "param n:" in result.stderr


def test_an_unknown_dag_is_a_readable_error(server: Remote) -> None:
    result = server.openctl("execute", "nope")

    assert result.exit_code == 1
    assert result.stderr == "error: no DAG named 'nope' in this organization\n"


def test_param_parsing_reads_json_else_strings_and_refuses_missing_names() -> None:
    assert parse_params(["n=3", "name=ada", "flags=[1, 2]", "empty="]) == {
        "n": 3,
        "name": "ada",
        "flags": [1, 2],
        "empty": "",
    }
    with pytest.raises(CommandFailed, match="NAME=VALUE"):
        parse_params(["=3"])
