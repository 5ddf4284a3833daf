"""The engine's task-type package: its public names, the built-in registry with ``command``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core_engine import DAG, DAGBuilder, TypedTask, run
from core_engine.cli import main
from core_engine.tasktypes import (
    DEFAULT_REGISTRY,
    CommandFailed,
    CommandTask,
    NoopTask,
    SleepTask,
    TaskCallable,
    TaskType,
    TaskTypeRegistry,
)


def test_the_public_names_are_exported() -> None:
    import core_engine.tasktypes as package

    assert sorted(package.__all__) == sorted(
        [
            "DEFAULT_REGISTRY",
            "CommandFailed",
            "CommandTask",
            "NoopTask",
            "SleepTask",
            "TaskCallable",
            "TaskType",
            "TaskTypeRegistry",
        ]
    )
    assert TaskCallable is not None and issubclass(CommandFailed, Exception)


def test_the_builtin_registry_holds_command_noop_and_sleep() -> None:
    registry = TaskTypeRegistry.builtin()
    assert registry.names() == ["command", "noop", "sleep"]
    assert isinstance(registry.get("command"), CommandTask)
    assert isinstance(registry.get("noop"), NoopTask)
    assert isinstance(registry.get("sleep"), SleepTask)
    assert DEFAULT_REGISTRY.names() == ["command", "noop", "sleep"]


@pytest.mark.parametrize("task_type", [CommandTask(), NoopTask(), SleepTask()])
def test_the_builtin_types_satisfy_the_protocol(task_type: Any) -> None:
    assert isinstance(task_type, TaskType)
    assert task_type.config_schema["type"] == "object"
    assert task_type.config_schema["additionalProperties"] is False
    assert task_type.description


def test_a_command_node_built_in_python_runs_with_the_default_registry() -> None:
    with DAGBuilder("py-command") as b:
        b.add_node("hello", TypedTask("command", {"argv": ["echo", '"hello"']}))
    dag = b.build()
    assert run(dag).results == {"hello": "hello"}
    assert DAG.from_json(dag.to_json()) == dag


def test_the_cli_runs_command_nodes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    definition = {
        "schema_version": 1,
        "name": "cli-command",
        "nodes": [
            {"id": "shell", "task": {"type": "command", "config": {"argv": ["sh", "-c", "echo '[1, 2]'"]}}}
        ],
    }
    path = tmp_path / "dag.json"
    path.write_text(json.dumps(definition))
    assert main(["run", str(path), "--json", "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out)["state"]["nodes"]["shell"]["result"] == [1, 2]
