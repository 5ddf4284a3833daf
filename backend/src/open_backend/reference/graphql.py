"""``docs/graphql-api.md``: the GraphQL API reference, generated from ``docs/schema.graphql``.

Every query, mutation and subscription with its arguments, the fields of the input types they
take, and the example of :data:`~open_backend.reference.graphql_examples.EXAMPLES` for it; then
every other type. Descriptions are the schema's own (written on the Strawberry fields).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    Undefined,
    ast_from_value,
    build_schema,
    get_named_type,
    print_ast,
)

from open_backend.graphql.limits import DOCUMENT_CACHE_SIZE, MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from open_backend.reference.graphql_examples import EXAMPLES
from open_backend.reference.pages import DOCS_DIR, GENERATED_NOTE
from open_backend.services.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

#: The SDL the page is generated from (``python -m open_backend.schema_export`` writes it).
SCHEMA_FILE: Final = DOCS_DIR / "schema.graphql"

_ROOTS: Final = (("Queries", "query"), ("Mutations", "mutation"), ("Subscriptions", "subscription"))

_INTRO: Final = """\
One endpoint, `/graphql`: queries and mutations as `POST` (JSON `{{"query", "variables"}}`),
subscriptions over a websocket on the same path with the `graphql-transport-ws` protocol. In
development the server also serves GraphiQL there. The [Python SDK](sdk.md) wraps all of it.

* **Authentication**: `Authorization: Bearer <token>` with a user's access token (from `signUp`
  or `signIn`) or an API key (from `createApiKey`); over the websocket, the same value as
  `{{"authorization": "Bearer ...", "organization": "<id>"}}` in the `connection_init` payload.
* **Organization**: every DAG, execution, member and API key belongs to one. A user acts in the
  organization of the `X-Organization-Id` header, else in their oldest membership; an API key in
  its own.
* **Roles**: `VIEWER` reads, `EDITOR` writes and runs DAGs, `ADMIN` manages members and API keys,
  `OWNER` everything. Each field below says what it needs.
* **Errors** are GraphQL errors whose `extensions.code` is one of `UNAUTHENTICATED`, `FORBIDDEN`,
  `NOT_FOUND`, `VALIDATION_FAILED`, `CONFLICT`, `RATE_LIMITED`; `extensions.details` holds the
  data (`field`, `params`, `issues`, `retry_after`).
* **Lists** are pages: `first` (how many, default {default_page}, at most {max_page}), `after`
  (the `endCursor` of the previous page), `totalCount`, `pageInfo {{ hasNextPage endCursor }}`.
* **Limits** on a document, checked before anything runs (`VALIDATION_FAILED` otherwise):
  selections nested at most {depth} deep below the root field (introspection fields not counted),
  at most {aliases} aliases, at most {tokens:,} tokens; the request body is limited by
  `OPEN_MAX_REQUEST_BYTES` (HTTP 413). The parse and validation results of the last
  {cache} distinct documents are cached, so repeated operations skip both steps.

The schema as SDL: [schema.graphql](schema.graphql). The examples are checked against it by
`docs/tests/test_reference.py`."""


def load_schema(path: Path = SCHEMA_FILE) -> GraphQLSchema:
    """The schema of the SDL file at ``path``.

    Raises:
        FileNotFoundError: no such file.
        graphql.GraphQLError: the file is not a valid schema.
    """
    return build_schema(path.read_text(encoding="utf-8"))


def _anchor(name: str) -> str:
    return name.lower()


def _type_ref(type_: GraphQLType) -> str:
    """``type_`` printed as in SDL, its named type linked to its section when it has one."""
    named = get_named_type(type_)
    text = str(type_)
    if isinstance(named, GraphQLScalarType) and named.name in {"String", "Int", "Float", "Boolean", "ID"}:
        return f"`{text}`"
    return f"[`{text}`](#{_anchor(named.name)})"


def _default(arg: GraphQLArgument | GraphQLInputField) -> str:
    if arg.default_value is Undefined:
        return ""
    node = ast_from_value(arg.default_value, arg.type)
    return f"`{print_ast(node)}`" if node is not None else ""


def _cell(text: str | None) -> str:
    words = " ".join((text or "").split())
    return words.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _signature(name: str, field: GraphQLField) -> str:
    args = ", ".join(
        f"{arg_name}: {arg.type}" + (f" = {_default(arg).strip('`')}" if _default(arg) else "")
        for arg_name, arg in field.args.items()
    )
    return f"{name}({args}): {field.type}" if args else f"{name}: {field.type}"


def _example_lines(name: str) -> list[str]:
    example = EXAMPLES.get(name)
    if example is None:
        return []
    lines = ["Example:", "", "```graphql", example.document, "```", ""]
    if example.variables:
        lines += ["```json", json.dumps(example.variables, indent=2), "```", ""]
    if example.note:
        lines += [example.note, ""]
    return lines


def _input_tables(field: GraphQLField) -> list[str]:
    lines: list[str] = []
    for arg in field.args.values():
        named = get_named_type(arg.type)
        if isinstance(named, GraphQLInputObjectType):
            lines += [f"`{named.name}`:", "", *_input_fields_table(named), ""]
    return lines


def _input_fields_table(type_: GraphQLInputObjectType) -> list[str]:
    rows = ["| field | type | default | description |", "|---|---|---|---|"]
    for name, field in type_.fields.items():
        rows.append(
            f"| `{name}` | {_type_ref(field.type)} | {_default(field)} | {_cell(field.description)} |"
        )
    return rows


def _operation(name: str, field: GraphQLField) -> list[str]:
    lines = [
        f"### `{name}`",
        "",
        _cell(field.description),
        "",
        "```graphql",
        _signature(name, field),
        "```",
        "",
    ]
    if field.args:
        lines += ["| argument | type | default | description |", "|---|---|---|---|"]
        for arg_name, arg in field.args.items():
            lines.append(
                f"| `{arg_name}` | {_type_ref(arg.type)} | {_default(arg)} | {_cell(arg.description)} |"
            )
        lines.append("")
        lines += _input_tables(field)
    lines.append(f"Returns {_type_ref(field.type)}.")
    lines.append("")
    return lines + _example_lines(name)


def _named_type(type_: GraphQLNamedType) -> list[str]:
    lines = [f"### `{type_.name}`", ""]
    if type_.description:
        lines += [_cell(type_.description), ""]
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        lines += ["| field | type | description |", "|---|---|---|"]
        for name, field in type_.fields.items():
            shown = _signature(name, field) if field.args else name
            lines.append(f"| `{shown}` | {_type_ref(field.type)} | {_cell(field.description)} |")
    elif isinstance(type_, GraphQLInputObjectType):
        lines += _input_fields_table(type_)
    elif isinstance(type_, GraphQLEnumType):
        lines += ["| value | description |", "|---|---|"]
        lines += [f"| `{name}` | {_cell(value.description)} |" for name, value in type_.values.items()]
    elif isinstance(type_, GraphQLUnionType):
        lines.append("One of " + ", ".join(_type_ref(member) for member in type_.types) + ".")
    else:
        lines.append("A scalar.")
    return [*lines, ""]


def root_fields(schema: GraphQLSchema) -> dict[str, dict[str, GraphQLField]]:
    """The fields of each root type by operation kind (``query``, ``mutation``, ``subscription``)."""
    roots = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }
    return {kind: dict(root.fields) if root is not None else {} for kind, root in roots.items()}


def render(path: Path = SCHEMA_FILE) -> str:
    """The Markdown of ``docs/graphql-api.md`` for the SDL file at ``path``."""
    schema = load_schema(path)
    fields = root_fields(schema)
    intro = _INTRO.format(
        default_page=DEFAULT_PAGE_SIZE,
        max_page=MAX_PAGE_SIZE,
        depth=MAX_QUERY_DEPTH,
        aliases=MAX_ALIASES,
        tokens=MAX_TOKENS,
        cache=DOCUMENT_CACHE_SIZE,
    )
    lines = ["# GraphQL API reference", "", GENERATED_NOTE, "", intro, ""]
    for title, kind in _ROOTS:
        lines.append(f"* [{title}](#{_anchor(title)}): " + ", ".join(f"`{name}`" for name in fields[kind]))
    lines += ["* [Types](#types)", ""]
    for title, kind in _ROOTS:
        lines += [f"## {title}", ""]
        for name, field in fields[kind].items():
            lines += _operation(name, field)
    roots = {
        root.name for root in (schema.query_type, schema.mutation_type, schema.subscription_type) if root
    }
    lines += ["## Types", ""]
    for name in sorted(schema.type_map):
        type_ = schema.type_map[name]
        if name.startswith("__") or name in roots or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        lines += _named_type(type_)
    return "\n".join(lines).rstrip("\n") + "\n"
