"""The platform registry: built-in and platform types, entry-point discovery from a real
distribution on ``sys.path``, broken entry points skipped, and validation of definitions."""

from __future__ import annotations

import logging
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from core_engine.tasktypes import CommandTask
from open_backend.services import dags
from open_backend.settings import Environment, Settings
from open_backend.tasktypes import (
    ENTRY_POINT_GROUP,
    HttpTask,
    PythonTask,
    discover_task_types,
    platform_registry,
    registry_for,
)

PLUGIN = """
    from typing import Any


    class Shout:
        name = "shout"
        description = "Upper-case the configured word."
        config_schema = {"type": "object", "properties": {"word": {"type": "string"}}}

        def config_problems(self, config):
            return [] if isinstance(config.get("word"), str) else [("word", "must be a string")]

        def bind(self, config):
            async def shout(**_params: Any) -> str:
                return config["word"].upper()

            return shout


    class Whisper(Shout):
        name = "whisper"


    WHISPER = Whisper()


    class Exploding(Shout):
        name = "exploding"

        def __init__(self):
            raise RuntimeError("cannot build")


    class Http(Shout):
        name = "http"


    NOT_A_TYPE = 42
"""

#: Makes a distribution in a folder on ``sys.path``: ``(entry points, module source) -> module``.
MakeDist = Callable[[dict[str, str], str], str]


@pytest.fixture
def make_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeDist:
    """Writes a module and a ``*.dist-info`` declaring ``entry points`` in the task-type group,
    the way an installed wheel does, on a fresh ``sys.path`` folder."""

    def make(entry_points: dict[str, str], source: str) -> str:
        module = f"open_plugin_{uuid.uuid4().hex[:10]}"
        root = tmp_path / module
        root.mkdir()
        (root / f"{module}.py").write_text(textwrap.dedent(source))
        info = root / f"{module}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
        lines = [f"{name} = {target.format(module=module)}" for name, target in entry_points.items()]
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n" + "\n".join(lines) + "\n")
        monkeypatch.syspath_prepend(str(root))
        return module

    return make


SETTINGS = Settings(env=Environment.TEST, allowed_callable_modules="json, statistics")


def test_the_platform_registry_holds_the_engine_and_platform_types() -> None:
    registry = platform_registry(SETTINGS)
    assert registry.names() == ["command", "http", "noop", "python", "sleep"]
    assert isinstance(registry.get("command"), CommandTask)
    assert isinstance(registry.get("http"), HttpTask)
    python = registry.get("python")
    assert isinstance(python, PythonTask)
    assert python.allowed_modules == ("json", "statistics")


def test_each_call_builds_a_fresh_registry() -> None:
    assert platform_registry(SETTINGS) is not platform_registry(SETTINGS)


def test_an_entry_point_class_or_instance_becomes_a_task_type(make_distribution: MakeDist) -> None:
    make_distribution({"shout": "{module}:Shout", "whisper": "{module}:WHISPER"}, PLUGIN)
    registry = platform_registry(SETTINGS)
    assert registry.names() == ["command", "http", "noop", "python", "shout", "sleep", "whisper"]
    shout = registry.get("shout")
    assert shout is not None and shout.config_problems({"word": 1}) == [("word", "must be a string")]


async def test_a_discovered_type_runs(make_distribution: MakeDist) -> None:
    make_distribution({"shout": "{module}:Shout"}, PLUGIN)
    shout = platform_registry(SETTINGS).get("shout")
    assert shout is not None
    assert await shout.bind({"word": "hey"})() == "HEY"


def test_broken_entry_points_are_logged_and_skipped(
    make_distribution: MakeDist, caplog: pytest.LogCaptureFixture
) -> None:
    module = make_distribution(
        {
            "a_missing_module": "open_no_such_module_xyz:Shout",
            "b_missing_attribute": "{module}:Nothing",
            "c_exploding": "{module}:Exploding",
            "d_not_a_type": "{module}:NOT_A_TYPE",
            "e_taken_name": "{module}:Http",
            "f_good": "{module}:Shout",
        },
        PLUGIN,
    )
    with caplog.at_level(logging.ERROR, logger="open_backend.tasktypes.registry"):
        registry = platform_registry(SETTINGS)
    assert registry.names() == ["command", "http", "noop", "python", "shout", "sleep"]
    assert isinstance(registry.get("http"), HttpTask)  # not replaced
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "task type entry point 'a_missing_module' (open_no_such_module_xyz:Shout) could not be loaded; "
        "skipped",
        f"task type entry point 'b_missing_attribute' ({module}:Nothing) could not be loaded; skipped",
        f"task type entry point 'c_exploding' ({module}:Exploding) could not be loaded; skipped",
        f"task type entry point 'd_not_a_type' ({module}:NOT_A_TYPE) is not a task type: it lacks name, "
        "description, config_schema, config_problems or bind; skipped",
        "task type 'http' from an entry point of open.task_types is already registered; skipped",
    ]
    assert "cannot build" in caplog.text  # the traceback of the failure is logged


def test_discovery_reads_only_its_group(make_distribution: MakeDist) -> None:
    make_distribution({"shout": "{module}:Shout"}, PLUGIN)
    assert discover_task_types("open.some_other_group") == []
    assert [t.name for t in discover_task_types()] == ["shout"]
    assert registry_for(()).names() == ["command", "http", "noop", "python", "shout", "sleep"]


def test_definitions_are_validated_against_the_platform_types() -> None:
    limits = dags.DefinitionLimits.from_settings(SETTINGS)
    definition = {
        "schema_version": 1,
        "name": "platform",
        "nodes": [
            {"id": "fetch", "task": {"type": "http", "config": {"url": "https://example.org/{id}"}}},
            {"id": "mean", "task": {"type": "python", "config": {"function": "statistics:mean"}}},
            {"id": "native", "task": {"type": "command", "config": {"argv": ["./model", "--fast"]}}},
        ],
    }
    assert dags.check_definition(definition, limits).issues == ()
    broken = {
        **definition,
        "nodes": [
            {"id": "fetch", "task": {"type": "http", "config": {"url": "ftp://x"}}},
            {"id": "mean", "task": {"type": "python", "config": {"function": "statistics.mean"}}},
        ],
    }
    issues = dags.check_definition(broken, limits).issues
    assert [(i.code, i.node_id, i.field) for i in issues] == [
        ("invalid_config", "fetch", "task.config.url"),
        ("invalid_config", "mean", "task.config.function"),
    ]


def test_the_validation_registry_is_shared_per_allow_list() -> None:
    assert dags.task_types(SETTINGS) is dags.task_types(SETTINGS)
    other = Settings(env=Environment.TEST, allowed_callable_modules="json")
    assert dags.task_types(other) is not dags.task_types(SETTINGS)
    assert dags.DefinitionLimits.from_settings(SETTINGS).task_types is dags.task_types(SETTINGS)


def test_default_limits_validate_with_the_engine_types_only() -> None:
    limits = dags.DefinitionLimits(max_bytes=1 << 16, max_nodes=10)
    definition = {
        "schema_version": 1,
        "name": "engine-only",
        "nodes": [{"id": "fetch", "task": {"type": "http", "config": {"url": "https://example.org/"}}}],
    }
    [issue] = dags.check_definition(definition, limits).issues
    assert (issue.code, issue.suggestion) == ("unknown_task_type", "known types: command, noop, sleep")
    assert dags.check_definition(definition, limits, registry_for(())).issues == ()
