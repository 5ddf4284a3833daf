"""The published JSON Schema (docs/dag-definition.schema.json) against the engine.

Canonical definitions written by real DAGs must validate; documents the engine rejects for their
shape must be rejected by the schema too; the schema's limits and enums must equal the engine's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from core_engine import (
    DAG,
    SCHEMA_VERSION,
    DAGBuilder,
    DAGValidationError,
    DefinitionError,
    Node,
    Param,
    ParamSpec,
    Ref,
    RetryPolicy,
    RunIn,
    TriggerRule,
    TypedTask,
    limits,
    task,
    validate,
)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "dag-definition.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
DEFS = SCHEMA["$defs"]
NODE = DEFS["node"]["properties"]
RETRY = DEFS["retry"]["properties"]


def schema_errors(document: Any) -> list[str]:
    """Messages of every schema violation in ``document`` (empty when valid)."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


# --------------------------------------------------------------------------- tasks used below


@task
def extract(n: int) -> list[int]:
    return list(range(n))


@task
def square(x: int) -> int:
    return x * x


@task
def total(values: list[int]) -> int:
    return sum(values)


@task
def report(value: int, label: str = "") -> str:
    return f"{label}{value}"


@task
def configure(spec: dict[str, Any], items: list[Any], flag: bool = False) -> None:
    return None


# ----------------------------------------------------------------------- DAGs built in code


def callables_with_refs_and_ordering() -> DAG:
    with DAGBuilder("etl", description="extract, square each item, add them up") as b:
        rows = extract(n=4)
        squares = square.map(x=rows)
        summed = total(values=squares)
        done = report(value=summed, label="sum=")
        audit = report.options(id="audit")(value=1)
        audit >> done
        [rows, audit] >> report.options(id="after_both")(value=2)
    return b.build()


def typed_tasks() -> DAG:
    with DAGBuilder("simulation") as b:
        wait = b.add_node("wait", TypedTask("sleep", {"seconds": 0.5}))
        b.add_node("answer", TypedTask("noop", {"result": {"answer": 42}}), depends_on=[wait])
        b.add_node("bare", TypedTask("noop"))
    return b.build()


def run_params() -> DAG:
    params = {
        "n": ParamSpec("integer", default=3, description="how many rows"),
        "label": ParamSpec("string", required=True),
        "ratio": ParamSpec("number", default=0.5),
        "anything": ParamSpec(),
    }
    with DAGBuilder("parametrised", params=params) as b:
        rows = extract(n=Param("n"))
        summed = total(values=rows)
        report(value=summed, label=Param("label"))
    return b.build()


def every_node_option() -> DAG:
    policy = RetryPolicy(
        max_attempts=limits.MAX_ATTEMPTS,
        backoff_base=0.5,
        backoff_cap=limits.MAX_BACKOFF_SECONDS,
        jitter=1.0,
        retry_on=("TimeoutError", "builtins.ConnectionError"),
    )
    tags = [f"t{i}" for i in range(limits.MAX_TAGS - 1)] + ["x" * limits.MAX_TAG_LENGTH]
    with DAGBuilder("options") as b:
        first = b.add_node("a" * limits.MAX_NODE_ID_LENGTH, square, {"x": 2}, retry=policy, run_in="thread")
        second = b.add_node(
            "b.c:d-e_1", square, {"x": first}, timeout=limits.MAX_TIMEOUT_SECONDS, tags=tags, run_in="process"
        )
        b.add_node("none_failed", total, {"values": [1]}, depends_on=[second], trigger="none_failed")
        b.add_node("all_done", report, {"value": second}, trigger=TriggerRule.ALL_DONE, run_in=RunIn.LOOP)
        b.add_node("short", square, {"x": 3}, timeout=0.001)
    return b.build()


def literal_constants() -> DAG:
    with DAGBuilder("literals") as b:
        b.add_node(
            "configure",
            configure,
            {
                "spec": {"$ref": "not-a-node"},  # a constant that looks like a reference
                "items": [{"$param": "x"}, {"$ref": "y"}],  # markers nested in a list stay plain
                "flag": True,
            },
        )
        b.add_node("wrapped", configure, {"spec": {"$literal": {"$param": "p"}}, "items": []})
        b.add_node("plain", configure, {"spec": {"$ref": "a", "other": 1}, "items": [None, 1.5, "s"]})
    return b.build()


def empty() -> DAG:
    return DAGBuilder("empty").build()


BUILT_DAGS: list[Callable[[], DAG]] = [
    callables_with_refs_and_ordering,
    typed_tasks,
    run_params,
    every_node_option,
    literal_constants,
    empty,
]


# ------------------------------------------------------------------------------------ tests


def test_schema_is_a_valid_draft_2020_12_schema_with_id_and_title() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"]
    assert SCHEMA["title"]


def _property_schemas(schema: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, sub in schema.items():
            yield from _property_schemas(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from _property_schemas(sub, f"{where}[{i}]")


def test_every_property_in_the_schema_has_a_description() -> None:
    properties = list(_property_schemas(SCHEMA))
    assert len(properties) > 30
    undocumented = [
        where
        for where, sub in properties
        if not (sub.get("description") or "").strip() and "if" not in where and "then" not in where
    ]
    assert undocumented == []


def test_schema_version_is_the_engine_schema_version() -> None:
    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("number", "constant"),
    [
        pytest.param(lambda: SCHEMA["properties"]["nodes"]["maxItems"], limits.MAX_NODES, id="nodes"),
        pytest.param(lambda: DEFS["nodeId"]["maxLength"], limits.MAX_NODE_ID_LENGTH, id="id_length"),
        pytest.param(lambda: RETRY["max_attempts"]["maximum"], limits.MAX_ATTEMPTS, id="max_attempts"),
        pytest.param(lambda: RETRY["backoff_base"]["maximum"], limits.MAX_BACKOFF_SECONDS, id="backoff_base"),
        pytest.param(lambda: RETRY["backoff_cap"]["maximum"], limits.MAX_BACKOFF_SECONDS, id="backoff_cap"),
        pytest.param(lambda: NODE["timeout"]["maximum"], limits.MAX_TIMEOUT_SECONDS, id="timeout"),
        pytest.param(lambda: NODE["tags"]["maxItems"], limits.MAX_TAGS, id="tags"),
        pytest.param(lambda: NODE["tags"]["items"]["maxLength"], limits.MAX_TAG_LENGTH, id="tag_length"),
    ],
)
def test_schema_limit_equals_the_limits_module_constant(number: Callable[[], float], constant: float) -> None:
    assert number() == constant


def test_node_id_pattern_is_the_engine_pattern_anchored_at_both_ends() -> None:
    assert DEFS["nodeId"]["pattern"] == "^" + limits.NODE_ID_PATTERN.pattern + r"$(?![\s\S])"


def test_schema_enums_equal_the_engine_enums() -> None:
    assert NODE["run_in"]["enum"] == [member.value for member in RunIn]
    assert NODE["trigger"]["enum"] == [member.value for member in TriggerRule]
    assert DEFS["runParam"]["properties"]["type"]["enum"] == list(validate.PARAM_TYPES)


@pytest.mark.parametrize("build", BUILT_DAGS, ids=lambda build: build.__name__)
def test_canonical_definition_of_a_built_dag_validates(build: Callable[[], DAG]) -> None:
    document = json.loads(build().to_json())
    assert schema_errors(document) == []


def test_literal_example_exercises_every_special_parameter_form() -> None:
    nodes = {node["id"]: node["params"] for node in literal_constants().to_dict()["nodes"]}
    assert nodes["configure"]["spec"] == {"$literal": {"$ref": "not-a-node"}}
    assert nodes["wrapped"]["spec"] == {"$literal": {"$literal": {"$param": "p"}}}
    assert nodes["plain"]["spec"] == {"$ref": "a", "other": 1}
    refs = callables_with_refs_and_ordering().to_dict()["nodes"]
    assert {"$ref": "extract"} in [node["params"].get("x") for node in refs]
    uses = run_params().to_dict()["nodes"]
    assert {"$param": "label"} in [node["params"].get("label") for node in uses]


def test_minimal_document_with_defaults_left_out_is_valid_for_schema_and_engine() -> None:
    document = {
        "schema_version": 1,
        "name": "minimal",
        "nodes": [
            {"id": "wait", "task": {"type": "sleep", "config": {"seconds": 0}}},
            {"id": "done", "task": {"type": "noop"}, "depends_on": ["wait"]},
        ],
    }
    assert schema_errors(document) == []
    assert DAG.from_dict(document).topological_order() == ["wait", "done"]


def _base() -> dict[str, Any]:
    """A valid document: a typed node and a callable node loaded without importing it."""
    return {
        "schema_version": 1,
        "name": "base",
        "description": "",
        "params": {"n": {"type": "integer", "required": False, "default": 3}},
        "nodes": [
            {"id": "a", "task": {"type": "noop", "config": {}}, "params": {"x": {"$param": "n"}}},
            {
                "id": "b",
                "task": {"callable": "some.module:fn"},
                "params": {"v": {"$ref": "a"}},
                "retry": {"max_attempts": 2, "backoff_base": 1.0, "backoff_cap": 5.0, "jitter": 0.1},
                "timeout": 5.0,
                "tags": ["t"],
            },
        ],
    }


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting ``path`` (dots; ``nodes.1`` is the second node) to ``value``."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return mutate


SHAPE_ERRORS = {
    "schema_version_2": _set("schema_version", 2),
    "schema_version_true": _set("schema_version", True),
    "schema_version_missing": _delete("schema_version"),
    "unknown_top_level_field": _set("colour", "red"),
    "name_blank": _set("name", "   "),
    "name_not_string": _set("name", 5),
    "description_not_string": _set("description", ["x"]),
    "nodes_not_list": _set("nodes", {"a": {}}),
    "params_not_object": _set("params", []),
    "param_type_unknown": _set("params.n.type", "int"),
    "param_default_wrong_type": _set("params.n.default", "three"),
    "param_default_bool_for_integer": _set("params.n.default", True),
    "param_required_not_boolean": _set("params.n.required", "no"),
    "param_unknown_field": _set("params.n.colour", "red"),
    "id_with_space": _set("nodes.0.id", "a b"),
    "id_starting_with_dot": _set("nodes.0.id", ".a"),
    "id_with_trailing_newline": _set("nodes.0.id", "a\n"),
    "id_empty": _set("nodes.0.id", ""),
    "id_too_long": _set("nodes.0.id", "a" * (limits.MAX_NODE_ID_LENGTH + 1)),
    "id_not_string": _set("nodes.0.id", 7),
    "task_missing": _delete("nodes.0.task"),
    "task_callable_and_type": _set("nodes.1.task", {"callable": "m:f", "type": "noop"}),
    "task_callable_not_string": _set("nodes.1.task", {"callable": 5}),
    "task_type_extra_field": _set("nodes.0.task", {"type": "noop", "config": {}, "x": 1}),
    "task_config_not_object": _set("nodes.0.task", {"type": "noop", "config": []}),
    "node_unknown_field": _set("nodes.0.colour", "red"),
    "node_params_not_object": _set("nodes.0.params", [1]),
    "depends_on_not_list": _set("nodes.1.depends_on", "a"),
    "depends_on_holds_number": _set("nodes.1.depends_on", [1]),
    "map_over_number": _set("nodes.1.map_over", 5),
    "run_in_gpu": _set("nodes.1.run_in", "gpu"),
    "trigger_unknown": _set("nodes.1.trigger", "sometimes"),
    "ref_to_number": _set("nodes.1.params.v", {"$ref": 5}),
    "param_use_of_number": _set("nodes.0.params.x", {"$param": 5}),
    "retry_not_object": _set("nodes.1.retry", 3),
    "retry_unknown_field": _set("nodes.1.retry.max_attempt", 3),
    "retry_jitter_2": _set("nodes.1.retry.jitter", 2),
    "retry_jitter_negative": _set("nodes.1.retry.jitter", -0.1),
    "retry_max_attempts_0": _set("nodes.1.retry.max_attempts", 0),
    "retry_max_attempts_over_limit": _set("nodes.1.retry.max_attempts", limits.MAX_ATTEMPTS + 1),
    "retry_max_attempts_fraction": _set("nodes.1.retry.max_attempts", 2.5),
    "retry_backoff_base_negative": _set("nodes.1.retry.backoff_base", -1),
    "retry_backoff_cap_over_limit": _set("nodes.1.retry.backoff_cap", limits.MAX_BACKOFF_SECONDS + 1),
    "retry_on_empty_name": _set("nodes.1.retry.retry_on", [""]),
    "timeout_zero": _set("nodes.1.timeout", 0),
    "timeout_negative": _set("nodes.1.timeout", -1.0),
    "timeout_over_limit": _set("nodes.1.timeout", limits.MAX_TIMEOUT_SECONDS + 1),
    "timeout_string": _set("nodes.1.timeout", "5"),
    "tags_string": _set("nodes.1.tags", "t"),
    "tags_too_many": _set("nodes.1.tags", [f"t{i}" for i in range(limits.MAX_TAGS + 1)]),
    "tag_too_long": _set("nodes.1.tags", ["x" * (limits.MAX_TAG_LENGTH + 1)]),
    "tag_empty": _set("nodes.1.tags", [""]),
}


def test_base_document_for_shape_errors_is_valid_for_schema_and_engine() -> None:
    assert schema_errors(_base()) == []
    assert len(DAG.from_dict(_base(), resolve_callables=False)) == 2


@pytest.mark.parametrize("mutate", SHAPE_ERRORS.values(), ids=SHAPE_ERRORS.keys())
def test_shape_error_rejected_by_the_engine_is_rejected_by_the_schema(
    mutate: Callable[[dict[str, Any]], None],
) -> None:
    document = copy.deepcopy(_base())
    mutate(document)
    with pytest.raises((DefinitionError, DAGValidationError)):
        DAG.from_dict(document, resolve_callables=False)
    assert schema_errors(document) != []


ID_ALPHABET = st.sampled_from([*"aZ09_.:-", " ", "\n", "é", "/", "$"])


@settings(max_examples=300, deadline=None)
@given(st.text(ID_ALPHABET, max_size=limits.MAX_NODE_ID_LENGTH + 2) | st.from_regex(limits.NODE_ID_PATTERN))
def test_schema_accepts_a_node_id_exactly_when_the_engine_does(node_id: str) -> None:
    engine_accepts = (
        len(node_id) <= limits.MAX_NODE_ID_LENGTH and limits.NODE_ID_PATTERN.fullmatch(node_id) is not None
    )
    document = {"schema_version": 1, "name": "ids", "nodes": [{"id": node_id, "task": {"type": "noop"}}]}
    assert (schema_errors(document) == []) is engine_accepts


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
JSON_KEYS = st.sampled_from(["$ref", "$param", "$literal"]) | st.text(max_size=4)
JSON_VALUES = st.recursive(
    JSON_SCALARS | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_KEYS, inner, max_size=2),
    max_leaves=8,
)
NODE_IDS = st.from_regex(limits.NODE_ID_PATTERN, fullmatch=True).filter(
    lambda s: len(s) <= limits.MAX_NODE_ID_LENGTH
)
RETRY_POLICIES = st.builds(
    lambda attempts, base, extra, jitter, names: RetryPolicy(
        attempts, base, min(base + extra, 86_400.0), jitter, names
    ),
    st.integers(1, limits.MAX_ATTEMPTS),
    st.floats(0, limits.MAX_BACKOFF_SECONDS),
    st.floats(0, limits.MAX_BACKOFF_SECONDS),
    st.floats(0, 1),
    st.lists(st.text(min_size=1, max_size=10), max_size=3).map(tuple),
)


@st.composite
def random_dags(draw: st.DrawFn) -> DAG:
    ids = draw(st.lists(NODE_IDS, min_size=1, max_size=6, unique=True))
    nodes = []
    for position, nid in enumerate(ids):
        earlier = ids[:position]
        params: dict[str, Any] = draw(
            st.dictionaries(st.text(min_size=1, max_size=5), JSON_VALUES, max_size=3)
        )
        if earlier and draw(st.booleans()):
            params["upstream"] = Ref(draw(st.sampled_from(earlier)))
        if draw(st.booleans()):
            params["run_param"] = Param("p")
        nodes.append(
            Node(
                id=nid,
                task=TypedTask("noop", {"result": draw(JSON_VALUES)}),
                params=params,
                depends_on=tuple(draw(st.lists(st.sampled_from(earlier), max_size=2))) if earlier else (),
                retry=draw(RETRY_POLICIES),
                timeout=draw(st.none() | st.floats(1e-6, limits.MAX_TIMEOUT_SECONDS)),
                tags=tuple(
                    draw(
                        st.lists(
                            st.text(min_size=1, max_size=limits.MAX_TAG_LENGTH), max_size=limits.MAX_TAGS
                        )
                    )
                ),
                run_in=draw(st.sampled_from(list(RunIn))),
                trigger=draw(st.sampled_from(list(TriggerRule))),
            )
        )
    spec = ParamSpec(
        draw(st.sampled_from(["any", "array", "object", "string"])), required=draw(st.booleans())
    )
    return DAG.create(draw(st.text(min_size=1).filter(str.strip)), nodes, params={"p": spec})


@settings(max_examples=60, deadline=None)
@given(random_dags())
def test_canonical_definition_of_any_valid_dag_validates(dag: DAG) -> None:
    assert schema_errors(json.loads(dag.to_json())) == []
