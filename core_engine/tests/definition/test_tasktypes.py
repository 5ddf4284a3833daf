"""Task types and their registry: ``sleep`` and ``noop``, config checks, custom types in DAGs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import pytest

from core_engine import DAG, DAGBuilder, DAGValidationError, TaskType, TaskTypeRegistry, TypedTask
from core_engine.limits import MAX_TIMEOUT_SECONDS
from core_engine.tasktypes import DEFAULT_REGISTRY, NoopTask, SleepTask, TaskCallable


class ShoutTask:
    """A custom type: upper-cases a configured word."""

    name = "shout"
    description = "Upper-case a word."
    config_schema: Mapping[str, Any] = {"type": "object", "properties": {"word": {"type": "string"}}}

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [] if isinstance(config.get("word"), str) else [("word", "must be a string")]

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        word = str(config["word"])

        async def shout(**_params: Any) -> str:
            return word.upper()

        return shout


def test_builtin_registry_holds_command_sleep_and_noop() -> None:
    registry = TaskTypeRegistry.builtin()
    assert registry.names() == ["command", "noop", "sleep"]
    assert [t.name for t in registry] == ["command", "noop", "sleep"]
    assert "sleep" in registry
    assert "http" not in registry
    assert isinstance(registry.get("sleep"), SleepTask)
    assert registry.get("http") is None


def test_builtin_returns_a_fresh_registry_each_time() -> None:
    registry = TaskTypeRegistry.builtin()
    registry.register(ShoutTask())
    assert "shout" not in TaskTypeRegistry.builtin()
    assert "shout" not in DEFAULT_REGISTRY


def test_registering_a_taken_name_raises_value_error() -> None:
    registry = TaskTypeRegistry.builtin()
    with pytest.raises(ValueError, match="'noop' is already registered"):
        registry.register(NoopTask())


def test_registry_iterates_in_name_order() -> None:
    registry = TaskTypeRegistry({"shout": ShoutTask(), "noop": NoopTask()})
    assert [t.name for t in registry] == ["noop", "shout"]


@pytest.mark.parametrize("task_type", [SleepTask(), NoopTask(), ShoutTask()])
def test_task_types_satisfy_the_protocol(task_type: Any) -> None:
    assert isinstance(task_type, TaskType)
    assert task_type.config_schema["type"] == "object"
    assert task_type.description


@pytest.mark.parametrize("config", [{"seconds": 0}, {"seconds": 1.5}, {"seconds": MAX_TIMEOUT_SECONDS}])
def test_sleep_accepts_seconds_in_range(config: dict[str, Any]) -> None:
    assert SleepTask().config_problems(config) == []


@pytest.mark.parametrize(
    ("config", "fields"),
    [
        ({}, ["seconds"]),
        ({"seconds": -0.1}, ["seconds"]),
        ({"seconds": MAX_TIMEOUT_SECONDS + 1}, ["seconds"]),
        ({"seconds": True}, ["seconds"]),
        ({"seconds": "1"}, ["seconds"]),
        ({"seconds": 1, "b": 1, "a": 2}, ["a", "b"]),
    ],
)
def test_sleep_reports_each_bad_config_field(config: dict[str, Any], fields: list[str]) -> None:
    assert [f for f, _ in SleepTask().config_problems(config)] == fields


async def test_sleep_waits_the_configured_seconds_and_returns_none() -> None:
    run = SleepTask().bind({"seconds": 0.05})
    started = time.monotonic()
    assert await run(any_param=1) is None
    assert time.monotonic() - started >= 0.04


async def test_sleep_can_be_cancelled_while_waiting() -> None:
    pending = asyncio.ensure_future(SleepTask().bind({"seconds": 10})())
    await asyncio.sleep(0.01)
    pending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await pending


def test_noop_accepts_only_result() -> None:
    assert NoopTask().config_problems({}) == []
    assert NoopTask().config_problems({"result": [1]}) == []
    assert [f for f, _ in NoopTask().config_problems({"result": 1, "x": 2})] == ["x"]


async def test_noop_returns_its_configured_result() -> None:
    assert await NoopTask().bind({"result": {"a": 1}})(ignored=True) == {"a": 1}
    assert await NoopTask().bind({})() is None


def test_dag_with_a_custom_registry_accepts_its_types() -> None:
    registry = TaskTypeRegistry({"shout": ShoutTask()})
    b = DAGBuilder("d")
    b.add_node("n", TypedTask("shout", {"word": "hi"}))
    dag = b.build(registry=registry)
    assert dag.node("n").task == TypedTask("shout", {"word": "hi"})
    assert DAG.create("d", dag.nodes, registry=registry) == dag


def test_custom_type_config_problems_are_reported_on_the_node() -> None:
    registry = TaskTypeRegistry({"shout": ShoutTask()})
    b = DAGBuilder("d")
    b.add_node("n", TypedTask("shout", {"word": 3}))
    with pytest.raises(DAGValidationError) as info:
        b.build(registry=registry)
    (issue,) = info.value.issues
    assert (issue.code, issue.node_id, issue.field) == ("invalid_config", "n", "task.config.word")
    assert issue.message == "config.word must be a string"


def test_builtin_types_are_unknown_to_a_registry_without_them() -> None:
    b = DAGBuilder("d")
    b.add_node("n", TypedTask("sleep", {"seconds": 1}))
    with pytest.raises(DAGValidationError) as info:
        b.build(registry=TaskTypeRegistry({"shout": ShoutTask()}))
    assert [(i.code, i.suggestion) for i in info.value.issues] == [
        ("unknown_task_type", "known types: shout")
    ]
