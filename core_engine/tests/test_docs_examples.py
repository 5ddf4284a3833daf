"""The code in docs/ runs: every ```python block of the guide and of events.md is executed on its
own, every JSON definition in the guide is valid for the schema and the engine, every JSON event
in events.md reads back unchanged, and the guide names every validation rule and limit.
"""

from __future__ import annotations

import json
import linecache
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core_engine import DAG, event_from_dict, event_to_dict, limits
from core_engine import validate as validate_module

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = (DOCS / "core-engine.md").read_text(encoding="utf-8")
EVENTS = (DOCS / "events.md").read_text(encoding="utf-8")
SCHEMA = json.loads((DOCS / "dag-definition.schema.json").read_text(encoding="utf-8"))

FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<code>.*?)^```$", re.DOTALL | re.MULTILINE)
HEADING = re.compile(r"^#+ (?P<title>.+)$", re.MULTILINE)


def blocks(text: str, lang: str) -> list[tuple[str, str]]:
    """``(id, code)`` of every fenced block in ``lang``; the id is the section's slug and a count."""
    out = []
    counts: dict[str, int] = {}
    for match in FENCE.finditer(text):
        if match["lang"] != lang:
            continue
        headings = [h["title"] for h in HEADING.finditer(text, 0, match.start())]
        slug = re.sub(r"[^a-z0-9]+", "-", headings[-1].lower()).strip("-") if headings else "top"
        counts[slug] = counts.get(slug, 0) + 1
        out.append((f"{slug}-{counts[slug]}", match["code"]))
    return out


def sections_with_python(text: str) -> set[str]:
    """Titles of the ``## `` sections holding at least one ```python block."""
    found = set()
    titles = [(m.start(), m["title"]) for m in re.finditer(r"^## (?P<title>.+)$", text, re.MULTILINE)]
    for match in FENCE.finditer(text):
        if match["lang"] == "python":
            before = [title for start, title in titles if start < match.start()]
            if before:
                found.add(before[-1])
    return found


PYTHON_BLOCKS = blocks(GUIDE, "python") + [(f"events-{i}", code) for i, code in blocks(EVENTS, "python")]


def test_guide_has_a_python_example_in_every_main_section() -> None:
    assert sections_with_python(GUIDE) >= {
        "Quick start",
        "Defining DAGs in Python",
        "Defining DAGs in JSON",
        "Validation",
        "Planning",
        "Execution",
        "Events and replay",
        "Task types",
    }
    assert len(PYTHON_BLOCKS) >= 20


@pytest.mark.parametrize("code", [code for _, code in PYTHON_BLOCKS], ids=[i for i, _ in PYTHON_BLOCKS])
def test_python_example_runs(code: str, request: pytest.FixtureRequest) -> None:
    # A real module in sys.modules, so callables defined by the example resolve by import path
    # ("docs_example_x:fn") exactly as they would in a script run as __main__.
    name = "docs_example_" + re.sub(r"\W", "_", request.node.callspec.id)
    module = types.ModuleType(name)
    sys.modules[name] = module
    filename = f"<docs example {request.node.callspec.id}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)  # for tracebacks
    try:
        exec(compile(code, filename, "exec"), module.__dict__)
    finally:
        del sys.modules[name]


GUIDE_JSON = blocks(GUIDE, "json")


def test_guide_shows_a_json_definition() -> None:
    assert any('"schema_version"' in code for _, code in GUIDE_JSON)


@pytest.mark.parametrize("code", [code for _, code in GUIDE_JSON], ids=[i for i, _ in GUIDE_JSON])
def test_json_definition_in_the_guide_is_valid_for_schema_and_engine(code: str) -> None:
    document = json.loads(code)
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(document)] == []
    dag = DAG.from_dict(document)
    assert dag.to_dict() == document  # the guide shows the canonical form, every field present


EVENT_JSON = blocks(EVENTS, "json")


def _event_documents() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block_id, code in EVENT_JSON:
        value = json.loads(code)
        if isinstance(value, dict) and "kind" in value:
            out.append((block_id, value))
    return out


EVENT_DOCUMENTS = _event_documents()


def test_events_doc_shows_the_json_form_of_every_event_kind() -> None:
    from core_engine.events import EventKind

    assert {document["kind"] for _, document in EVENT_DOCUMENTS} == {kind.value for kind in EventKind}


@pytest.mark.parametrize(
    "document", [d for _, d in EVENT_DOCUMENTS], ids=[d["kind"] for _, d in EVENT_DOCUMENTS]
)
def test_json_event_in_the_events_doc_reads_back_unchanged(document: dict[str, Any]) -> None:
    assert event_to_dict(event_from_dict(document)) == document


def test_guide_names_every_validation_rule() -> None:
    table = validate_module.__doc__ or ""
    codes = set(re.findall(r"^``([a-z_]+)``", table, re.MULTILINE))
    assert len(codes) >= 20
    missing = sorted(code for code in codes if f"| `{code}` |" not in GUIDE)
    assert missing == []


def test_guide_lists_every_limit_with_its_value() -> None:
    names = [name for name in vars(limits) if name.isupper()]
    assert len(names) >= 9
    for name in names:
        value = getattr(limits, name)
        row = next((line for line in GUIDE.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, name
        shown = value.pattern if isinstance(value, re.Pattern) else f"{value:,}"
        assert shown in row.replace(" (one day)", "").replace(" (seven days)", ""), (name, row)
