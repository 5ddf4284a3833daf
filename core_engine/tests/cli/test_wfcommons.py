"""``wfcommons``: replaying bundled real workflows, on the smallest one at a tiny scale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core_engine.cli import main
from core_engine.wfformat import DATA_DIR_ENV, default_data_dir, instance_files


def smallest_bundled() -> Path:
    directory = default_data_dir()
    assert directory.is_dir(), f"bundled WfCommons data not found at {directory} (set {DATA_DIR_ENV})"
    return min(instance_files(directory), key=lambda p: len(spec_tasks(p)))


def spec_tasks(path: Path) -> list[dict]:
    return json.loads(path.read_text())["workflow"]["specification"]["tasks"]


@pytest.fixture
def one_instance(tmp_path) -> Path:
    """A directory holding only the smallest bundled instance."""
    directory = tmp_path / "instances"
    directory.mkdir()
    shutil.copy(smallest_bundled(), directory)
    return directory


def test_each_strategy_runs_the_instance_to_success_at_the_given_critical_path(one_instance, capsys):
    argv = ["wfcommons", str(one_instance), "--critical-path-seconds", "0.2", "--json"]
    assert main([*argv, "--strategies", "dataflow,level"]) == 0
    report = json.loads(capsys.readouterr().out)
    (path,) = instance_files(one_instance)
    tasks = spec_tasks(path)
    edges = sum(len(t["parents"]) for t in tasks)
    rows = report["measurements"]
    assert [(m["instance"], m["strategy"]) for m in rows] == [(path.stem, "dataflow"), (path.stem, "level")]
    for m in rows:
        assert (m["status"], m["nodes"], m["edges"]) == ("succeeded", len(tasks), edges)
        assert m["critical_path"] == pytest.approx(0.2)
        assert m["ratio"] == pytest.approx(m["makespan"] / 0.2)
        assert m["ratio"] >= 1.0 - 1e-3
    assert report["errors"] == []


def test_the_table_has_a_row_per_run_and_progress_goes_to_stderr(one_instance, capsys):
    assert (
        main(["wfcommons", str(one_instance), "--critical-path-seconds", "0.2", "--strategies", "level"]) == 0
    )
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split("  ")[0] == "instance"
    for column in ("nodes", "edges", "strategy", "critical path (s)", "makespan (s)", "ratio"):
        assert column in lines[0]
    (path,) = instance_files(one_instance)
    row = lines[2].split()
    assert (row[0], row[3], row[4]) == (path.stem, "level", "0.200")
    assert "[1/1]" in captured.err
    assert "each scaled so its critical path lasts 0.2 s" in captured.err


def test_the_data_directory_comes_from_the_environment_variable(one_instance, monkeypatch, capsys):
    monkeypatch.setenv(DATA_DIR_ENV, str(one_instance))
    assert main(["wfcommons", "--critical-path-seconds", "0.1", "--strategies", "dataflow", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["directory"] == str(one_instance.resolve())


def test_a_missing_directory_says_where_it_looked_and_how_to_set_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "nowhere"))
    assert main(["wfcommons"]) == 1
    err = capsys.readouterr().err
    assert str(tmp_path / "nowhere") in err
    assert f"Set {DATA_DIR_ENV}" in err


def test_a_missing_directory_given_as_argument_fails(tmp_path, capsys):
    assert main(["wfcommons", str(tmp_path / "absent")]) == 1
    assert str(tmp_path / "absent") in capsys.readouterr().err


def test_a_broken_instance_is_reported_and_the_others_still_run(one_instance, capsys):
    (one_instance / "broken.json").write_text(json.dumps({"workflow": {"jobs": []}}))
    argv = ["wfcommons", str(one_instance), "--critical-path-seconds", "0.1", "--strategies", "dataflow"]
    assert main([*argv, "--json"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [m["status"] for m in report["measurements"]] == ["succeeded"]
    (error,) = report["errors"]
    assert "broken.json: workflow:" in error
    assert "broken.json: workflow:" in captured.err


def test_a_directory_without_instances_is_a_usage_error(tmp_path, capsys):
    assert main(["wfcommons", str(tmp_path)]) == 2
    assert "holds no *.json" in capsys.readouterr().err


def test_an_unknown_strategy_is_a_usage_error(one_instance, capsys):
    assert main(["wfcommons", str(one_instance), "--strategies", "dataflow,fastest"]) == 2
    assert "unknown strategy 'fastest'" in capsys.readouterr().err


def test_a_non_positive_critical_path_is_a_usage_error(one_instance, capsys):
    assert main(["wfcommons", str(one_instance), "--critical-path-seconds", "0"]) == 2
    assert "expected a positive number of seconds" in capsys.readouterr().err


def test_an_instance_whose_critical_path_takes_no_time_is_reported(one_instance, capsys):
    instant = {
        "workflow": {
            "specification": {"tasks": [{"id": "a", "parents": [], "children": []}]},
            "execution": {"tasks": [{"id": "a", "runtimeInSeconds": 0}]},
        }
    }
    (one_instance / "instant.json").write_text(json.dumps(instant))
    argv = ["wfcommons", str(one_instance), "--critical-path-seconds", "0.1", "--strategies", "dataflow"]
    assert main([*argv, "--json"]) == 1
    (error,) = json.loads(capsys.readouterr().out)["errors"]
    assert "instant.json: the critical path is 0 s long" in error
