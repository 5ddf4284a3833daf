"""The canonical JSON definition: round trips, the content hash, loading and its errors."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from core_engine import (
    DAG,
    SCHEMA_VERSION,
    CallableTask,
    DAGBuilder,
    DAGValidationError,
    DefinitionError,
    Param,
    ParamSpec,
    Ref,
    RetryPolicy,
    TypedTask,
    definition,
    task,
)
from core_engine.definition import canonical_json, parse_json, resolve_callable
from core_engine.tasktypes import NoopTask, TaskTypeRegistry


@task
def extract(n: int = 3) -> list[int]:
    return list(range(n))


@task(retries=2, timeout=10, tags=["io", "cpu"])
def square(x: int) -> int:
    return x * x


@task
async def total(values: list[int]) -> int:
    return sum(values)


def plain(x: int) -> int:
    return x


NOT_CALLABLE = 42


def etl_dag(*, reverse: bool = False) -> DAG:
    """A DAG using every kind of field; ``reverse`` adds the nodes in the opposite order."""
    b = DAGBuilder("etl", description="café ✓ nightly", params={"n": ParamSpec("integer", default=3)})
    steps = [
        lambda: b.add_node("extract", extract, {"n": Param("n")}),
        lambda: b.add_node(
            "square", square, {"x": Ref("extract")}, map_over="x", retry=RetryPolicy(3, 0.5, 4.0, 0.1)
        ),
        lambda: b.add_node("total", total, {"values": Ref("square")}, timeout=30, tags=["report"]),
        lambda: b.add_node(
            "marker",
            TypedTask("noop", {"result": {"$ref": "x"}}),
            {"looks_like_a_ref": {"$ref": "extract"}, "plain": [1, "two", None]},
            depends_on=["total"],
            run_in="loop",
            trigger="all_done",
        ),
    ]
    for step in reversed(steps) if reverse else steps:
        step()
    return b.build()


def minimal(**node_fields: Any) -> dict[str, Any]:
    """A one-node definition; ``node_fields`` replace or add fields of node ``n``."""
    node: dict[str, Any] = {"id": "n", "task": {"type": "noop", "config": {}}}
    node.update(node_fields)
    return {"schema_version": SCHEMA_VERSION, "name": "d", "nodes": [node]}


def issues_of(data: Any, **kw: Any) -> list[tuple[str, str | None, str | None]]:
    with pytest.raises(DAGValidationError) as info:
        DAG.from_dict(data, **kw)
    return [(i.code, i.node_id, i.field) for i in info.value.issues]


# --- shape and round trips ------------------------------------------------------------------


def test_to_dict_has_the_documented_top_level_shape() -> None:
    data = etl_dag().to_dict()
    assert sorted(data) == ["description", "name", "nodes", "params", "schema_version"]
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data["name"] == "etl"
    assert data["params"] == {"n": {"type": "integer", "required": False, "default": 3}}
    assert [n["id"] for n in data["nodes"]] == ["extract", "marker", "square", "total"]


def test_to_dict_writes_callables_as_import_paths() -> None:
    nodes = {n["id"]: n for n in etl_dag().to_dict()["nodes"]}
    assert nodes["extract"]["task"] == {"callable": f"{__name__}:extract"}
    assert nodes["extract"]["params"] == {"n": {"$param": "n"}}
    assert nodes["square"]["params"] == {"x": {"$ref": "extract"}}
    assert nodes["square"]["map_over"] == "x"
    assert nodes["marker"]["task"] == {"type": "noop", "config": {"result": {"$ref": "x"}}}


def test_to_json_is_compact_with_sorted_keys_and_unescaped_unicode() -> None:
    dag = etl_dag()
    text = dag.to_json()
    assert text == json.dumps(dag.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "café ✓" in text
    assert ": " not in text
    assert ", " not in text.replace("café ✓ nightly", "")


def test_code_to_json_to_dag_round_trips_exactly() -> None:
    dag = etl_dag()
    loaded = DAG.from_json(dag.to_json())
    assert loaded.to_json() == dag.to_json()
    assert loaded == dag
    assert loaded.content_hash == dag.content_hash
    assert hash(loaded) == hash(dag)


def test_round_trip_restores_every_node_field() -> None:
    dag = etl_dag()
    loaded = DAG.from_json(dag.to_json())
    for original, copy_ in zip(dag.nodes, loaded.nodes, strict=True):
        assert copy_ == original
    assert loaded.params == dag.params
    assert loaded.description == dag.description
    assert loaded.edges == dag.edges


def test_loading_resolves_callables_to_the_task_functions() -> None:
    loaded = DAG.from_json(etl_dag().to_json())
    assert loaded.node("extract").task.fn is extract.fn  # type: ignore[union-attr]
    assert loaded.node("total").task.fn is total.fn  # type: ignore[union-attr]


def test_from_dict_of_to_dict_round_trips() -> None:
    dag = etl_dag()
    assert DAG.from_dict(dag.to_dict()).to_json() == dag.to_json()


def test_from_json_accepts_bytes() -> None:
    dag = etl_dag()
    assert DAG.from_json(dag.to_json().encode("utf-8")) == dag


def test_a_constant_that_looks_like_a_ref_is_escaped_and_stays_a_constant() -> None:
    dag = etl_dag()
    marker = next(n for n in dag.to_dict()["nodes"] if n["id"] == "marker")
    assert marker["params"]["looks_like_a_ref"] == {"$literal": {"$ref": "extract"}}
    loaded = DAG.from_json(dag.to_json()).node("marker")
    assert loaded.params["looks_like_a_ref"] == {"$ref": "extract"}
    assert loaded.upstream == ("total",)


def test_literal_escaping_round_trips_nested_markers() -> None:
    b = DAGBuilder("d")
    b.add_node("n", TypedTask("noop"), {"a": {"$literal": {"$param": "p"}}, "b": {"$param": "p", "x": 1}})
    dag = b.build()
    loaded = DAG.from_json(dag.to_json())
    assert loaded.node("n").params == {"a": {"$literal": {"$param": "p"}}, "b": {"$param": "p", "x": 1}}
    assert loaded.to_json() == dag.to_json()


def test_required_params_round_trip_without_a_default() -> None:
    b = DAGBuilder("d", params={"who": ParamSpec("string", required=True, description="a name")})
    dag = b.build()
    assert dag.to_dict()["params"] == {"who": {"type": "string", "required": True, "description": "a name"}}
    assert DAG.from_json(dag.to_json()) == dag


def test_missing_optional_fields_take_their_defaults() -> None:
    dag = DAG.from_dict({"schema_version": 1, "name": "d", "nodes": [{"id": "n", "task": {"type": "noop"}}]})
    assert dag.description == ""
    assert dag.params == {}
    node = dag.node("n")
    assert node.task == TypedTask("noop", {})
    assert (node.params, node.depends_on, node.tags, node.timeout, node.retry) == (
        {},
        (),
        (),
        None,
        RetryPolicy(),
    )


def test_empty_dag_round_trips() -> None:
    dag = DAGBuilder("empty").build()
    assert DAG.from_json(dag.to_json()) == dag
    assert dag.to_dict()["nodes"] == []


# --- content hash ---------------------------------------------------------------------------


def test_content_hash_is_the_sha256_of_the_canonical_json() -> None:
    dag = etl_dag()
    assert dag.content_hash == "sha256:" + hashlib.sha256(dag.to_json().encode("utf-8")).hexdigest()


def test_content_hash_does_not_depend_on_node_insertion_order() -> None:
    assert etl_dag(reverse=True).content_hash == etl_dag().content_hash
    assert etl_dag(reverse=True).to_json() == etl_dag().to_json()


def test_content_hash_does_not_depend_on_dict_key_order() -> None:
    data = etl_dag().to_dict()
    shuffled = json.loads(json.dumps(data), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert list(shuffled) != list(data)
    assert DAG.from_dict(shuffled).content_hash == etl_dag().content_hash


def test_content_hash_does_not_depend_on_param_insertion_order() -> None:
    def build(params: dict[str, Any]) -> DAG:
        b = DAGBuilder("d")
        b.add_node("n", TypedTask("noop"), params)
        return b.build()

    assert build({"a": 1, "b": 2}).content_hash == build({"b": 2, "a": 1}).content_hash


def test_integer_and_float_seconds_hash_alike() -> None:
    def build(timeout: float, base: float) -> DAG:
        b = DAGBuilder("d")
        b.add_node("n", TypedTask("noop"), timeout=timeout, retry=RetryPolicy(2, base, 60))
        return b.build()

    assert build(10, 2).content_hash == build(10.0, 2.0).content_hash
    assert (
        DAG.from_dict(minimal(timeout=10)).content_hash == DAG.from_dict(minimal(timeout=10.0)).content_hash
    )


def test_order_and_repeats_of_tags_and_dependencies_do_not_change_the_hash() -> None:
    def build(tags: list[str], deps: list[str]) -> DAG:
        b = DAGBuilder("d")
        b.add_node("a", TypedTask("noop"))
        b.add_node("b", TypedTask("noop"))
        b.add_node("n", TypedTask("noop"), tags=tags, depends_on=deps)
        return b.build()

    assert build(["x", "y"], ["a", "b"]).content_hash == build(["y", "x", "y"], ["b", "a", "b"]).content_hash


def _base() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "name": "d",
        "description": "",
        "params": {"p": {"type": "integer", "required": False, "default": 1}},
        "nodes": [
            {"id": "a", "task": {"type": "noop", "config": {}}},
            {
                "id": "b",
                "task": {"type": "noop", "config": {"result": 1}},
                "params": {"x": {"$ref": "a"}, "k": 1},
                "retry": {"max_attempts": 2},
                "timeout": 5,
                "tags": ["t"],
            },
            {"id": "c", "task": {"callable": "json:dumps"}, "params": {"obj": {"$param": "p"}}},
        ],
    }


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set("name", "other"),
        _set("description", "changed"),
        _set("params/p/default", 2),
        _set("params/p/type", "number"),
        _set("params/q", {"type": "any"}),
        _set("nodes/0/id", "a2"),
        _set("nodes/1/params/k", 2),
        _set("nodes/1/params/x", {"$literal": {"$ref": "a"}}),
        _set("nodes/1/depends_on", ["c"]),
        _set("nodes/1/retry", {"max_attempts": 3}),
        _set("nodes/1/retry", {"max_attempts": 2, "retry_on": ["OSError"]}),
        _set("nodes/1/retry", {"max_attempts": 2, "jitter": 0.5}),
        _set("nodes/1/timeout", 6),
        _set("nodes/1/timeout", None),
        _set("nodes/1/tags", ["t", "u"]),
        _set("nodes/1/run_in", "thread"),
        _set("nodes/1/trigger", "none_failed"),
        _set("nodes/1/task", {"type": "noop", "config": {"result": 2}}),
        _set("nodes/1/task", {"type": "sleep", "config": {"seconds": 1}}),
        _set("nodes/2/task", {"callable": "json:loads"}),
        _set("nodes/2/params", {"obj": 1}),
    ],
)
def test_content_hash_changes_when_anything_meaningful_changes(change: Any) -> None:
    base = _base()
    changed = copy.deepcopy(base)
    change(changed)
    if changed["nodes"][0]["id"] == "a2":
        changed["nodes"][1]["params"]["x"] = {"$ref": "a2"}
    before = DAG.from_dict(base, resolve_callables=False)
    after = DAG.from_dict(changed, resolve_callables=False)
    assert after.content_hash != before.content_hash
    assert after != before


def test_content_hash_is_stable_across_loads() -> None:
    hashes = {DAG.from_dict(_base()).content_hash for _ in range(3)}
    assert len(hashes) == 1


# --- callables ------------------------------------------------------------------------------


def test_resolve_callables_false_keeps_import_paths_without_importing() -> None:
    data = minimal(task={"callable": "no_such_package.mod:fn"}, params={"anything": 1})
    dag = DAG.from_dict(data, resolve_callables=False)
    spec = dag.node("n").task
    assert isinstance(spec, CallableTask)
    assert (spec.path, spec.fn) == ("no_such_package.mod:fn", None)
    assert DAG.from_json(dag.to_json(), resolve_callables=False) == dag


def test_resolved_and_unresolved_loads_are_equal() -> None:
    text = etl_dag().to_json()
    assert DAG.from_json(text, resolve_callables=False) == DAG.from_json(text)


@pytest.mark.parametrize(
    "path",
    [
        "no_such_package.mod:fn",
        "json:no_such_function",
        f"{__name__}:NOT_CALLABLE",
        "json",
        ":fn",
        f"{__name__}:test_callable_path.<locals>.inner",
    ],
)
def test_unresolvable_callable_is_reported_on_its_node(path: str) -> None:
    data = minimal(task={"callable": path})
    assert issues_of(data) == [("unresolved_callable", "n", "task.callable")]


def test_unresolved_callable_message_names_the_missing_module() -> None:
    with pytest.raises(DAGValidationError, match="no_such_package"):
        DAG.from_dict(minimal(task={"callable": "no_such_package.mod:fn"}))


def test_resolve_callable_returns_the_function_behind_a_task() -> None:
    assert resolve_callable(f"{__name__}:square") is square.fn
    assert resolve_callable(f"{__name__}:plain") is plain
    assert resolve_callable("json:dumps") is json.dumps


def test_resolve_callable_follows_dotted_qualnames() -> None:
    assert resolve_callable("json:JSONDecoder.decode") is json.JSONDecoder.decode


def test_resolve_callable_rejects_functions_defined_inside_functions() -> None:
    with pytest.raises(ImportError, match="inside a function"):
        resolve_callable(f"{__name__}:f.<locals>.g")


def test_resolved_callables_get_signature_checks() -> None:
    data = minimal(task={"callable": f"{__name__}:plain"})
    assert issues_of(data) == [("missing_param", "n", "params.x")]
    assert DAG.from_dict(data, resolve_callables=False).node("n").params == {}


# --- malformed documents --------------------------------------------------------------------


def test_malformed_json_raises_definition_error_with_line_and_column() -> None:
    with pytest.raises(DefinitionError) as info:
        DAG.from_json('{"schema_version": 1,\n  "name": oops}')
    assert info.value.location == "line 2, column 11"
    assert str(info.value).startswith("line 2, column 11: not valid JSON")


def test_text_that_is_not_utf8_raises_definition_error() -> None:
    with pytest.raises(DefinitionError, match="UTF-8"):
        DAG.from_json(b'{"name": "\xff"}')


def test_absurdly_nested_json_raises_definition_error() -> None:
    with pytest.raises(DefinitionError, match="nested too deeply"):
        DAG.from_json("[" * 100_000 + "]" * 100_000)


def test_definition_larger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = etl_dag().to_json()
    monkeypatch.setattr(definition, "MAX_DEFINITION_BYTES", len(text.encode("utf-8")) - 1)
    with pytest.raises(DefinitionError, match="the limit is"):
        DAG.from_json(text)
    monkeypatch.setattr(definition, "MAX_DEFINITION_BYTES", len(text.encode("utf-8")))
    assert DAG.from_json(text) == etl_dag()


def test_parse_json_returns_the_document() -> None:
    assert parse_json('{"a": [1, 2]}') == {"a": [1, 2]}


@pytest.mark.parametrize("document", [[], "text", 1, None])
def test_a_document_that_is_not_an_object_raises_definition_error(document: Any) -> None:
    with pytest.raises(DefinitionError, match="must be a JSON object"):
        DAG.from_dict(document)


@pytest.mark.parametrize("version", [2, 0, "1", None, True])
def test_other_schema_versions_raise_definition_error(version: Any) -> None:
    data = minimal()
    data["schema_version"] = version
    with pytest.raises(DefinitionError) as info:
        DAG.from_dict(data)
    assert info.value.location == "schema_version"
    assert "unsupported schema_version" in str(info.value)


def test_missing_schema_version_raises_definition_error() -> None:
    data = minimal()
    del data["schema_version"]
    with pytest.raises(DefinitionError, match="schema_version"):
        DAG.from_dict(data)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"task": 5}, ("invalid_field", "task")),
        ({"task": {"callable": 5}}, ("invalid_field", "task.callable")),
        ({"task": {"callable": "json:dumps", "config": {}}}, ("invalid_field", "task.callable")),
        ({"task": {"type": 5}}, ("invalid_field", "task")),
        ({"task": {"type": "noop", "config": []}}, ("invalid_field", "task")),
        ({"task": {"type": "noop", "extra": 1}}, ("invalid_field", "task")),
        ({"params": []}, ("invalid_field", "params")),
        ({"params": {"x": {"$ref": 5}}}, ("invalid_field", "params.x")),
        ({"params": {"x": {"$param": None}}}, ("invalid_field", "params.x")),
        ({"depends_on": "a"}, ("invalid_field", "depends_on")),
        ({"depends_on": [1]}, ("invalid_field", "depends_on")),
        ({"tags": "a"}, ("invalid_field", "tags")),
        ({"map_over": 5}, ("invalid_field", "map_over")),
        ({"retry": []}, ("invalid_field", "retry")),
        ({"retry": {"max_attempt": 2}}, ("invalid_field", "retry.max_attempt")),
        ({"run_in": "mars"}, ("invalid_field", "run_in")),
        ({"run_in": []}, ("invalid_field", "run_in")),
        ({"trigger": 5}, ("invalid_field", "trigger")),
        ({"colour": "red"}, ("invalid_field", "colour")),
        ({"retry": {"max_attempts": 0}}, ("invalid_retry", "retry.max_attempts")),
        ({"retry": {"retry_on": "ValueError"}}, ("invalid_retry", "retry.retry_on")),
        ({"retry": {"retry_on": 5}}, ("invalid_retry", "retry.retry_on")),
        ({"retry": {"jitter": "lots"}}, ("invalid_retry", "retry.jitter")),
        ({"timeout": "10"}, ("invalid_timeout", "timeout")),
        ({"timeout": True}, ("invalid_timeout", "timeout")),
        ({"tags": [1]}, ("invalid_tags", "tags")),
        ({"task": {"type": "noop", "config": {"typo": 1}}}, ("invalid_config", "task.config.typo")),
        ({"task": {"type": "nope"}}, ("unknown_task_type", "task.type")),
        ({"params": {"x": {"$param": "undeclared"}}}, ("unknown_param", "params.x")),
        ({"id": "bad id"}, ("invalid_id", "id")),
    ],
)
def test_each_malformed_node_field_is_reported_with_node_id_and_field(
    fields: dict[str, Any], expected: tuple[str, str]
) -> None:
    nid = fields.get("id", "n")
    assert issues_of(minimal(**fields)) == [(expected[0], nid, expected[1])]


def test_a_node_that_is_not_an_object_is_reported_by_position() -> None:
    data = minimal()
    data["nodes"].append("oops")
    assert issues_of(data) == [("invalid_field", None, "nodes[1]")]


@pytest.mark.parametrize("node_id", [None, 5])
def test_a_node_without_a_string_id_is_reported_by_position(node_id: Any) -> None:
    data = minimal()
    data["nodes"][0]["id"] = node_id
    assert issues_of(data) == [("invalid_field", None, "nodes[0].id")]


def test_malformed_top_level_fields_are_all_reported() -> None:
    data = {"schema_version": 1, "name": 5, "description": [], "params": [], "nodes": {}}
    assert issues_of(data) == [
        ("empty_name", None, "name"),
        ("invalid_field", None, "description"),
        ("invalid_field", None, "name"),
        ("invalid_field", None, "nodes"),
        ("invalid_field", None, "params"),
    ]


def test_unknown_top_level_fields_are_reported() -> None:
    data = minimal()
    data["colour"] = "red"
    assert issues_of(data) == [("invalid_field", None, "colour")]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ("integer", ("invalid_field", "params.n")),
        ({"type": "integer", "typo": 1}, ("invalid_field", "params.n.typo")),
        ({"type": "integer", "required": "yes"}, ("invalid_param_spec", "params.n.required")),
        ({"type": "integer", "description": 5}, ("invalid_param_spec", "params.n.description")),
        ({"type": ["integer"]}, ("invalid_param_spec", "params.n.type")),
        ({"type": "integer", "default": "3"}, ("invalid_param_spec", "params.n.default")),
    ],
)
def test_malformed_run_parameter_declarations_are_reported(spec: Any, field: tuple[str, str]) -> None:
    data = minimal()
    data["params"] = {"n": spec}
    assert issues_of(data) == [(field[0], None, field[1])]


def test_every_problem_of_a_malformed_node_is_reported_at_once() -> None:
    data = minimal(run_in="mars", timeout="x", tags=[""], colour=1)
    assert issues_of(data) == [
        ("invalid_field", "n", "colour"),
        ("invalid_field", "n", "run_in"),
        ("invalid_tags", "n", "tags"),
        ("invalid_timeout", "n", "timeout"),
    ]


def test_dependants_of_a_malformed_node_do_not_see_it_as_unknown() -> None:
    data = minimal(run_in="mars")
    data["nodes"].append(
        {"id": "after", "task": {"type": "noop"}, "depends_on": ["n"], "params": {"x": {"$ref": "n"}}}
    )
    data["nodes"].append({"id": "late", "task": {"callable": "no_such_module:f"}, "depends_on": ["n"]})
    data["nodes"].append({"id": "last", "task": {"type": "noop"}, "depends_on": ["late"]})
    assert issues_of(data) == [
        ("unresolved_callable", "late", "task.callable"),
        ("invalid_field", "n", "run_in"),
    ]


def test_graph_rules_apply_to_loaded_definitions() -> None:
    data = minimal(depends_on=["m"])
    data["nodes"].append({"id": "m", "task": {"type": "noop"}, "depends_on": ["n"]})
    data["nodes"].append({"id": "m", "task": {"type": "noop"}})
    data["nodes"].append({"id": "o", "task": {"type": "noop"}, "depends_on": ["mm"]})
    got = issues_of(data)
    assert got == [
        ("cycle", "m", "depends_on"),
        ("duplicate_id", "m", "id"),
        ("unknown_dependency", "o", "depends_on"),
    ]


def test_loaded_issue_names_the_dag() -> None:
    with pytest.raises(DAGValidationError) as info:
        DAG.from_dict(minimal(run_in="mars"))
    assert info.value.dag_name == "d"
    assert str(info.value).startswith("DAG 'd' is invalid: 1 problem\n")


def test_loading_uses_the_given_task_type_registry() -> None:
    class Echo(NoopTask):
        name = "echo"

    registry = TaskTypeRegistry({"echo": Echo()})
    data = minimal(task={"type": "echo", "config": {}})
    assert DAG.from_dict(data, registry=registry).node("n").task == TypedTask("echo", {})
    assert DAG.from_json(json.dumps(data), registry=registry).node("n").task == TypedTask("echo", {})
    assert issues_of(data) == [("unknown_task_type", "n", "task.type")]


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json({"x": float("nan")})
