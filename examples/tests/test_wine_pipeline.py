"""The wine pipeline, run for real; every number of its report checked against numpy."""

import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_wine

from core_engine import CallableTask, NodeState, RunStatus, run
from core_engine.loader import load_dags
from open_examples.wine.dataset import FEATURE_NAMES, bundled_csv
from open_examples.wine_pipeline import dag

DAG_FILE = Path(__file__).resolve().parents[1] / "src" / "open_examples" / "wine_pipeline.py"
ANALYSES = ("class_profiles", "correlations", "feature_statistics", "outliers")
TOLERANCE = 5.1e-5  # the report prints 4 decimals


def section(report: str, title: str) -> dict[str, list[str]]:
    """The rows of the Markdown table under the heading starting with ``title``, by first cell."""
    text = report.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| ")]
    cells = [[c.strip() for c in row] for row in rows[1:]]  # rows[0] is the header
    return {row[0]: row[1:] for row in cells}


@pytest.fixture(scope="module")
def wine() -> tuple[np.ndarray, np.ndarray]:
    data = load_wine()
    return data.data, data.target


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("wine")
    result = run(dag, {"output_dir": str(out)})
    assert result.status is RunStatus.SUCCEEDED, result.state
    return result, out


def test_the_feature_names_are_scikit_learns():
    assert list(FEATURE_NAMES) == load_wine().feature_names


def test_the_four_analyses_are_parallel_branches_between_validate_and_report():
    for node_id in ANALYSES:
        assert dag.node(node_id).upstream == ("validate",)
    assert dag.node("report").upstream == ANALYSES


def test_every_task_of_the_file_lives_in_an_importable_open_examples_module():
    (loaded,) = load_dags(DAG_FILE)
    paths = [node.task.path for node in loaded.nodes if isinstance(node.task, CallableTask)]
    assert len(paths) == 7
    assert all(path.startswith("open_examples.wine.") for path in paths), paths


def test_the_report_is_written_where_asked_and_the_result_stays_small(finished):
    result, out = finished
    summary = result.results["report"]
    assert Path(summary["report"]) == out / "wine_report.md"
    assert (out / "wine_report.md").stat().st_size == summary["bytes"]
    assert summary["summary"]["rows"] == 178
    assert summary["summary"]["class_counts"] == {"class_0": 59, "class_1": 71, "class_2": 48}


def test_feature_statistics_match_numpy(finished, wine):
    x, _ = wine
    report = Path(finished[0].results["report"]["report"]).read_text()
    table = section(report, "Feature statistics")
    assert list(table) == list(FEATURE_NAMES)
    for j, name in enumerate(FEATURE_NAMES):
        col = x[:, j]
        expected = [col.mean(), col.std(ddof=1), col.min(), np.median(col), col.max()]
        got = [float(cell) for cell in table[name]]
        assert got == pytest.approx(expected, abs=TOLERANCE), name


def test_class_profiles_match_numpy(finished, wine):
    x, y = wine
    report = Path(finished[0].results["report"]["report"]).read_text()
    table = section(report, "Class profiles")
    assert [int(c) for c in table["rows"]] == [int((y == k).sum()) for k in range(3)]
    for j, name in enumerate(FEATURE_NAMES):
        expected = [x[y == k, j].mean() for k in range(3)]
        assert [float(c) for c in table[name]] == pytest.approx(expected, abs=TOLERANCE), name


def test_the_strongest_correlations_match_numpy(finished, wine):
    x, _ = wine
    r = np.corrcoef(x, rowvar=False)
    pairs = sorted(
        (
            (abs(r[a, b]), FEATURE_NAMES[a], FEATURE_NAMES[b], r[a, b])
            for a in range(13)
            for b in range(a + 1, 13)
        ),
        reverse=True,
    )[:5]
    report = Path(finished[0].results["report"]["report"]).read_text()
    text = report.split("## Strongest correlations", 1)[1].split("\n## ", 1)[0]
    rows = [
        [c.strip() for c in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("| ")
    ][1:]
    assert [(a, b) for a, b, _ in rows] == [(a, b) for _, a, b, _ in pairs]
    assert [float(v) for _, _, v in rows] == pytest.approx([v for *_, v in pairs], abs=TOLERANCE)


def test_outliers_match_numpy_z_scores(finished, wine):
    x, _ = wine
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    rows, cols = np.nonzero(np.abs(z) > 3.0)
    expected = [(int(i) + 1, FEATURE_NAMES[j], x[i, j], z[i, j]) for i, j in zip(rows, cols, strict=True)]
    report = Path(finished[0].results["report"]["report"]).read_text()
    text = report.split("## Outliers", 1)[1]
    lines = [
        [c.strip() for c in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("| ")
    ][1:]
    assert [(int(r), f) for r, f, _, _ in lines] == [(r, f) for r, f, _, _ in expected]
    assert [float(v) for _, _, v, _ in lines] == pytest.approx([v for _, _, v, _ in expected], abs=TOLERANCE)
    assert [float(s) for *_, s in lines] == pytest.approx([s for *_, s in expected], abs=TOLERANCE)
    assert re.search(rf"\n{len(expected)} values in {len(set(rows))} rows\.", text)


def corrupt(tmp_path: Path, row: int, column: int, value: str) -> Path:
    """A copy of the bundled CSV with data row ``row`` (1-based), field ``column`` set to ``value``."""
    lines = bundled_csv()[1].splitlines()
    cells = lines[row].split(",")
    cells[column] = value
    lines[row] = ",".join(cells)
    path = tmp_path / "wine.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (5, 0, "abc", "row 5 (line 6), column 'alcohol': 'abc' is not a number"),
        (17, 6, "nan", "row 17 (line 18), column 'flavanoids': the value is NaN"),
        (42, 12, "", "row 42 (line 43), column 'proline': the value is missing"),
        (100, 13, "3", "row 100 (line 101), column 'class': class index 3 is outside 0..2 (3 classes)"),
    ],
)
def test_a_corrupted_csv_fails_validation_naming_the_row_and_column(tmp_path, row, column, value, message):
    path = corrupt(tmp_path, row, column, value)
    out = tmp_path / "out"
    result = run(dag, {"csv_path": str(path), "output_dir": str(out)})
    assert result.status is RunStatus.FAILED
    nodes = result.state.nodes
    assert nodes["extract"].state is NodeState.SUCCEEDED
    assert nodes["validate"].state is NodeState.FAILED
    assert nodes["validate"].error.type == "WineDataError"
    assert nodes["validate"].error.message == f"{path}, {message}"
    assert all(nodes[n].state is NodeState.UPSTREAM_FAILED for n in (*ANALYSES, "report"))
    assert not out.exists()


def test_a_row_with_a_missing_field_is_named(tmp_path):
    lines = bundled_csv()[1].splitlines()
    lines[9] = lines[9].rsplit(",", 1)[0]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines))
    result = run(dag, {"csv_path": str(path), "output_dir": str(tmp_path)})
    error = result.state.nodes["validate"].error
    assert error.message == f"{path}, row 9 (line 10): expected 14 fields (13 features and the class), got 13"


def test_a_row_count_unlike_the_headers_fails(tmp_path):
    lines = bundled_csv()[1].splitlines()[:-1]
    path = tmp_path / "cut.csv"
    path.write_text("\n".join(lines))
    result = run(dag, {"csv_path": str(path), "output_dir": str(tmp_path)})
    assert (
        result.state.nodes["validate"].error.message
        == f"{path}: the header declares 178 rows, the file has 177"
    )
