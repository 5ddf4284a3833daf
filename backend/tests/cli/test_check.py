"""``openctl check``: core_engine's check of a DAG file, its report, JSON and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ._cli import invoke
from ._dags import BROKEN_JSON, NUMBERS, TYPED_JSON, write_dag


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a file puts its folder on sys.path; give it back after each test."""
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_a_valid_python_file_prints_ok_with_counts_and_exits_0(tmp_path: Path) -> None:
    result = invoke("check", str(write_dag(tmp_path, "numbers", NUMBERS)))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK    numbers: 3 nodes, 1 edge, 2 levels, sha256:")


def test_a_valid_json_definition_is_ok(tmp_path: Path) -> None:
    result = invoke("check", str(write_dag(tmp_path, "typed", TYPED_JSON)))
    assert result.exit_code == 0
    assert "OK    typed: 2 nodes, 1 edge, 2 levels" in result.stdout


def test_an_invalid_definition_names_each_node_and_exits_1(tmp_path: Path) -> None:
    result = invoke("check", str(write_dag(tmp_path, "broken", BROKEN_JSON)))
    assert result.exit_code == 1
    assert result.stdout.startswith("FAIL  broken: 2 problems\n")
    assert "  - [self_dependency] node 'a', field 'depends_on': " in result.stdout
    assert "  - [unknown_dependency] node 'b', field 'depends_on': depends on 'nowhere'" in result.stdout


def test_json_output_carries_each_issue_with_its_node(tmp_path: Path) -> None:
    result = invoke("check", "--json", str(write_dag(tmp_path, "broken", BROKEN_JSON)))
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["ok"] is False
    [dag] = report["dags"]
    assert dag["name"] == "broken" and dag["ok"] is False
    assert {"a", "b"} <= {issue.get("node_id") for issue in dag["issues"]}


def test_a_file_that_does_not_import_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    result = invoke("check", str(write_dag(tmp_path, "typo", "import not_a_module_anywhere\n")))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "not_a_module_anywhere" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["missing.py", "dags.yaml"])
def test_a_missing_file_or_another_suffix_is_a_usage_error(tmp_path: Path, name: str) -> None:
    if name.endswith(".yaml"):
        (tmp_path / name).write_text("x: 1\n")
    result = invoke("check", str(tmp_path / name))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_check_without_a_file_is_a_usage_error() -> None:
    assert invoke("check").exit_code == 2
