"""Build-time validation: every rule, each issue naming its node and field, all reported at once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pytest

from core_engine import (
    DAG,
    CallableTask,
    DAGBuilder,
    DAGValidationError,
    Node,
    Param,
    ParamSpec,
    Ref,
    RetryPolicy,
    TypedTask,
    ValidationIssue,
    limits,
    task,
)
from core_engine.tasktypes import TaskTypeRegistry
from core_engine.validate import check_dag_header, is_json, param_value_fits

if TYPE_CHECKING:
    from collections.abc import Iterable

NOOP = TypedTask("noop")


def takes_x(x: int) -> int:
    return x


def takes_float(x: float) -> float:
    return x


def takes_list(values: list[int]) -> int:
    return sum(values)


def takes_nothing() -> None:
    return None


def takes_anything(**kwargs: Any) -> None:
    return None


def takes_x_and_optional_y(x: int, y: str = "y") -> None:
    return None


def returns_int() -> int:
    return 1


def returns_str() -> str:
    return "s"


def returns_list_of_str() -> list[str]:
    return ["s"]


def returns_list_of_int() -> list[int]:
    return [1]


def returns_optional_int() -> int | None:
    return None


def unannotated(x):  # type: ignore[no-untyped-def]
    return x


async def async_returns_int() -> int:
    return 1


def forward_ref(x: UndefinedName) -> int:  # type: ignore[name-defined]  # noqa: F821
    return 1


def node(nid: str, fn: Any = takes_nothing, params: Mapping[str, Any] | None = None, **kw: Any) -> Node:
    """A callable node running ``fn``; keyword arguments go to :class:`Node`."""
    spec = fn if isinstance(fn, CallableTask | TypedTask) else CallableTask(f"{__name__}:{fn.__name__}", fn)
    return Node(nid, spec, dict(params or {}), **kw)


def issues_of(nodes: Iterable[Node], **kw: Any) -> list[ValidationIssue]:
    with pytest.raises(DAGValidationError) as info:
        DAG.create("d", nodes, **kw)
    return list(info.value.issues)


def summary(nodes: Iterable[Node], **kw: Any) -> list[tuple[str, str | None, str | None]]:
    """``(code, node_id, field)`` of every issue."""
    return [(i.code, i.node_id, i.field) for i in issues_of(nodes, **kw)]


def only_issue(nodes: Iterable[Node], **kw: Any) -> ValidationIssue:
    (issue,) = issues_of(nodes, **kw)
    return issue


# --- DAG header -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_dag_name_is_reported(name: str) -> None:
    with pytest.raises(DAGValidationError) as info:
        DAG.create(name, [])
    assert [(i.code, i.node_id, i.field) for i in info.value.issues] == [("empty_name", None, "name")]


def test_node_count_above_the_limit_is_reported() -> None:
    (issue,) = check_dag_header("d", {}, limits.MAX_NODES + 1)
    assert issue.code == "too_many_nodes"
    assert issue.node_id is None
    assert str(limits.MAX_NODES) in issue.message
    assert issue.suggestion is not None


def test_node_count_at_the_limit_is_accepted() -> None:
    assert check_dag_header("d", {}, limits.MAX_NODES) == []


def test_dag_create_applies_the_node_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_NODES", 3)
    nodes = [node(f"n{i}") for i in range(4)]
    assert summary(nodes) == [("too_many_nodes", None, None)]
    assert len(DAG.create("d", nodes[:3])) == 3


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nid", ["a", "A_1", "1a", "_x", "extract.v2:part-1", "x" * limits.MAX_NODE_ID_LENGTH]
)
def test_valid_ids_are_accepted(nid: str) -> None:
    assert DAG.create("d", [node(nid)]).node(nid).id == nid


@pytest.mark.parametrize(
    "nid", ["", "a b", "a/b", ".a", "-a", ":a", "é", "a\n", "x" * (limits.MAX_NODE_ID_LENGTH + 1)]
)
def test_invalid_ids_are_reported(nid: str) -> None:
    issue = only_issue([node(nid)])
    assert (issue.code, issue.node_id, issue.field) == ("invalid_id", nid, "id")


def test_too_long_id_message_gives_the_length_and_the_limit() -> None:
    issue = only_issue([node("x" * 200)])
    assert "200" in issue.message
    assert str(limits.MAX_NODE_ID_LENGTH) in issue.message


def test_non_string_id_is_reported_without_crashing() -> None:
    assert summary([node(5), node("a")]) == [("invalid_id", "5", "id")]  # type: ignore[arg-type]


def test_duplicate_ids_are_reported() -> None:
    issue = only_issue([node("a"), node("a"), node("b")])
    assert (issue.code, issue.node_id, issue.field) == ("duplicate_id", "a", "id")


# --- dependencies ---------------------------------------------------------------------------


def test_unknown_dependency_through_a_param_names_the_param_and_suggests_a_close_id() -> None:
    issue = only_issue([node("extract", returns_int), node("load", takes_x, {"x": Ref("extrct")})])
    assert (issue.code, issue.node_id, issue.field) == ("unknown_dependency", "load", "params.x")
    assert "'extrct'" in issue.message
    assert issue.suggestion == "did you mean 'extract'?"


def test_unknown_dependency_through_depends_on_names_depends_on() -> None:
    issue = only_issue([node("a"), node("b", depends_on=("zzz",))])
    assert (issue.code, issue.node_id, issue.field) == ("unknown_dependency", "b", "depends_on")
    assert issue.suggestion is None


def test_self_dependency_is_reported() -> None:
    issue = only_issue([node("a", depends_on=("a",))])
    assert (issue.code, issue.node_id, issue.field) == ("self_dependency", "a", "depends_on")


def test_self_reference_through_a_param_is_reported_on_the_param() -> None:
    issue = only_issue([node("a", takes_x, {"x": Ref("a")})])
    assert (issue.code, issue.field) == ("self_dependency", "params.x")


# --- cycles ---------------------------------------------------------------------------------


def test_cycle_message_and_path_show_the_cycle_from_its_smallest_id() -> None:
    nodes = [node("c", depends_on=("b",)), node("b", depends_on=("a",)), node("a", depends_on=("c",))]
    issue = only_issue(nodes)
    assert issue.code == "cycle"
    assert issue.path == ("a", "b", "c", "a")
    assert "a -> b -> c -> a" in issue.message
    assert issue.node_id == "a"


def test_cycle_through_param_references_is_found() -> None:
    nodes = [node("x", takes_x, {"x": Ref("y")}), node("y", takes_x, {"x": Ref("x")})]
    assert only_issue(nodes).path == ("x", "y", "x")


def test_disjoint_cycles_are_all_reported() -> None:
    nodes = [
        node("a", depends_on=("b",)),
        node("b", depends_on=("a",)),
        node("p", depends_on=("r",)),
        node("q", depends_on=("p",)),
        node("r", depends_on=("q",)),
        node("free"),
    ]
    paths = [i.path for i in issues_of(nodes)]
    assert paths == [("a", "b", "a"), ("p", "q", "r", "p")]


def test_nodes_downstream_of_a_cycle_are_not_reported_as_cycles() -> None:
    nodes = [node("a", depends_on=("b",)), node("b", depends_on=("a",)), node("after", depends_on=("b",))]
    assert summary(nodes) == [("cycle", "a", "depends_on")]


# --- parameters and signatures --------------------------------------------------------------


def test_missing_required_argument_is_reported() -> None:
    issue = only_issue([node("n", takes_x_and_optional_y)])
    assert (issue.code, issue.node_id, issue.field) == ("missing_param", "n", "params.x")
    assert "'x'" in issue.message


def test_unexpected_argument_is_reported_with_the_accepted_names() -> None:
    issue = only_issue([node("n", takes_x_and_optional_y, {"x": 1, "z": 2})])
    assert (issue.code, issue.node_id, issue.field) == ("unexpected_param", "n", "params.z")
    assert issue.suggestion == "it accepts: x, y"


def test_any_argument_is_accepted_by_a_function_with_var_keywords() -> None:
    assert DAG.create("d", [node("n", takes_anything, {"whatever": 1})])


def test_callables_without_a_signature_are_not_judged() -> None:
    assert DAG.create("d", [node("n", max, {"anything": 1})])


def test_unresolvable_annotations_skip_type_checks_but_not_signature_checks() -> None:
    dag = DAG.create("d", [node("up", returns_str), node("n", forward_ref, {"x": Ref("up")})])
    assert dag.node("n").upstream == ("up",)
    assert summary([node("n", forward_ref)]) == [("missing_param", "n", "params.x")]


def test_undeclared_run_parameter_is_reported() -> None:
    issue = only_issue([node("n", takes_x, {"x": Param("count")})])
    assert (issue.code, issue.node_id, issue.field) == ("unknown_param", "n", "params.x")
    assert issue.suggestion == "declare 'count' in the DAG's params"


@pytest.mark.parametrize(
    "value",
    [object(), math.nan, math.inf, {1: "int key"}, {"a": {1, 2}}, b"bytes", [{"k": object()}]],
)
def test_constants_that_are_not_json_are_reported(value: Any) -> None:
    issue = only_issue([node("n", takes_anything, {"v": value})])
    assert (issue.code, issue.node_id, issue.field) == ("not_json", "n", "params.v")


def test_is_json_accepts_64_nested_containers_and_rejects_65() -> None:
    deep: Any = 1
    for _ in range(65):
        deep = [deep]
    assert is_json(deep[0])
    assert not is_json(deep)
    assert is_json({"a": [1, 2.5, None, True, "s", (1, 2)]})


# --- run parameter declarations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (ParamSpec("int"), "params.n.type"),
        (ParamSpec(["string"]), "params.n.type"),  # type: ignore[arg-type]
        (ParamSpec("integer", default="3"), "params.n.default"),
        (ParamSpec("integer", default=True), "params.n.default"),
        (ParamSpec("number", default="1.5"), "params.n.default"),
        (ParamSpec("string", default=1), "params.n.default"),
        (ParamSpec("array", default={}), "params.n.default"),
        (ParamSpec("any", default=object()), "params.n.default"),
        (ParamSpec("number", default=math.nan), "params.n.default"),
        (ParamSpec("integer", required="yes"), "params.n.required"),  # type: ignore[arg-type]
        (ParamSpec("integer", description=5), "params.n.description"),  # type: ignore[arg-type]
    ],
)
def test_bad_run_parameter_declarations_are_reported(spec: ParamSpec, field: str) -> None:
    with pytest.raises(DAGValidationError) as info:
        DAG.create("d", [], params={"n": spec})
    assert [(i.code, i.node_id, i.field) for i in info.value.issues] == [("invalid_param_spec", None, field)]


@pytest.mark.parametrize(
    "spec",
    [
        ParamSpec(),
        ParamSpec("integer", default=3),
        ParamSpec("number", default=3),
        ParamSpec("number", default=2.5),
        ParamSpec("boolean", default=False),
        ParamSpec("string", default=None),
        ParamSpec("object", default={"k": [1]}),
        ParamSpec("array", default=[1, "a"]),
        ParamSpec("string", required=True, default=object()),  # a required parameter's default is unused
    ],
)
def test_good_run_parameter_declarations_are_accepted(spec: ParamSpec) -> None:
    assert DAG.create("d", [], params={"n": spec}).params["n"] is spec


@pytest.mark.parametrize(
    ("value", "type_name", "fits"),
    [
        (1, "integer", True),
        (True, "integer", False),
        (1.0, "integer", False),
        (1, "number", True),
        (True, "number", False),
        ("s", "string", True),
        (True, "boolean", True),
        ([], "array", True),
        ({}, "object", True),
        ({}, "array", False),
        (object(), "any", True),
        (1, "unknown-type", False),
    ],
)
def test_param_value_fits_json_type_names(value: Any, type_name: str, fits: bool) -> None:
    assert param_value_fits(value, type_name) is fits


# --- map_over -------------------------------------------------------------------------------


def test_map_over_a_missing_parameter_is_reported() -> None:
    nodes = [node("up", returns_int), node("m", takes_x, {"x": Ref("up")}, map_over="y")]
    assert summary(nodes) == [("invalid_map", "m", "map_over")]


def test_map_over_a_constant_is_reported() -> None:
    assert summary([node("m", takes_x, {"x": [1, 2]}, map_over="x")]) == [("invalid_map", "m", "map_over")]


def test_map_over_a_run_parameter_is_reported_once_without_crashing() -> None:
    nodes = [node("m", takes_x, {"x": Param("n")}, map_over="x")]
    assert summary(nodes, params={"n": ParamSpec("integer", default=1)}) == [("invalid_map", "m", "map_over")]


def test_map_over_an_upstream_that_is_not_a_list_is_reported() -> None:
    issue = only_issue([node("up", returns_int), node("m", takes_x, {"x": Ref("up")}, map_over="x")])
    assert (issue.code, issue.node_id, issue.field) == ("invalid_map", "m", "params.x")
    assert "'up'" in issue.message
    assert "int" in issue.message


# --- type checks ----------------------------------------------------------------------------


def test_upstream_return_type_that_does_not_fit_the_parameter_is_reported() -> None:
    issue = only_issue([node("up", returns_str), node("down", takes_x, {"x": Ref("up")})])
    assert (issue.code, issue.node_id, issue.field) == ("type_mismatch", "down", "params.x")
    assert issue.message == "parameter 'x' is annotated int, but upstream 'up' gives str"


def test_compatible_annotations_pass() -> None:
    dag = DAG.create("d", [node("up", returns_int), node("down", takes_float, {"x": Ref("up")})])
    assert dag.edges == [("up", "down")]


def test_optional_return_into_a_plain_parameter_is_reported() -> None:
    issue = only_issue([node("up", returns_optional_int), node("down", takes_x, {"x": Ref("up")})])
    assert issue.code == "type_mismatch"
    assert "int | None" in issue.message


@pytest.mark.parametrize(
    ("producer", "consumer"),
    [(unannotated, takes_x), (returns_str, unannotated), (returns_str, takes_anything)],
)
def test_types_are_compared_only_where_both_ends_are_annotated(producer: Any, consumer: Any) -> None:
    up_params = {"x": 1} if producer is unannotated else {}
    assert DAG.create("d", [node("up", producer, up_params), node("down", consumer, {"x": Ref("up")})])


def test_typed_task_upstreams_are_not_type_checked() -> None:
    assert DAG.create(
        "d", [node("up", TypedTask("noop", {"result": "s"})), node("down", takes_x, {"x": Ref("up")})]
    )


def test_async_upstream_is_checked_by_its_result_type() -> None:
    assert DAG.create("d", [node("up", async_returns_int), node("down", takes_x, {"x": Ref("up")})])
    issue = only_issue([node("up", async_returns_int), node("down", takes_list, {"values": Ref("up")})])
    assert issue.code == "type_mismatch"


def test_mapped_node_compares_the_element_type() -> None:
    ok = [node("up", returns_list_of_int), node("m", takes_x, {"x": Ref("up")}, map_over="x")]
    assert DAG.create("d", ok)
    bad = [node("up", returns_list_of_str), node("m", takes_x, {"x": Ref("up")}, map_over="x")]
    issue = only_issue(bad)
    assert (issue.code, issue.node_id, issue.field) == ("type_mismatch", "m", "params.x")
    assert "gives str" in issue.message


def test_consumers_of_a_mapped_node_receive_a_list_of_its_results() -> None:
    mapped = [node("up", returns_list_of_int), node("m", takes_x, {"x": Ref("up")}, map_over="x")]
    assert DAG.create("d", [*mapped, node("reduce", takes_list, {"values": Ref("m")})])
    issue = only_issue([*mapped, node("single", takes_x, {"x": Ref("m")})])
    assert (issue.code, issue.node_id) == ("type_mismatch", "single")
    assert "list[int]" in issue.message


def test_run_parameter_types_are_checked_against_annotations() -> None:
    params = {"s": ParamSpec("string", default="a"), "i": ParamSpec("integer", default=1)}
    assert DAG.create("d", [node("n", takes_float, {"x": Param("i")})], params=params)
    issue = only_issue([node("n", takes_x, {"x": Param("s")})], params=params)
    assert (issue.code, issue.field) == ("type_mismatch", "params.x")
    assert "the value gives str" in issue.message


def test_type_mismatch_through_the_builder() -> None:
    @task
    def produce() -> str:
        return "s"

    @task
    def consume(x: int) -> int:
        return x

    with DAGBuilder("d") as b:
        consume(x=produce())
    with pytest.raises(DAGValidationError) as info:
        b.build()
    assert [(i.code, i.node_id) for i in info.value.issues] == [("type_mismatch", "consume")]


# --- per-node settings ----------------------------------------------------------------------


def test_bad_retry_values_are_reported_per_field() -> None:
    bad = RetryPolicy(max_attempts=0, jitter=2.0)
    assert summary([node("n", retry=bad)]) == [
        ("invalid_retry", "n", "retry.jitter"),
        ("invalid_retry", "n", "retry.max_attempts"),
    ]


@pytest.mark.parametrize("timeout", [0, -1, math.nan, math.inf, True, "10", limits.MAX_TIMEOUT_SECONDS + 1])
def test_bad_timeouts_are_reported(timeout: Any) -> None:
    issue = only_issue([node("n", timeout=timeout)])
    assert (issue.code, issue.node_id, issue.field) == ("invalid_timeout", "n", "timeout")


@pytest.mark.parametrize("timeout", [None, 0.01, 10, limits.MAX_TIMEOUT_SECONDS])
def test_good_timeouts_are_accepted(timeout: float | None) -> None:
    assert DAG.create("d", [node("n", timeout=timeout)]).node("n").timeout == timeout


@pytest.mark.parametrize(
    "tags",
    [
        tuple(f"t{i}" for i in range(limits.MAX_TAGS + 1)),
        ("",),
        ("x" * (limits.MAX_TAG_LENGTH + 1),),
        (3,),
    ],
)
def test_bad_tags_are_reported(tags: tuple[Any, ...]) -> None:
    issue = only_issue([node("n", tags=tags)])
    assert (issue.code, issue.node_id, issue.field) == ("invalid_tags", "n", "tags")


def test_tags_at_the_limits_are_accepted() -> None:
    tags = tuple(f"{i:0{limits.MAX_TAG_LENGTH}d}" for i in range(limits.MAX_TAGS))
    assert DAG.create("d", [node("n", tags=tags)]).node("n").tags == tags


@pytest.mark.parametrize(("fld", "value"), [("run_in", "mars"), ("trigger", "sometimes")])
def test_unknown_enum_values_are_reported(fld: str, value: str) -> None:
    issue = only_issue([node("n", **{fld: value})])
    assert (issue.code, issue.node_id, issue.field) == ("invalid_field", "n", fld)
    assert repr(value) in issue.message


# --- task types -----------------------------------------------------------------------------


def test_unknown_task_type_is_reported_with_the_known_types() -> None:
    issue = only_issue([node("n", TypedTask("http"))])
    assert (issue.code, issue.node_id, issue.field) == ("unknown_task_type", "n", "task.type")
    assert issue.suggestion == "known types: command, noop, sleep"


def test_unknown_task_type_in_an_empty_registry_says_none_are_known() -> None:
    issue = only_issue([node("n", TypedTask("noop"))], registry=TaskTypeRegistry())
    assert issue.suggestion == "known types: none"


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ({}, ["task.config.seconds"]),
        ({"seconds": -1}, ["task.config.seconds"]),
        ({"seconds": "1"}, ["task.config.seconds"]),
        ({"seconds": 1, "extra": 2}, ["task.config.extra"]),
    ],
)
def test_invalid_task_type_config_is_reported_per_field(config: dict[str, Any], fields: list[str]) -> None:
    issues = issues_of([node("n", TypedTask("sleep", config))])
    assert [(i.code, i.node_id, i.field) for i in issues] == [("invalid_config", "n", f) for f in fields]


def test_task_type_config_that_is_not_json_is_reported() -> None:
    issue = only_issue([node("n", TypedTask("noop", {"result": math.nan}))])
    assert (issue.code, issue.node_id, issue.field) == ("not_json", "n", "task.config")


# --- reporting ------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_sorted_by_node_then_code() -> None:
    nodes = [
        node("ok"),
        node("bad id!"),
        node("dup"),
        node("dup"),
        node("m", takes_x_and_optional_y, {"z": 1}),
        node("t", timeout=-1, tags=("",)),
        node("r", retry=RetryPolicy(max_attempts=0)),
        node("u", takes_x, {"x": Ref("nowhere")}),
        node("p", takes_x, {"x": Param("undeclared")}),
        node("k", TypedTask("nope")),
    ]
    with pytest.raises(DAGValidationError) as info:
        DAG.create("", nodes, params={"q": ParamSpec("weird")})
    got = [(i.code, i.node_id, i.field) for i in info.value.issues]
    assert got == [
        ("empty_name", None, "name"),
        ("invalid_param_spec", None, "params.q.type"),
        ("invalid_id", "bad id!", "id"),
        ("duplicate_id", "dup", "id"),
        ("unknown_task_type", "k", "task.type"),
        ("missing_param", "m", "params.x"),
        ("unexpected_param", "m", "params.z"),
        ("unknown_param", "p", "params.x"),
        ("invalid_retry", "r", "retry.max_attempts"),
        ("invalid_tags", "t", "tags"),
        ("invalid_timeout", "t", "timeout"),
        ("unknown_dependency", "u", "params.x"),
    ]
    assert str(info.value).startswith("DAG is invalid: 12 problems\n")


def test_error_text_lists_each_issue_on_its_own_line() -> None:
    with pytest.raises(DAGValidationError) as info:
        DAG.create("etl", [node("a", depends_on=("b",)), node("b", depends_on=("a",)), node("c", timeout=0)])
    assert str(info.value) == (
        "DAG 'etl' is invalid: 2 problems\n"
        "  - [cycle] node 'a', field 'depends_on': dependency cycle: a -> b -> a"
        " (remove one of these dependencies)\n"
        "  - [invalid_timeout] node 'c', field 'timeout': timeout must be a number of seconds"
        " in (0, 604800], got 0"
    )
    assert info.value.dag_name == "etl"
    assert isinstance(info.value, ValueError)


def test_error_text_uses_the_singular_for_one_problem() -> None:
    with pytest.raises(DAGValidationError, match=r"^DAG 'd' is invalid: 1 problem\n  - \[duplicate_id\]"):
        DAG.create("d", [node("a"), node("a")])
