"""The GraphQL schema: every domain's queries, mutations and subscriptions, plus the document limits.

:func:`create_schema` builds it; :data:`schema` is the one with introspection (what
``python -m open_backend.schema_export`` prints and in-process tests execute against).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.tools import merge_types
from strawberry.types import StreamExecutionResult

from open_backend.graphql.api_keys.mutations import ApiKeyMutations
from open_backend.graphql.api_keys.queries import ApiKeyQueries
from open_backend.graphql.auth.mutations import AuthMutations
from open_backend.graphql.auth.providers import AuthQueries
from open_backend.graphql.dags.mutations import DagMutations
from open_backend.graphql.dags.queries import DagQueries
from open_backend.graphql.errors import ErrorFormatter, OpenSchema, format_error
from open_backend.graphql.executions.mutations import ExecutionMutations
from open_backend.graphql.executions.queries import ExecutionQueries
from open_backend.graphql.executions.subscriptions import ExecutionSubscriptions
from open_backend.graphql.limits import DOCUMENT_CACHE_SIZE, MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from open_backend.graphql.organizations.mutations import OrganizationMutations
from open_backend.graphql.organizations.queries import OrganizationQueries
from open_backend.graphql.task_types.queries import TaskTypeQueries
from open_backend.graphql.users.queries import UserQueries

Query: Final = merge_types(
    "Query",
    (
        AuthQueries,
        UserQueries,
        OrganizationQueries,
        ApiKeyQueries,
        DagQueries,
        TaskTypeQueries,
        ExecutionQueries,
    ),
)
Mutation: Final = merge_types(
    "Mutation", (AuthMutations, OrganizationMutations, ApiKeyMutations, DagMutations, ExecutionMutations)
)
Subscription: Final = merge_types("Subscription", (ExecutionSubscriptions,))

#: The depth and alias limits as validation rules, made once: the validation cache is keyed on
#: the rule classes, so per-request classes (what a ``QueryDepthLimiter`` per request makes)
#: would never hit it.
LIMIT_RULES: Final = (
    query_depth_limiter.create_validator(MAX_QUERY_DEPTH, should_ignore=None),  # introspection not counted
    max_aliases.create_validator(MAX_ALIASES),
)


class StreamErrorFormatter(ErrorFormatter):
    """:class:`ErrorFormatter` that also formats each result of a subscription before it is sent
    (``on_operation`` only sees the end of the stream)."""

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Replace the result's errors by their client-facing versions."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [format_error(error) for error in errors]  # type: ignore[union-attr]
        yield


def create_schema(*, introspection: bool = True) -> OpenSchema:
    """The API's schema; ``introspection=False`` refuses ``__schema`` and ``__type`` (production).

    Every operation is checked against :mod:`open_backend.graphql.limits` before it runs, and
    its errors are formatted for clients (:mod:`open_backend.graphql.errors`). Parsing and
    validation results are cached per document text (strawberry's ``ParserCache`` and
    ``ValidationCache``, :data:`~open_backend.graphql.limits.DOCUMENT_CACHE_SIZE` entries each).
    """
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        StreamErrorFormatter,  # first: its hooks wrap every other extension's
        lambda: AddValidationRules(list(LIMIT_RULES)),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),  # a parse option: part of the parse cache key
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return OpenSchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


#: The schema with introspection on.
schema: Final = create_schema()
