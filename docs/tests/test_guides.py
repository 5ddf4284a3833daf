"""The code of the hand-written guides runs: every ```python block of defining-dags.md and
native-workers.md is executed on its own, and every JSON block is valid (a whole definition
against the JSON Schema and the engine, a node inside a minimal definition).
"""

from __future__ import annotations

import json
import linecache
import sys
import types
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core_engine import DAG

from ._markdown import DOCS, blocks, read

GUIDES = ["defining-dags.md", "native-workers.md"]
SCHEMA = json.loads(read("dag-definition.schema.json"))


def _cases(lang: str) -> list[tuple[str, str]]:
    out = []
    for guide in GUIDES:
        for index, block in enumerate(blocks(read(guide), lang), start=1):
            out.append((f"{guide.removesuffix('.md')}-{index}", block.code))
    return out


PYTHON = _cases("python")
JSON = _cases("json")


def test_each_guide_has_runnable_examples() -> None:
    assert {case.split("-")[0] for case, _ in PYTHON} >= {"defining", "native"}
    assert len(PYTHON) >= 8


@pytest.mark.parametrize("code", [code for _, code in PYTHON], ids=[name for name, _ in PYTHON])
def test_python_example_runs(code: str, request: pytest.FixtureRequest) -> None:
    # A real module in sys.modules, so callables the example defines resolve by import path.
    name = "docs_guide_" + request.node.callspec.id.replace("-", "_")
    module = types.ModuleType(name)
    sys.modules[name] = module
    filename = f"<docs example {request.node.callspec.id}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    try:
        exec(compile(code, filename, "exec"), module.__dict__)
    finally:
        del sys.modules[name]


def _definition(document: dict[str, Any]) -> dict[str, Any]:
    if "schema_version" in document:
        return document
    upstream = [{"id": "make_chunk", "task": {"type": "noop", "config": {"result": {"lo": 0, "hi": 10}}}}]
    return {"schema_version": 1, "name": "snippet", "nodes": [*upstream, document]}


@pytest.mark.parametrize("code", [code for _, code in JSON], ids=[name for name, _ in JSON])
def test_json_example_is_a_valid_definition_or_node(code: str) -> None:
    document = _definition(json.loads(code))
    validator = Draft202012Validator(SCHEMA)
    assert [error.message for error in validator.iter_errors(document)] == []
    DAG.from_dict(document, resolve_callables=False)


def test_the_readme_links_every_guide() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    guides = sorted(path.name for path in DOCS.glob("*.md"))
    assert "getting-started.md" in guides
    assert [name for name in guides if f"(docs/{name})" not in readme] == []
