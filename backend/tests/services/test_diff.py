from __future__ import annotations

from typing import Any

from core_engine import DAG
from open_backend.services.diff import NodeChange, diff_definitions


def noop(node_id: str, *depends_on: str, **fields: Any) -> dict[str, Any]:
    return {"id": node_id, "task": {"type": "noop", "config": {}}, "depends_on": list(depends_on), **fields}


def canonical(*nodes: dict[str, Any], **top: Any) -> dict[str, Any]:
    """The canonical form, as versions store it (every field present)."""
    return DAG.from_dict({"schema_version": 1, "name": "etl", "nodes": list(nodes), **top}).to_dict()


def test_identical_definitions_have_an_empty_diff() -> None:
    definition = canonical(noop("a"), noop("b", "a"))
    assert diff_definitions(definition, definition).is_empty


def test_a_new_node_and_its_edge_are_added() -> None:
    diff = diff_definitions(canonical(noop("a")), canonical(noop("a"), noop("b", "a")))
    assert diff.nodes_added == ("b",)
    assert diff.edges_added == (("a", "b"),)
    assert (diff.nodes_removed, diff.edges_removed, diff.nodes_changed) == ((), (), ())


def test_a_removed_node_takes_its_edges_with_it() -> None:
    diff = diff_definitions(canonical(noop("a"), noop("b", "a"), noop("c", "b")), canonical(noop("a")))
    assert diff.nodes_removed == ("b", "c")
    assert diff.edges_removed == (("a", "b"), ("b", "c"))


def test_a_node_with_other_config_is_changed_in_its_task_field() -> None:
    old = canonical(noop("a"))
    new = canonical({"id": "a", "task": {"type": "noop", "config": {"result": 1}}})
    assert diff_definitions(old, new).nodes_changed == (NodeChange("a", ("task",)),)


def test_a_changed_node_names_every_field_that_differs() -> None:
    old = canonical(noop("a"), noop("b"))
    new = canonical(noop("a"), noop("b", "a", tags=["x"], timeout=5))
    diff = diff_definitions(old, new)
    assert diff.nodes_changed == (NodeChange("b", ("depends_on", "tags", "timeout")),)
    assert diff.edges_added == (("a", "b"),)


def test_a_ref_parameter_counts_as_an_edge() -> None:
    old = canonical(noop("a"), noop("b"))
    new = canonical(
        noop("a"), {"id": "b", "task": {"type": "noop", "config": {}}, "params": {"x": {"$ref": "a"}}}
    )
    diff = diff_definitions(old, new)
    assert diff.edges_added == (("a", "b"),)
    assert diff.nodes_changed == (NodeChange("b", ("params",)),)


def test_moving_a_dependency_from_depends_on_to_a_ref_keeps_the_edge() -> None:
    old = canonical(noop("a"), noop("b", "a"))
    new = canonical(
        noop("a"), {"id": "b", "task": {"type": "noop", "config": {}}, "params": {"x": {"$ref": "a"}}}
    )
    diff = diff_definitions(old, new)
    assert (diff.edges_added, diff.edges_removed) == ((), ())
    assert diff.nodes_changed == (NodeChange("b", ("depends_on", "params")),)


def test_a_literal_ref_marker_is_not_an_edge() -> None:
    literal = {
        "id": "b",
        "task": {"type": "noop", "config": {}},
        "params": {"x": {"$literal": {"$ref": "a"}}},
    }
    diff = diff_definitions(canonical(noop("a"), noop("b")), canonical(noop("a"), literal))
    assert diff.edges_added == ()


def test_dag_level_changes_are_reported_by_field() -> None:
    old = canonical(noop("a"))
    new = canonical(noop("a"), description="nightly", params={"n": {"type": "integer", "default": 3}})
    diff = diff_definitions(old, new)
    assert diff.fields_changed == ("description", "params")
    assert diff.nodes_changed == ()


def test_diffing_backwards_swaps_added_and_removed() -> None:
    old = canonical(noop("a"))
    new = canonical(noop("a"), noop("b", "a"))
    forward, backward = diff_definitions(old, new), diff_definitions(new, old)
    assert (backward.nodes_removed, backward.edges_removed) == (forward.nodes_added, forward.edges_added)
