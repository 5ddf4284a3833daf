"""The ``command`` config: every field's checks, its schema, its parsed form and environment."""

from __future__ import annotations

import os
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core_engine import DAG, DAGValidationError
from core_engine.tasktypes import CommandTask
from core_engine.tasktypes.command import MAX_LOG_TAIL_LINES, MAX_OUTPUT_BYTES, config_problems
from core_engine.tasktypes.process import DEFAULT_LOG_TAIL_LINES, DEFAULT_MAX_OUTPUT_BYTES, CommandConfig

VALID: list[dict[str, Any]] = [
    {"argv": ["true"]},
    {"argv": ["/usr/bin/env", "python3", "-c", "print(1)"], "env": {"A": "1", "B": ""}},
    {"argv": ["x"], "inherit_env": True, "cwd": "/tmp", "max_output_bytes": 1, "log_tail_lines": 0},
    {"argv": ["x"], "max_output_bytes": MAX_OUTPUT_BYTES, "log_tail_lines": MAX_LOG_TAIL_LINES},
]


@pytest.mark.parametrize("config", VALID)
def test_valid_configs_have_no_problems_and_fit_the_schema(config: dict[str, Any]) -> None:
    assert CommandTask().config_problems(config) == []
    assert list(Draft202012Validator(CommandTask.config_schema).iter_errors(config)) == []


@pytest.mark.parametrize(
    ("config", "problems"),
    [
        ({}, [("argv", "must be a non-empty list of strings: the program, then its arguments")]),
        (
            {"argv": "ls -l"},
            [("argv", "must be a non-empty list of strings: the program, then its arguments")],
        ),
        ({"argv": []}, [("argv", "must be a non-empty list of strings: the program, then its arguments")]),
        (
            {"argv": ["ls", 1]},
            [("argv", "must be a non-empty list of strings: the program, then its arguments")],
        ),
        ({"argv": [""]}, [("argv", "must start with the program's name or path, not an empty string")]),
        ({"argv": ["ls", "a\0b"]}, [("argv", "must not contain NUL characters")]),
        ({"argv": ["ls"], "env": ["A=1"]}, [("env", "must be an object of variable names to string values")]),
        ({"argv": ["ls"], "env": {"A": 1}}, [("env.A", "must be a string without NUL characters")]),
        ({"argv": ["ls"], "env": {"A": "\0"}}, [("env.A", "must be a string without NUL characters")]),
        (
            {"argv": ["ls"], "env": {"A=B": "1", "": "2"}},
            [
                ("env.", "is not a valid variable name (empty, or with '=' or NUL)"),
                ("env.A=B", "is not a valid variable name (empty, or with '=' or NUL)"),
            ],
        ),
        ({"argv": ["ls"], "inherit_env": "yes"}, [("inherit_env", "must be true or false")]),
        (
            {"argv": ["ls"], "cwd": ""},
            [("cwd", "must be a non-empty string, the program's working directory")],
        ),
        (
            {"argv": ["ls"], "cwd": 3},
            [("cwd", "must be a non-empty string, the program's working directory")],
        ),
        ({"argv": ["ls"], "cwd": "/a\0"}, [("cwd", "must not contain NUL characters")]),
        (
            {"argv": ["ls"], "max_output_bytes": 0},
            [("max_output_bytes", f"must be an integer in [1, {MAX_OUTPUT_BYTES}]")],
        ),
        (
            {"argv": ["ls"], "max_output_bytes": MAX_OUTPUT_BYTES + 1},
            [("max_output_bytes", f"must be an integer in [1, {MAX_OUTPUT_BYTES}]")],
        ),
        (
            {"argv": ["ls"], "max_output_bytes": 1.5},
            [("max_output_bytes", f"must be an integer in [1, {MAX_OUTPUT_BYTES}]")],
        ),
        (
            {"argv": ["ls"], "max_output_bytes": True},
            [("max_output_bytes", f"must be an integer in [1, {MAX_OUTPUT_BYTES}]")],
        ),
        (
            {"argv": ["ls"], "log_tail_lines": -1},
            [("log_tail_lines", f"must be an integer in [0, {MAX_LOG_TAIL_LINES}]")],
        ),
        (
            {"argv": ["ls"], "log_tail_lines": MAX_LOG_TAIL_LINES + 1},
            [("log_tail_lines", f"must be an integer in [0, {MAX_LOG_TAIL_LINES}]")],
        ),
        (
            {"argv": ["ls"], "shell": True, "timeout": 3},
            [
                ("shell", "is not a config field of 'command'"),
                ("timeout", "is not a config field of 'command'"),
            ],
        ),
    ],
)
def test_every_bad_field_is_a_problem(config: dict[str, Any], problems: list[tuple[str, str]]) -> None:
    assert config_problems(config) == problems


def test_the_schema_describes_exactly_the_accepted_fields() -> None:
    schema = CommandTask.config_schema
    Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == {
        "argv",
        "env",
        "inherit_env",
        "cwd",
        "max_output_bytes",
        "log_tail_lines",
    }
    assert schema["required"] == ["argv"]
    assert schema["properties"]["max_output_bytes"]["default"] == DEFAULT_MAX_OUTPUT_BYTES == 16 * 1024 * 1024
    assert schema["properties"]["log_tail_lines"]["default"] == DEFAULT_LOG_TAIL_LINES == 20
    assert all(field["description"] for field in schema["properties"].values())


def test_a_bad_config_in_a_definition_names_the_node_and_field() -> None:
    definition = {
        "schema_version": 1,
        "name": "bad",
        "nodes": [{"id": "build", "task": {"type": "command", "config": {"argv": [], "cwd": ""}}}],
    }
    with pytest.raises(DAGValidationError) as caught:
        DAG.from_dict(definition)
    assert [(i.code, i.node_id, i.field) for i in caught.value.issues] == [
        ("invalid_config", "build", "task.config.argv"),
        ("invalid_config", "build", "task.config.cwd"),
    ]


def test_parse_fills_the_defaults() -> None:
    spec = CommandConfig.parse({"argv": ["prog", "arg"]})
    assert spec == CommandConfig(argv=("prog", "arg"))
    assert (spec.program, spec.inherit_env, spec.cwd) == ("prog", False, None)
    assert (spec.max_output_bytes, spec.log_tail_lines) == (DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_LOG_TAIL_LINES)


def test_the_parsed_config_is_frozen() -> None:
    spec = CommandConfig.parse({"argv": ["prog"], "env": {"A": "1"}})
    with pytest.raises(AttributeError):
        spec.cwd = "/"  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.env["B"] = "2"  # type: ignore[index]


WORKER = {"PATH": "/bin", "HOME": "/root", "LANG": "C.UTF-8", "SECRET": "s", "LC_ALL": "C"}


def test_the_minimal_environment_keeps_path_home_and_lang_then_env() -> None:
    spec = CommandConfig.parse({"argv": ["x"], "env": {"LANG": "fr_FR.UTF-8", "X": "1"}})
    assert spec.environment(WORKER) == {"PATH": "/bin", "HOME": "/root", "LANG": "fr_FR.UTF-8", "X": "1"}


def test_the_minimal_environment_has_a_default_path() -> None:
    assert CommandConfig.parse({"argv": ["x"]}).environment({}) == {"PATH": os.defpath}


def test_inherit_env_starts_from_the_whole_worker_environment() -> None:
    spec = CommandConfig.parse({"argv": ["x"], "inherit_env": True, "env": {"SECRET": "replaced"}})
    assert spec.environment(WORKER) == {**WORKER, "SECRET": "replaced"}
