"""The engine's errors carry the data a caller needs: node ids, fields, suggestions, locations."""

from __future__ import annotations

from core_engine import (
    DAGValidationError,
    DefinitionError,
    NodeTimeoutError,
    ParamsError,
    SkipNode,
    ValidationIssue,
)


def test_issue_text_names_code_node_field_and_suggestion() -> None:
    issue = ValidationIssue(
        "unknown_dependency", "depends on 'x'", "load", "params.rows", "did you mean 'y'?"
    )
    assert (
        str(issue)
        == "[unknown_dependency] node 'load', field 'params.rows': depends on 'x' (did you mean 'y'?)"
    )


def test_dag_level_issue_text_says_dag() -> None:
    assert str(ValidationIssue("empty_name", "needs a name")) == "[empty_name] DAG: needs a name"


def test_issue_to_dict_is_json_ready() -> None:
    issue = ValidationIssue("cycle", "a -> b -> a", "a", "depends_on", "remove one", ("a", "b", "a"))
    assert issue.to_dict() == {
        "code": "cycle",
        "message": "a -> b -> a",
        "node_id": "a",
        "field": "depends_on",
        "suggestion": "remove one",
        "path": ["a", "b", "a"],
    }


def test_validation_error_keeps_its_issues_and_lists_them() -> None:
    issues = [ValidationIssue("a", "first", "n1"), ValidationIssue("b", "second")]
    error = DAGValidationError(issues, "etl")
    assert error.issues == tuple(issues)
    assert error.dag_name == "etl"
    assert str(error) == "DAG 'etl' is invalid: 2 problems\n  - [a] node 'n1': first\n  - [b] DAG: second"


def test_validation_error_without_a_name() -> None:
    assert str(DAGValidationError([ValidationIssue("x", "m")])) == "DAG is invalid: 1 problem\n  - [x] DAG: m"


def test_definition_error_prefixes_its_location() -> None:
    error = DefinitionError("bad value", "nodes[3].retry")
    assert error.location == "nodes[3].retry"
    assert str(error) == "nodes[3].retry: bad value"
    assert str(DefinitionError("bad")) == "bad"
    assert isinstance(error, ValueError)


def test_params_error_lists_problems_sorted_by_name() -> None:
    error = ParamsError({"z": "unknown", "a": "required"})
    assert error.problems == {"z": "unknown", "a": "required"}
    assert str(error) == "invalid run parameters: a: required; z: unknown"


def test_skip_node_carries_its_reason() -> None:
    assert SkipNode("no data").reason == "no data"
    assert SkipNode().reason == ""


def test_node_timeout_error_names_the_node_and_seconds() -> None:
    error = NodeTimeoutError("fetch", 2.5)
    assert (error.node_id, error.timeout) == ("fetch", 2.5)
    assert str(error) == "node 'fetch' timed out after 2.5 s"
    assert isinstance(error, TimeoutError)
