"""The scientific-workflow example on real WfCommons instances."""

import json
from pathlib import Path

import pytest

from core_engine import RunStatus, execute
from open_examples import locations
from open_examples.scientific.replay import EXPECTED_MAX_RATIO, instance_paths, run_instances
from open_examples.wfcommons import dag

INSTANCES = ["helloworld-forkjoin-10-chameleon", "epigenomics-chameleon-hep-1seq-100k-001"]
CRITICAL_PATH_S = 0.5
CLOCK_SLACK_S = 1e-3  # the loop's timers and the run's clock are distinct monotonic readings


def from_the_file(name: str) -> tuple[int, int, float]:
    """``(tasks, edges, critical path in s)`` of an instance, read straight from its JSON."""
    data = json.loads((locations.wfcommons_dir() / f"{name}.json").read_text())
    spec = data["workflow"]["specification"]["tasks"]
    runtime = {t["id"]: t["runtimeInSeconds"] for t in data["workflow"]["execution"]["tasks"]}
    parents = {t["id"]: set(t.get("parents", [])) for t in spec}
    for t in spec:
        for child in t.get("children", []):
            parents[child].add(t["id"])
    finish: dict[str, float] = {}

    def done_at(tid: str) -> float:
        if tid not in finish:
            finish[tid] = max((done_at(p) for p in parents[tid]), default=0.0) + runtime[tid]
        return finish[tid]

    return len(spec), sum(len(p) for p in parents.values()), max(done_at(t) for t in parents)


async def test_replays_stay_between_the_critical_path_and_the_documented_ratio(process_pool):
    params = {"names": INSTANCES, "critical_path_seconds": CRITICAL_PATH_S}
    result = await execute(dag, params, process_pool=process_pool)
    assert result.status is RunStatus.SUCCEEDED, result.state
    measured = result.results["replay"]
    assert [m["instance"] for m in measured] == INSTANCES
    for m in measured:
        tasks, edges, critical_path = from_the_file(m["instance"])
        assert (m["nodes"], m["edges"], m["status"]) == (tasks, edges, "succeeded")
        assert m["original_critical_path"] == pytest.approx(critical_path)
        assert m["critical_path"] == pytest.approx(CRITICAL_PATH_S)
        assert m["scale"] == pytest.approx(CRITICAL_PATH_S / critical_path)
        assert m["makespan"] >= m["critical_path"] - CLOCK_SLACK_S
        assert m["ratio"] <= EXPECTED_MAX_RATIO
    summary = result.results["summarize"]
    assert summary["instances"] == 2
    assert summary["within_bound"] is True
    assert summary["worst_ratio"] == max(m["ratio"] for m in measured)
    assert all(f"| {name} |" in summary["table"] for name in INSTANCES)


def test_run_instances_replays_in_this_process():
    (m,) = run_instances(0.2, names=["helloworld-forkjoin-10-chameleon.json"])
    assert m["nodes"] == 10
    assert m["makespan"] >= 0.2 - CLOCK_SLACK_S


def test_all_instances_are_found_by_default():
    names = [p.stem for p in instance_paths()]
    assert set(INSTANCES) <= set(names)
    assert names == sorted(names)


def test_an_unknown_instance_is_named_with_the_ones_there_are():
    with pytest.raises(ValueError, match=r"no instance named 'nope' in .*; there are: 1000genome"):
        instance_paths(names=["nope"])


def test_a_missing_folder_says_how_to_set_it(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.WFCOMMONS_DIR_ENV, str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError, match=r"set \$OPEN_WFCOMMONS_DIR or the data_dir parameter"):
        instance_paths()


def test_the_folder_can_be_given_as_a_parameter(tmp_path):
    source = locations.wfcommons_dir() / f"{INSTANCES[0]}.json"
    (tmp_path / "only.json").write_text(source.read_text())
    assert instance_paths(str(tmp_path)) == [Path(tmp_path, "only.json").resolve()]
