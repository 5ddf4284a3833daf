"""``run``: running a DAG file locally, its output, parameters, failures and the events file."""

from __future__ import annotations

import json

import pytest

from core_engine.cli import main


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["run", *argv, "--json", "--no-progress"])
    return code, json.loads(capsys.readouterr().out)


def test_a_successful_run_prints_a_row_per_node_then_makespan_and_digest(numbers_py, capsys):
    assert main(["run", str(numbers_py)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:5]}
    assert set(rows) == {"extract", "greet", "total"}
    assert all(cells[:2] == ["succeeded", "1"] for cells in rows.values())
    assert "numbers': succeeded, makespan " in out
    assert "\ndigest sha256:" in out


def test_json_output_holds_the_final_state_and_results(numbers_py, capsys):
    code, report = run_json(capsys, str(numbers_py))
    assert code == 0
    assert report["status"] == "succeeded"
    nodes = report["state"]["nodes"]
    assert (nodes["total"]["result"], nodes["greet"]["result"]) == (3, "hello you")
    assert report["makespan"] == report["state"]["duration"] > 0


def test_params_are_parsed_as_json_when_they_parse_else_kept_as_text(numbers_py, capsys):
    code, report = run_json(capsys, str(numbers_py), "--param", "n=5", "--param", "who=alice")
    assert code == 0
    assert report["state"]["params"] == {"n": 5, "who": "alice"}
    assert report["state"]["nodes"]["total"]["result"] == 10
    assert report["state"]["nodes"]["greet"]["result"] == "hello alice"


def test_a_param_of_the_wrong_type_fails_with_exit_1(numbers_py, capsys):
    assert main(["run", str(numbers_py), "--param", "n=many"]) == 1
    err = capsys.readouterr().err
    assert "invalid run parameters" in err
    assert "n: must be of type integer" in err


def test_a_param_without_equals_sign_is_a_usage_error(numbers_py, capsys):
    assert main(["run", str(numbers_py), "--param", "n"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_a_failed_run_exits_1_and_names_the_error_and_the_nodes_not_run(failing_py, capsys):
    assert main(["run", str(failing_py), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "boom: ValueError: kaput" in out
    assert "after: not run, upstream 'boom' failed" in out
    assert "'failing': failed" in out


def test_without_fail_fast_independent_nodes_still_succeed(failing_py, capsys):
    code, report = run_json(capsys, str(failing_py))
    assert code == 1
    states = {nid: n["state"] for nid, n in report["state"]["nodes"].items()}
    assert states == {"boom": "failed", "after": "upstream_failed", "slow": "succeeded"}


def test_fail_fast_cancels_the_running_independent_node(failing_py, capsys):
    code, report = run_json(capsys, str(failing_py), "--fail-fast", "--param", "seconds=30")
    assert code == 1
    assert report["state"]["nodes"]["slow"]["state"] == "cancelled"


@pytest.fixture
def two_dags_py(write):
    return write(
        "two_{uid}.py",
        """\
        from core_engine import DAGBuilder, TypedTask

        alpha = DAGBuilder("alpha")
        alpha.add_node("a", TypedTask("noop", {"result": 1}))
        beta = DAGBuilder("beta")
        beta.add_node("b", TypedTask("noop", {"result": 2}))
        """,
    )


def test_several_dags_and_no_dag_name_is_a_usage_error_listing_them(two_dags_py, capsys):
    assert main(["run", str(two_dags_py)]) == 2
    assert "defines 2 DAGs (alpha, beta); choose one with --dag NAME" in capsys.readouterr().err


def test_dag_name_selects_one_of_several(two_dags_py, capsys):
    code, report = run_json(capsys, str(two_dags_py), "--dag", "beta")
    assert (code, report["state"]["dag_name"], report["state"]["nodes"]["b"]["result"]) == (0, "beta", 2)


def test_an_unknown_dag_name_is_a_usage_error(two_dags_py, capsys):
    assert main(["run", str(two_dags_py), "--dag", "gamma"]) == 2
    assert "no DAG called 'gamma' in the file (it defines: alpha, beta)" in capsys.readouterr().err


def test_an_invalid_dag_is_reported_and_not_run(mixed_py, capsys):
    assert main(["run", str(mixed_py), "--dag", "good"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  bad: 2 problems" in out
    assert "digest" not in out


def test_each_strategy_runs_the_dag_to_the_same_results(numbers_py, capsys):
    results = []
    for strategy in ("dataflow", "level", "sequential"):
        code, report = run_json(capsys, str(numbers_py), "--strategy", strategy, "--max-concurrency", "1")
        assert code == 0
        results.append({nid: n["result"] for nid, n in report["state"]["nodes"].items()})
    assert results[0] == results[1] == results[2] == {"extract": [0, 1, 2], "total": 3, "greet": "hello you"}


def test_an_unknown_strategy_is_a_usage_error(numbers_py, capsys):
    assert main(["run", str(numbers_py), "--strategy", "fastest"]) == 2
    assert "invalid choice: 'fastest'" in capsys.readouterr().err


def test_a_concurrency_below_one_is_a_usage_error(numbers_py, capsys):
    assert main(["run", str(numbers_py), "--max-concurrency", "0"]) == 2
    assert "expected a positive integer" in capsys.readouterr().err


def test_a_json_definition_runs_too(typed_json, capsys):
    code, report = run_json(capsys, str(typed_json))
    assert code == 0
    assert report["state"]["nodes"]["first"]["result"] == 1


def test_progress_goes_to_stderr_and_ends_with_the_final_counts(numbers_py, capsys):
    assert main(["run", str(numbers_py)]) == 0
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith("numbers  ")
    assert last.endswith("3/3 nodes ended  succeeded 3")


def test_no_progress_keeps_stderr_empty(numbers_py, capsys):
    assert main(["run", str(numbers_py), "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


def test_events_out_writes_every_event_as_a_json_line_in_order(numbers_py, tmp_path, capsys):
    log = tmp_path / "events.jsonl"
    assert main(["run", str(numbers_py), "--events-out", str(log), "--no-progress"]) == 0
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert (events[0]["kind"], events[-1]["kind"]) == ("run_started", "run_finished")
    succeeded = {e["node_id"] for e in events if e["kind"] == "node_succeeded"}
    assert succeeded == {"extract", "total", "greet"}


def test_events_out_to_an_unwritable_place_is_a_usage_error(numbers_py, tmp_path, capsys):
    target = tmp_path / "missing-dir" / "events.jsonl"
    assert main(["run", str(numbers_py), "--events-out", str(target)]) == 2
    assert "cannot write events" in capsys.readouterr().err
