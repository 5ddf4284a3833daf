"""``openctl executions tail|list|show`` against a served app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from open_sdk import Client

from ._remote import Remote, remote


@pytest.fixture
def server(own_postgres_url: str, tmp_path: Path) -> Iterator[Remote]:
    with remote(own_postgres_url, tmp_path / "data") as served:
        yield served


def started(server: Remote, *nodes: dict[str, object]) -> str:
    with Client(server.url, api_key=server.api_key) as client:
        client.deploy(server.definition("flow", *nodes))
        return client.execute("flow").id


def chain(server: Remote, count: int, seconds: float) -> list[dict[str, object]]:
    ids = [f"n{i}" for i in range(count)]
    return [server.node(i, "sleep", (ids[k - 1],) if k else (), seconds=seconds) for k, i in enumerate(ids)]


def test_tail_prints_every_event_from_the_log_then_live_until_the_end(server: Remote) -> None:
    execution_id = started(server, *chain(server, 3, 0.1))

    result = server.openctl("executions", "tail", execution_id)

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [int(line.split()[0]) for line in lines] == list(range(len(lines)))
    assert "run_started" in lines[0] and "run_finished" in lines[-1] and "succeeded" in lines[-1]


def test_tail_json_is_one_event_per_line_and_after_skips_the_start(server: Remote) -> None:
    execution_id = started(server, server.node("a"))

    result = server.openctl("executions", "tail", execution_id, "--json", "--after", "1")

    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[0]["sequence"] == 2
    assert [e["sequence"] for e in events] == list(range(2, 2 + len(events)))
    assert events[-1]["kind"] == "run_finished"


def test_tail_exits_1_for_a_failed_execution(server: Remote) -> None:
    execution_id = started(server, server.node("fail", "command", argv=["false"]))

    result = server.openctl("executions", "tail", execution_id)

    assert result.exit_code == 1
    assert "node_failed" in result.stdout


def test_list_and_show_give_the_execution(server: Remote) -> None:
    execution_id = started(server, server.node("a", result=5))
    with Client(server.url, api_key=server.api_key) as client:
        client.wait(execution_id, timeout=30)

    listed = server.json("executions", "list", "--dag", "flow")
    shown = server.json("executions", "show", execution_id)
    table = server.openctl("executions", "show", execution_id)

    assert [e["id"] for e in listed["executions"]] == [execution_id]
    assert shown["status"] == "SUCCEEDED" and shown["nodes"][0]["result"] == 5
    assert table.exit_code == 0 and "SUCCEEDED" in table.stdout


def test_an_unknown_execution_and_a_bad_status_are_readable_errors(server: Remote) -> None:
    unknown = server.openctl("executions", "show", "01900000-0000-7000-8000-000000000000")
    bad_status = server.openctl("executions", "list", "--status", "DONE")

    assert (unknown.exit_code, bad_status.exit_code) == (1, 2)
    assert unknown.stderr.startswith("error: ") and "Traceback" not in unknown.stderr
    assert "QUEUED" in bad_status.stderr
