"""Run parameters: defaults, required values, types and unknown names."""

from __future__ import annotations

from typing import Any

import pytest

from core_engine import DAGBuilder, Param, ParamsError, ParamSpec, execute, run
from core_engine.execution import resolve_params


async def _echo(**values: Any) -> dict[str, Any]:
    return values


def _dag() -> Any:
    b = DAGBuilder(
        "params",
        params={
            "n": ParamSpec("integer", default=3),
            "name": ParamSpec("string", required=True),
            "ratio": ParamSpec("number", default=0.5),
        },
    )
    b.add_node("echo", _echo, {"n": Param("n"), "name": Param("name"), "ratio": Param("ratio")})
    return b.build()


async def test_declared_defaults_fill_in_missing_parameters() -> None:
    result = await execute(_dag(), {"name": "x"})
    assert result.results["echo"] == {"n": 3, "name": "x", "ratio": 0.5}
    assert result.events[0].params == {"n": 3, "name": "x", "ratio": 0.5}
    assert result.state.params == {"n": 3, "name": "x", "ratio": 0.5}


async def test_given_parameters_override_defaults() -> None:
    result = await execute(_dag(), {"name": "y", "n": 10, "ratio": 2})
    assert result.results["echo"] == {"n": 10, "name": "y", "ratio": 2}


def test_missing_required_parameter_raises_params_error_naming_it() -> None:
    with pytest.raises(ParamsError) as info:
        run(_dag(), {})
    assert info.value.problems == {"name": "is required"}
    assert "name: is required" in str(info.value)


def test_parameter_of_the_wrong_type_raises_params_error_naming_it() -> None:
    with pytest.raises(ParamsError) as info:
        run(_dag(), {"name": "x", "n": "three"})
    assert info.value.problems == {"n": "must be of type integer, got str"}


def test_boolean_is_not_accepted_as_an_integer_parameter() -> None:
    with pytest.raises(ParamsError) as info:
        run(_dag(), {"name": "x", "n": True})
    assert set(info.value.problems) == {"n"}


def test_unknown_parameter_raises_params_error_naming_it() -> None:
    with pytest.raises(ParamsError) as info:
        run(_dag(), {"name": "x", "colour": "red"})
    assert info.value.problems == {"colour": "is not a parameter of this DAG"}


def test_every_parameter_problem_is_reported_at_once() -> None:
    with pytest.raises(ParamsError) as info:
        resolve_params(_dag().params, {"n": 1.5, "extra": 1})
    assert set(info.value.problems) == {"n", "extra", "name"}


def test_dag_without_parameters_accepts_none() -> None:
    assert resolve_params({}, None) == {}
