"""The generated reference pages are current, complete and correct.

``docs/configuration.md`` and ``docs/graphql-api.md`` are written by
``uv run python -m open_backend.reference``; these tests fail when either differs from what the
code gives now (a setting or a field was added), when an environment variable the code reads is
not documented, or when a GraphQL example is missing or does not validate against the schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, OperationType, parse, validate
from graphql.execution.values import get_variable_values

from open_backend.graphql.schema import schema as app_schema
from open_backend.reference import configuration, graphql
from open_backend.reference.__main__ import PAGES, main
from open_backend.reference.graphql_examples import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["core_engine/src", "backend/src", "sdk/src", "examples/src", "benchmarks"]
SCHEMA = app_schema._schema  # the graphql-core schema Strawberry built and serves
KINDS = {
    "query": OperationType.QUERY,
    "mutation": OperationType.MUTATION,
    "subscription": OperationType.SUBSCRIPTION,
}


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_the_generated_page_is_current(page: object) -> None:
    assert page.is_current(), f"docs/{page.name} is stale: run `uv run python -m open_backend.reference`"  # type: ignore[attr-defined]


def test_check_mode_writes_nothing_and_exits_0_when_current() -> None:
    assert main(["--check"]) == 0


def test_every_environment_variable_the_code_names_is_documented() -> None:
    names: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(
                re.findall(r"[\"'](OPEN_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL|REDIS_URL)[\"']", path.read_text())
            )
    assert len(names) >= 40
    assert sorted(names - configuration.documented_names()) == []


def test_every_setting_is_in_the_configuration_page_with_its_default() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for variable in configuration.settings_variables():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{variable.name}` |"))
        assert f"| {configuration.markdown_cell(variable.default)} |" in row


def test_a_setting_without_a_default_in_its_description_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    field = configuration.Settings.model_fields["queue_name"]
    monkeypatch.setattr(field, "description", "OPEN_QUEUE_NAME: the queue")
    with pytest.raises(ValueError, match=r"Settings\.queue_name: the description must read"):
        configuration.settings_variables()


def test_the_docs_schema_is_the_served_schema() -> None:
    served = {kind: set(fields) for kind, fields in graphql.root_fields(SCHEMA).items()}
    documented = {kind: set(fields) for kind, fields in graphql.root_fields(graphql.load_schema()).items()}
    assert documented == served


@pytest.mark.parametrize("kind", ["mutation", "subscription"])
def test_every_mutation_and_subscription_has_an_example(kind: str) -> None:
    fields = graphql.root_fields(SCHEMA)[kind]
    assert len(fields) >= 3
    assert sorted(set(fields) - set(EXAMPLES)) == []


def test_every_operation_is_in_the_page_and_every_example_with_it() -> None:
    text = (ROOT / "docs" / "graphql-api.md").read_text(encoding="utf-8")
    for fields in graphql.root_fields(SCHEMA).values():
        for name in fields:
            assert f"### `{name}`" in text
    for example in EXAMPLES.values():
        assert example.document in text


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_example_is_a_valid_operation_of_its_field_with_valid_variables(name: str) -> None:
    example = EXAMPLES[name]
    document = parse(example.document)
    assert [error.message for error in validate(SCHEMA, document)] == []
    (operation,) = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    kind = next(k for k, fields in graphql.root_fields(SCHEMA).items() if name in fields)
    assert operation.operation is KINDS[kind]
    selected = [selection.name.value for selection in operation.selection_set.selections]  # type: ignore[attr-defined]
    assert selected == [name]
    coerced = get_variable_values(SCHEMA, operation.variable_definitions or (), example.variables)
    assert not isinstance(coerced, list), [error.message for error in coerced]  # a list holds the errors
    declared = {definition.variable.name.value for definition in operation.variable_definitions or ()}
    assert set(example.variables) <= declared  # no variable the operation ignores
