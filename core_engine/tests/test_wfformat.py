"""The WfFormat importer, checked against the published numbers of the bundled real instances."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from core_engine import limits
from core_engine.node import TypedTask
from core_engine.wfformat import (
    DATA_DIR_ENV,
    WfFormatError,
    default_data_dir,
    instance_files,
    load_instance,
    measure,
    node_id_for,
    scale_for_critical_path,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    directory = default_data_dir()
    assert directory.is_dir(), f"bundled WfCommons data not found at {directory} (set {DATA_DIR_ENV})"
    return directory


def readme_table() -> dict[str, dict[str, str]]:
    """The README's table of bundled files: file name -> {column header: cell}."""
    lines = [line.strip() for line in (data_dir() / "README.md").read_text().splitlines()]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines if line.startswith("|")]
    headers, body = rows[0], [row for row in rows[1:] if not set("".join(row)) <= {"-", ":"}]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in body}


PUBLISHED = readme_table()


def smallest_instance() -> Path:
    name = min(PUBLISHED, key=lambda file: int(PUBLISHED[file]["tasks"]))
    return data_dir() / name


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def v15(tasks: list[tuple[str, list[str], float]], makespan: float | None = 12.0) -> dict[str, Any]:
    """A minimal WfFormat 1.5 document: (id, parents, runtime) per task; children derived."""
    children: dict[str, list[str]] = {tid: [] for tid, _, _ in tasks}
    for tid, parents, _ in tasks:
        for parent in parents:
            children.setdefault(parent, []).append(tid)
    execution: dict[str, Any] = {
        "tasks": [{"id": tid, "runtimeInSeconds": runtime} for tid, _, runtime in tasks]
    }
    if makespan is not None:
        execution["makespanInSeconds"] = makespan
    return {
        "name": "tiny",
        "schemaVersion": "1.5",
        "workflow": {
            "specification": {
                "tasks": [
                    {"id": tid, "name": tid, "parents": parents, "children": children[tid]}
                    for tid, parents, _ in tasks
                ],
                "files": [],
            },
            "execution": execution,
        },
    }


def test_readme_lists_every_bundled_file():
    assert sorted(PUBLISHED) == [p.name for p in instance_files(data_dir())]


@pytest.mark.parametrize("file", sorted(PUBLISHED))
def test_import_matches_the_published_task_and_edge_counts(file):
    instance = load_instance(data_dir() / file)
    assert len(instance.dag) == int(PUBLISHED[file]["tasks"])
    assert len(instance.dag.edges) == int(PUBLISHED[file]["edges"])


@pytest.mark.parametrize("file", sorted(PUBLISHED))
def test_import_matches_the_published_runtime_sum_and_critical_path(file):
    instance = load_instance(data_dir() / file)
    assert round(sum(instance.runtimes.values())) == int(PUBLISHED[file]["sum of runtimes (s)"])
    assert round(instance.critical_path().length) == int(PUBLISHED[file]["critical path (s)"])


@pytest.mark.parametrize("file", sorted(PUBLISHED))
def test_import_reads_the_published_original_makespan(file):
    instance = load_instance(data_dir() / file)
    assert instance.original_makespan is not None
    assert round(instance.original_makespan) == int(PUBLISHED[file]["original makespan (s)"])


@pytest.mark.parametrize("file", sorted(PUBLISHED))
def test_bundled_task_ids_are_kept_as_node_ids(file):
    path = data_dir() / file
    spec = json.loads(path.read_text())["workflow"]["specification"]["tasks"]
    instance = load_instance(path)
    assert sorted(n.id for n in instance.dag.nodes) == sorted(t["id"] for t in spec)
    assert set(instance.runtimes) == {t["id"] for t in spec}


def test_instance_is_named_after_the_file_stem():
    path = smallest_instance()
    instance = load_instance(path)
    assert (instance.name, instance.path, instance.dag.name) == (path.stem, path, path.stem)


def test_each_node_sleeps_its_runtime_times_the_scale():
    instance = load_instance(smallest_instance(), scale=0.25)
    for node in instance.dag.nodes:
        assert node.task == TypedTask("sleep", {"seconds": instance.runtimes[node.id] * 0.25})
    assert instance.scale == 0.25


def test_runtimes_and_critical_path_stay_unscaled():
    plain = load_instance(smallest_instance())
    scaled = load_instance(smallest_instance(), scale=0.01)
    assert scaled.runtimes == plain.runtimes
    assert scaled.critical_path() == plain.critical_path()


@pytest.mark.parametrize("target", [0.2, 2.0, 30.0])
def test_scale_for_critical_path_makes_the_scaled_path_last_the_target(target):
    path = smallest_instance()
    scale = scale_for_critical_path(path, target)
    instance = load_instance(path, scale)
    seconds = {n.id: n.task.config["seconds"] for n in instance.dag.nodes}
    assert instance.dag.critical_path(seconds).length == pytest.approx(target, rel=1e-12)


def test_scale_for_critical_path_rejects_a_non_positive_target():
    with pytest.raises(ValueError, match="positive"):
        scale_for_critical_path(smallest_instance(), 0)


def test_scale_for_critical_path_rejects_an_instance_whose_path_takes_no_time(tmp_path):
    path = write_json(tmp_path / "instant.json", v15([("a", [], 0.0), ("b", ["a"], 0.0)]))
    with pytest.raises(ValueError, match="0 s"):
        scale_for_critical_path(path, 1.0)


@pytest.mark.parametrize("scale", [-1.0, math.inf, math.nan])
def test_load_instance_rejects_a_bad_scale(scale):
    with pytest.raises(ValueError, match="scale"):
        load_instance(smallest_instance(), scale)


def test_dependencies_declared_only_as_children_count(tmp_path):
    data = v15([("a", [], 1.0), ("b", [], 2.0)])
    data["workflow"]["specification"]["tasks"][0]["children"] = ["b"]
    instance = load_instance(write_json(tmp_path / "kids.json", data))
    assert instance.dag.edges == [("a", "b")]


def test_reads_the_older_workflow_tasks_shape_with_references_by_name(tmp_path):
    data = {
        "name": "old",
        "schemaVersion": "1.4",
        "workflow": {
            "makespanInSeconds": 9.5,
            "executedAt": "2021-01-01T00:00:00Z",
            "tasks": [
                {"name": "split", "id": "ID01", "parents": [], "children": ["work"], "runtimeInSeconds": 1},
                {"name": "work", "id": "ID02", "parents": ["split"], "runtimeInSeconds": 4.5},
                {"name": "join", "id": "ID03", "parents": ["ID02"], "runtimeInSeconds": 2},
            ],
        },
    }
    instance = load_instance(write_json(tmp_path / "old.json", data))
    assert sorted(instance.dag.edges) == [("split", "work"), ("work", "join")]
    assert instance.runtimes == {"split": 1.0, "work": 4.5, "join": 2.0}
    assert instance.original_makespan == 9.5
    assert instance.critical_path().length == 7.5


def test_reads_the_1_3_runtime_and_makespan_field_names(tmp_path):
    data = {
        "schemaVersion": "1.3",
        "workflow": {"makespan": 3, "tasks": [{"name": "only", "parents": [], "runtime": 3}]},
    }
    instance = load_instance(write_json(tmp_path / "v13.json", data))
    assert (instance.runtimes, instance.original_makespan) == ({"only": 3.0}, 3.0)


def test_missing_makespan_is_none(tmp_path):
    instance = load_instance(write_json(tmp_path / "nomakespan.json", v15([("a", [], 1.0)], makespan=None)))
    assert instance.original_makespan is None


def test_ids_outside_the_node_id_pattern_are_mapped_and_keep_their_edges(tmp_path):
    raw = "stage 1/part#2"
    path = write_json(tmp_path / "odd.json", v15([(raw, [], 1.0), ("next", [raw], 2.0)]))
    instance = load_instance(path)
    mapped = node_id_for(raw)
    assert instance.dag.edges == [(mapped, "next")]
    assert instance.runtimes == {mapped: 1.0, "next": 2.0}


def test_node_id_for_keeps_ids_that_fit():
    assert node_id_for("mProject_ID0000001") == "mProject_ID0000001"
    assert node_id_for("NFCORE.RNASEQ:x-1") == "NFCORE.RNASEQ:x-1"


@pytest.mark.parametrize("raw", ["a/b", "a b", "-lead", ".dot", "x" * 300, "é", "a" * 128 + "b"])
def test_node_id_for_maps_any_id_into_the_pattern_and_length(raw):
    mapped = node_id_for(raw)
    assert limits.NODE_ID_PATTERN.fullmatch(mapped)
    assert len(mapped) <= limits.MAX_NODE_ID_LENGTH
    assert node_id_for(raw) == mapped


def test_node_id_for_keeps_distinct_ids_distinct():
    raws = ["a/b", "a b", "a_b", "a:b/", "x" * 200, "x" * 201]
    assert len({node_id_for(r) for r in raws}) == len(raws)


def test_a_file_that_is_not_json_is_named_in_the_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(WfFormatError, match=r"broken\.json.*not JSON.*line 1") as info:
        load_instance(path)
    assert info.value.path == path


def test_a_missing_file_is_named_in_the_error(tmp_path):
    with pytest.raises(WfFormatError, match=r"nothere\.json"):
        load_instance(tmp_path / "nothere.json")


def test_a_document_without_workflow_names_the_field(tmp_path):
    with pytest.raises(WfFormatError) as info:
        load_instance(write_json(tmp_path / "empty.json", {"name": "x"}))
    assert info.value.field == "workflow"


def test_an_unknown_shape_names_the_workflow_field_and_the_shapes_read(tmp_path):
    data = {"schemaVersion": "1.1", "workflow": {"jobs": []}}
    with pytest.raises(WfFormatError, match=r"'specification'.*'tasks'") as info:
        load_instance(write_json(tmp_path / "jobs.json", data))
    assert info.value.field == "workflow"


def test_an_unknown_parent_names_the_task_field_and_the_reference(tmp_path):
    path = write_json(tmp_path / "dangling.json", v15([("a", [], 1.0), ("b", ["ghost"], 1.0)]))
    with pytest.raises(WfFormatError, match="ghost") as info:
        load_instance(path)
    assert info.value.field == "workflow.specification.tasks[1].parents"


def test_a_missing_runtime_names_the_execution_field(tmp_path):
    data = v15([("a", [], 1.0)])
    del data["workflow"]["execution"]["tasks"][0]["runtimeInSeconds"]
    with pytest.raises(WfFormatError) as info:
        load_instance(write_json(tmp_path / "noruntime.json", data))
    assert info.value.field == "workflow.execution.tasks[0].runtimeInSeconds"


def test_a_negative_runtime_is_rejected(tmp_path):
    with pytest.raises(WfFormatError, match=">= 0"):
        load_instance(write_json(tmp_path / "negative.json", v15([("a", [], -1.0)])))


def test_a_task_without_execution_record_is_named(tmp_path):
    data = v15([("a", [], 1.0), ("b", ["a"], 1.0)])
    data["workflow"]["execution"]["tasks"].pop()
    with pytest.raises(WfFormatError, match="'b'") as info:
        load_instance(write_json(tmp_path / "norecord.json", data))
    assert info.value.field == "workflow.execution.tasks"


def test_a_task_declared_twice_names_the_second_declaration(tmp_path):
    data = v15([("a", [], 1.0)])
    spec = data["workflow"]["specification"]["tasks"]
    spec.append(dict(spec[0]))
    with pytest.raises(WfFormatError, match="task 'a' is declared twice") as info:
        load_instance(write_json(tmp_path / "dup.json", data))
    assert info.value.field == "workflow.specification.tasks[1].id"


def test_a_task_with_two_execution_records_names_the_second(tmp_path):
    data = v15([("a", [], 1.0)])
    records = data["workflow"]["execution"]["tasks"]
    records.append(dict(records[0]))
    with pytest.raises(WfFormatError, match="task 'a' has two execution records") as info:
        load_instance(write_json(tmp_path / "dup.json", data))
    assert info.value.field == "workflow.execution.tasks[1].id"


def test_a_name_used_twice_in_the_older_shape_is_rejected(tmp_path):
    data = {"workflow": {"tasks": [{"name": "x", "runtime": 1}, {"name": "x", "runtime": 2}]}}
    with pytest.raises(WfFormatError, match="task 'x' is declared twice") as info:
        load_instance(write_json(tmp_path / "dup.json", data))
    assert info.value.field == "workflow.tasks[1]"


def test_a_dependency_cycle_is_reported_with_its_nodes(tmp_path):
    path = write_json(tmp_path / "loop.json", v15([("a", ["b"], 1.0), ("b", ["a"], 1.0)]))
    with pytest.raises(WfFormatError, match=r"cycle.*a -> b -> a"):
        load_instance(path)


async def test_measure_runs_the_instance_to_success_no_faster_than_its_critical_path():
    path = smallest_instance()
    instance = load_instance(path, scale_for_critical_path(path, 0.05))
    m = await measure(instance, "dataflow")
    assert m.status == "succeeded"
    assert (m.instance, m.strategy, m.nodes, m.edges) == (path.stem, "dataflow", len(instance.dag), 16)
    assert m.critical_path == pytest.approx(0.05)
    assert m.ratio == pytest.approx(m.makespan / m.critical_path)
    assert m.ratio >= 1.0 - 1e-3


async def test_measure_one_node_at_a_time_takes_at_least_the_sum_of_runtimes():
    path = smallest_instance()
    instance = load_instance(path, scale=0.02 / sum(load_instance(path).runtimes.values()))
    m = await measure(instance, "sequential", max_concurrency=1)
    assert m.status == "succeeded"
    assert m.makespan >= 0.02 - 1e-3


async def test_measure_passes_every_event_to_on_event():
    instance = load_instance(smallest_instance(), scale=0.0)
    seen = []
    m = await measure(instance, "level", on_event=seen.append)
    assert m.strategy == "level"
    assert [e.seq for e in seen] == list(range(len(seen)))
    assert seen[-1].kind == "run_finished"


async def test_measure_rejects_an_unknown_strategy():
    with pytest.raises(ValueError, match="fastest"):
        await measure(load_instance(smallest_instance(), scale=0.0), "fastest")


def test_default_data_dir_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "elsewhere"))
    assert default_data_dir() == (tmp_path / "elsewhere").resolve()


def test_default_data_dir_prefers_shared_next_to_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    checkout = tmp_path / "work" / "main"
    data = tmp_path / "work" / "shared" / "data" / "wfcommons"
    checkout.mkdir(parents=True)
    data.mkdir(parents=True)
    monkeypatch.chdir(checkout)
    assert default_data_dir() == data.resolve()


def test_default_data_dir_falls_back_to_the_repository_root(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == (REPO_ROOT / ".." / "shared" / "data" / "wfcommons").resolve()
