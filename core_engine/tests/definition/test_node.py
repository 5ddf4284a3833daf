"""The node model: fields, upstream ids, canonical dict form, parameter encoding."""

from __future__ import annotations

from typing import Any

import pytest

from core_engine import CallableTask, Node, Param, ParamSpec, Ref, RetryPolicy, RunIn, TriggerRule, TypedTask
from core_engine.node import decode_param, encode_param


def test_node_defaults() -> None:
    node = Node("n", TypedTask("noop"))
    assert node.params == {}
    assert node.depends_on == ()
    assert node.map_over is None
    assert node.retry == RetryPolicy()
    assert node.timeout is None
    assert node.tags == ()
    assert node.run_in is RunIn.AUTO
    assert node.trigger is TriggerRule.ALL_SUCCESS


def test_node_holds_every_field_it_is_given() -> None:
    retry = RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_cap=8.0, jitter=0.2, retry_on=("OSError",))
    node = Node(
        "n",
        CallableTask("pkg.mod:fn"),
        params={"x": Ref("up"), "n": Param("count"), "k": 1},
        depends_on=("other",),
        map_over="x",
        retry=retry,
        timeout=2.5,
        tags=("a",),
        run_in=RunIn.PROCESS,
        trigger=TriggerRule.ALL_DONE,
    )
    assert (node.id, node.task.path, node.map_over, node.timeout, node.tags) == (
        "n",
        "pkg.mod:fn",
        "x",
        2.5,
        ("a",),
    )
    assert node.retry is retry
    assert (node.run_in, node.trigger) == (RunIn.PROCESS, TriggerRule.ALL_DONE)


def test_enum_fields_accept_their_string_values() -> None:
    node = Node("n", TypedTask("noop"), run_in="thread", trigger="none_failed")  # type: ignore[arg-type]
    assert node.run_in is RunIn.THREAD
    assert node.trigger is TriggerRule.NONE_FAILED


def test_unknown_enum_strings_are_kept_for_validation_to_report() -> None:
    node = Node("n", TypedTask("noop"), run_in="mars")  # type: ignore[arg-type]
    assert node.run_in == "mars"


def test_upstream_merges_refs_and_depends_on_sorted_without_duplicates() -> None:
    node = Node(
        "n",
        TypedTask("noop"),
        params={"a": Ref("z"), "b": Ref("b"), "c": Param("p"), "d": "const"},
        depends_on=("z", "a", "a"),
    )
    assert node.upstream == ("a", "b", "z")


def test_to_dict_has_every_field_with_unordered_lists_sorted() -> None:
    node = Node(
        "n",
        CallableTask("m:f"),
        params={"b": Ref("up"), "a": Param("p"), "c": [3, 1]},
        depends_on=("y", "x", "y"),
        timeout=10,
        tags=("t2", "t1", "t2"),
    )
    assert node.to_dict() == {
        "id": "n",
        "task": {"callable": "m:f"},
        "params": {"a": {"$param": "p"}, "b": {"$ref": "up"}, "c": [3, 1]},
        "depends_on": ["x", "y"],
        "map_over": None,
        "retry": {"max_attempts": 1, "backoff_base": 1.0, "backoff_cap": 60.0, "jitter": 0.0, "retry_on": []},
        "timeout": 10.0,
        "tags": ["t1", "t2"],
        "run_in": "auto",
        "trigger": "all_success",
    }
    assert isinstance(node.to_dict()["timeout"], float)


def test_typed_task_to_dict_copies_its_config() -> None:
    spec = TypedTask("sleep", {"seconds": 1})
    assert spec.to_dict() == {"type": "sleep", "config": {"seconds": 1}}


def test_callable_tasks_compare_by_path_only() -> None:
    assert CallableTask("m:f", print) == CallableTask("m:f")
    assert CallableTask("m:f") != CallableTask("m:g")
    assert "print" not in repr(CallableTask("m:f", print))


def test_param_spec_to_dict_omits_the_default_of_a_required_parameter() -> None:
    assert ParamSpec("integer", default=3).to_dict() == {"type": "integer", "required": False, "default": 3}
    assert ParamSpec("string", required=True, description="who").to_dict() == {
        "type": "string",
        "required": True,
        "description": "who",
    }


def test_encode_param_marks_refs_and_params() -> None:
    assert encode_param(Ref("a")) == {"$ref": "a"}
    assert encode_param(Param("p")) == {"$param": "p"}


@pytest.mark.parametrize(
    "value",
    [{"$ref": "a"}, {"$param": "p"}, {"$literal": 1}, {"$literal": {"$ref": "a"}}],
)
def test_encode_param_wraps_constants_that_look_like_markers(value: dict[str, Any]) -> None:
    encoded = encode_param(value)
    assert encoded == {"$literal": value}
    assert decode_param(encoded) == value


@pytest.mark.parametrize(
    "value",
    [1, 2.5, "s", None, True, [1, {"$ref": "a"}], {"a": 1}, {"$ref": "a", "other": 1}, {"ref": "a"}],
)
def test_plain_constants_are_encoded_unchanged_and_round_trip(value: Any) -> None:
    assert encode_param(value) == value
    assert decode_param(encode_param(value)) == value


def test_decode_param_turns_markers_into_refs_and_params() -> None:
    assert decode_param({"$ref": "a"}) == Ref("a")
    assert decode_param({"$param": "p"}) == Param("p")
    assert decode_param({"$literal": {"$param": "p"}}) == {"$param": "p"}


def test_decode_param_keeps_markers_with_non_string_names_as_constants() -> None:
    assert decode_param({"$ref": 5}) == {"$ref": 5}
