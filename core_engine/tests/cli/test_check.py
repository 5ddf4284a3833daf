"""``check``: validation of .py and .json files without running anything."""

from __future__ import annotations

import json
import re

from core_engine.cli import main
from core_engine.loader import load_dags


def test_a_valid_python_file_prints_one_ok_line_per_dag_and_exits_0(numbers_py, capsys):
    assert main(["check", str(numbers_py)]) == 0
    out = capsys.readouterr().out
    (dag,) = load_dags(numbers_py)
    assert out.splitlines() == [f"OK    numbers: 3 nodes, 1 edge, 2 levels, {dag.content_hash}"]


def test_an_invalid_dag_prints_every_problem_with_node_and_field_and_exits_1(mixed_py, capsys):
    assert main(["check", str(mixed_py)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("OK    good: 2 nodes, 1 edge, 2 levels, sha256:")
    assert lines[1] == "FAIL  bad: 2 problems"
    assert "[unknown_param] node 'extract', field 'params.n'" in lines[2]
    assert "declare 'm'" in lines[2]
    assert "[missing_param] node 'total', field 'params.xs'" in lines[3]
    assert len(lines) == 4


def test_check_runs_no_task(write, capsys, tmp_path):
    marker = tmp_path / "ran"
    path = write(
        "side_{uid}.py",
        f"""\
        from pathlib import Path
        from core_engine import DAGBuilder, task

        @task
        def touch() -> None:
            Path({str(marker)!r}).write_text("x")

        with DAGBuilder("side") as side:
            touch()
        """,
    )
    assert main(["check", str(path)]) == 0
    assert not marker.exists()


def test_json_output_lists_each_dag_with_its_issues(mixed_py, capsys):
    assert main(["check", str(mixed_py), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["error"] is None
    good, bad = report["dags"]
    assert (good["name"], good["ok"], good["nodes"], good["edges"], good["levels"]) == ("good", True, 2, 1, 2)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", good["content_hash"])
    assert (bad["name"], bad["ok"]) == ("bad", False)
    assert [(i["code"], i["node_id"], i["field"]) for i in bad["issues"]] == [
        ("unknown_param", "extract", "params.n"),
        ("missing_param", "total", "params.xs"),
    ]
    assert "declare 'm'" in bad["issues"][0]["suggestion"]


def test_a_valid_json_definition_exits_0(typed_json, capsys):
    assert main(["check", str(typed_json)]) == 0
    assert capsys.readouterr().out.startswith("OK    typed: 2 nodes, 1 edge, 2 levels, sha256:")


def test_a_python_dag_exported_to_json_checks_with_the_same_hash(numbers_py, tmp_path, capsys):
    (dag,) = load_dags(numbers_py)
    exported = tmp_path / "numbers.json"
    exported.write_text(dag.to_json())
    assert main(["check", str(exported), "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["dags"]
    assert entry["content_hash"] == dag.content_hash


def test_json_callables_are_imported_and_checked(write, capsys):
    module = write("jobs_{uid}.py", "def double(x: int) -> int:\n    return 2 * x\n")
    definition = {
        "schema_version": 1,
        "name": "calls",
        "nodes": [
            {"id": "ok", "task": {"callable": f"{module.stem}:double"}, "params": {"x": 2}},
            {"id": "gone", "task": {"callable": f"{module.stem}:triple"}},
            {"id": "typo", "task": {"type": "noop"}, "depends_on": ["okk"]},
        ],
    }
    path = write("calls.json", json.dumps(definition))
    assert main(["check", str(path), "--json"]) == 1
    (entry,) = json.loads(capsys.readouterr().out)["dags"]
    issues = {(i["code"], i["node_id"], i["field"]): i for i in entry["issues"]}
    assert set(issues) == {
        ("unresolved_callable", "gone", "task.callable"),
        ("unknown_dependency", "typo", "depends_on"),
    }
    assert issues["unknown_dependency", "typo", "depends_on"]["suggestion"] == "did you mean 'ok'?"


def test_malformed_json_is_reported_with_line_and_column(write, capsys):
    path = write("broken.json", '{"schema_version": 1,\n "name": }')
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "broken.json" in err
    assert "line 2, column" in err


def test_an_import_error_names_file_and_line_without_a_traceback(write, capsys):
    path = write("crash_{uid}.py", "from core_engine import DAGBuilder\n\nvalue = 1 / 0\n")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path.resolve()}:3: ZeroDivisionError: division by zero" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback_of_an_import_error(write, capsys):
    path = write("crash_{uid}.py", "value = 1 / 0\n")
    assert main(["check", str(path), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "value = 1 / 0" in err


def test_a_build_failing_at_import_is_reported_as_validation_issues(write, capsys):
    path = write(
        "eager_{uid}.py",
        """\
        from core_engine import DAGBuilder, task

        @task
        def need(x: int) -> int:
            return x

        with DAGBuilder("eager") as b:
            need()
        dag = b.build()
        """,
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  eager: 1 problem\n" in out
    assert "[missing_param] node 'need', field 'params.x'" in out
    assert f"{path.resolve()}:9" in out


def test_a_file_without_dags_fails(write, capsys):
    path = write("nothing_{uid}.py", "X = 1\n")
    assert main(["check", str(path)]) == 1
    assert "defines no DAG" in capsys.readouterr().err


def test_a_missing_file_is_a_usage_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere.py")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_file_of_another_kind_is_a_usage_error(write, capsys):
    path = write("flow.yaml", "name: x\n")
    assert main(["check", str(path)]) == 2
    assert "expected a .py or .json file" in capsys.readouterr().err
