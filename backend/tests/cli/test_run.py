"""``openctl run``: a DAG file run locally with core_engine, shown with rich; JSON; parameters,
strategies, failures and usage errors."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from pathlib import Path

import pytest
from rich.console import Console

from core_engine.cli.sources import read_source
from core_engine.execution import execute
from open_backend.cli.run_progress import RunProgress, progress_display

from ._cli import invoke
from ._dags import BROKEN_JSON, FAILING, NUMBERS, TWO, TYPED_JSON, write_dag


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a file puts its folder on sys.path; give it back after each test."""
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_a_run_prints_a_node_table_then_the_makespan_and_exits_0(tmp_path: Path) -> None:
    result = invoke("run", str(write_dag(tmp_path, "numbers", NUMBERS)))
    assert result.exit_code == 0, result.output
    rows = {
        line.split()[1]: line.split()[2:5] for line in result.stdout.splitlines() if line.startswith("│ ")
    }
    assert {key: cells[:3] for key, cells in rows.items() if key != "node"} == {
        "extract": ["│", "succeeded", "│"],
        "greet": ["│", "succeeded", "│"],
        "total": ["│", "succeeded", "│"],
    }
    assert "of 'numbers': succeeded, makespan " in result.stdout
    assert "\ndigest sha256:" in result.stdout


def test_json_prints_status_makespan_and_every_node(tmp_path: Path) -> None:
    path = write_dag(tmp_path, "numbers", NUMBERS)
    result = invoke("run", str(path), "--json", "--param", "n=5", "--param", "who=alice")
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert report["status"] == "succeeded" and report["dag"] == "numbers"
    assert report["makespan_s"] > 0
    nodes = {item["id"]: item for item in report["nodes"]}
    assert [item["id"] for item in report["nodes"]] == ["extract", "greet", "total"]
    assert (nodes["total"]["result"], nodes["greet"]["result"]) == (10, "hello alice")
    assert all(item["attempts"] == 1 and item["duration_s"] >= 0 for item in report["nodes"])
    assert result.stderr == ""


@pytest.mark.parametrize("strategy", ["dataflow", "level", "sequential"])
def test_each_strategy_runs_the_json_definition(tmp_path: Path, strategy: str) -> None:
    path = write_dag(tmp_path, "typed", TYPED_JSON)
    result = invoke("run", str(path), "--strategy", strategy, "--max-concurrency", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "succeeded"


def test_a_failed_run_exits_1_naming_the_error_and_the_node_not_run(tmp_path: Path) -> None:
    result = invoke("run", str(write_dag(tmp_path, "failing", FAILING)), "--no-progress")
    assert result.exit_code == 1
    assert "boom: ValueError: kaput" in result.stdout
    assert "after: not run, upstream 'boom' failed" in result.stdout
    assert "of 'failing': failed" in result.stdout


def test_an_invalid_definition_is_reported_and_not_run(tmp_path: Path) -> None:
    result = invoke("run", str(write_dag(tmp_path, "broken", BROKEN_JSON)))
    assert result.exit_code == 1
    assert "FAIL  broken: 2 problems" in result.stdout
    assert "makespan" not in result.stdout


def test_a_param_of_the_wrong_type_is_one_error_line_and_exit_1(tmp_path: Path) -> None:
    result = invoke("run", str(write_dag(tmp_path, "numbers", NUMBERS)), "--param", "n=many")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "n: must be of type integer" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dag", "first", "--param", "n"], "error: --param expects NAME=VALUE, got 'n'\n"),
        (["--dag", "third"], "error: no DAG called 'third' in the file (it defines: first, second)\n"),
        ([], "error: the file defines 2 DAGs (first, second); choose one with --dag NAME\n"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke("run", str(write_dag(tmp_path, "two", TWO)), *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_dag_chooses_among_several(tmp_path: Path) -> None:
    result = invoke("run", str(write_dag(tmp_path, "two", TWO)), "--dag", "second", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["dag"] == "second"


@pytest.mark.parametrize("args", [["--strategy", "random"], ["--max-concurrency", "0"]])
def test_bad_option_values_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = invoke("run", str(write_dag(tmp_path, "typed", TYPED_JSON)), *args)
    assert result.exit_code == 2


def test_the_progress_counts_every_node_as_it_ends(tmp_path: Path) -> None:
    [entry] = read_source(str(write_dag(tmp_path, "numbers", NUMBERS))).entries
    assert entry.dag is not None
    display = progress_display(Console(file=io.StringIO(), force_terminal=False))
    seen: list[tuple[float, float | None]] = []
    with display:
        progress = RunProgress(display, "numbers")

        def watch(event: object) -> None:
            task = display.tasks[0]
            seen.append((task.completed, task.total))

        asyncio.run(execute(entry.dag, {}, on_event=(progress.on_event, watch)))
    task = display.tasks[0]
    assert (task.completed, task.total, task.description) == (3, 3, "numbers")
    assert [completed for completed, _ in seen] == sorted(completed for completed, _ in seen)
    assert seen[0] == (0, 3)  # after run_started: nothing ended of 3
    assert {1, 2} <= {completed for completed, _ in seen}  # each node counted as it ended
