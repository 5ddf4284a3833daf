"""``replay``: rebuilding a run's state from the event log ``run --events-out`` wrote."""

from __future__ import annotations

import json

import pytest

from core_engine.cli import main


def record(capsys, dag_file, log) -> dict:
    """Run ``dag_file`` writing ``log``; return the run's ``--json`` report."""
    main(["run", str(dag_file), "--events-out", str(log), "--json", "--no-progress"])
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def log(tmp_path):
    return tmp_path / "events.jsonl"


def test_replay_prints_the_digest_the_run_printed(numbers_py, log, capsys):
    report = record(capsys, numbers_py, log)
    assert main(["replay", str(log)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == f"digest {report['digest']}"


def test_replay_json_rebuilds_exactly_the_state_of_the_run(numbers_py, log, capsys):
    report = record(capsys, numbers_py, log)
    assert main(["replay", str(log), "--json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed == {"digest": report["digest"], "state": report["state"]}


def test_replay_of_a_failed_run_summarises_it_and_its_problems(failing_py, log, capsys):
    report = record(capsys, failing_py, log)
    assert main(["replay", str(log)]) == 0
    out = capsys.readouterr().out
    assert f"run {report['state']['run_id']} of 'failing'" in out
    assert "status failed, 3 nodes: 1 failed, 1 succeeded, 1 upstream_failed" in out
    assert "boom: ValueError: kaput" in out


def test_a_line_that_is_not_json_is_named_by_number(numbers_py, log, capsys):
    record(capsys, numbers_py, log)
    lines = log.read_text().splitlines()
    lines[1] = "{oops"
    log.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(log)]) == 1
    assert f"{log}:2: not JSON" in capsys.readouterr().err


def test_an_unknown_event_kind_is_named_by_line(numbers_py, log, capsys):
    record(capsys, numbers_py, log)
    lines = log.read_text().splitlines()
    lines[2] = json.dumps({"kind": "node_teleported", "seq": 2})
    log.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(log)]) == 1
    assert f"{log}:3: unknown event kind 'node_teleported'" in capsys.readouterr().err


def test_a_log_with_a_missing_event_is_refused(numbers_py, log, capsys):
    record(capsys, numbers_py, log)
    lines = log.read_text().splitlines()
    del lines[3]
    log.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(log)]) == 1
    assert "event 4: expected sequence 3" in capsys.readouterr().err


def test_blank_lines_are_ignored(numbers_py, log, capsys):
    report = record(capsys, numbers_py, log)
    log.write_text(log.read_text().replace("\n", "\n\n"))
    assert main(["replay", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digest"] == report["digest"]


def test_a_missing_log_is_a_usage_error(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "none.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
