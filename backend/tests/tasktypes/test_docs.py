"""docs/task-types.md stays true: its JSON examples are valid configs, its tables name every
config field of every type and quote the defaults the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core_engine.tasktypes.command import MAX_LOG_TAIL_LINES, MAX_OUTPUT_BYTES
from core_engine.tasktypes.process import DEFAULT_MAX_OUTPUT_BYTES
from open_backend.settings import Environment, Settings
from open_backend.tasktypes import platform_registry
from open_backend.tasktypes.http import DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES, MAX_TIMEOUT_S

DOC = (Path(__file__).resolve().parents[3] / "docs" / "task-types.md").read_text(encoding="utf-8")
REGISTRY = platform_registry(Settings(env=Environment.TEST))


def test_every_json_example_is_a_valid_config_of_its_type() -> None:
    examples = [
        json.loads(code) for code in re.findall(r"^```json\n(.*?)^```$", DOC, re.DOTALL | re.MULTILINE)
    ]
    assert {example["type"] for example in examples} == {"command", "python", "http"}
    for example in examples:
        task_type = REGISTRY.get(example["type"])
        assert task_type is not None
        assert task_type.config_problems(example["config"]) == [], example


def test_every_config_field_has_a_row() -> None:
    for task_type in REGISTRY:
        for field in task_type.config_schema["properties"]:
            assert f"| `{field}` |" in DOC, (task_type.name, field)


def test_the_limits_quoted_are_the_codes() -> None:
    for value in (DEFAULT_MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES, MAX_LOG_TAIL_LINES, DEFAULT_MAX_RESPONSE_BYTES):
        assert str(value) in DOC
    assert str(MAX_RESPONSE_BYTES) in DOC
    assert f"(0, {MAX_TIMEOUT_S:g}]" in DOC
