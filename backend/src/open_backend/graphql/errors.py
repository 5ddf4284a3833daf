"""What clients see of errors: a message and ``extensions.code``, never a stack trace or SQL.

Every error of a response is rewritten by :class:`ErrorFormatter`:

* an :class:`~open_backend.errors.AppError` keeps its message and gets its ``code`` (and
  ``details`` when it has any, e.g. the node issues of an invalid DAG definition);
* a malformed document, variables of the wrong type, or a document over a limit (depth,
  aliases, tokens) keeps graphql-core's message and gets ``VALIDATION_FAILED``;
* anything else raised while resolving (a database error, a bug) becomes ``INTERNAL`` with
  the message :data:`INTERNAL_MESSAGE`; :class:`OpenSchema` logs the original with its
  traceback, server-side only.

:class:`OpenSchema` formats again whatever reaches the end of ``execute`` unformatted (an
exception escaping another extension's hook skips the formatter's), so nothing leaks either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any, Final

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from open_backend.errors import AppError, ErrorCode

#: The message of every ``INTERNAL`` error.
INTERNAL_MESSAGE: Final = "internal error; it has been logged"

logger = logging.getLogger(__name__)


def is_unexpected(error: GraphQLError) -> bool:
    """Whether ``error`` is a server fault (``INTERNAL``) rather than the client's."""
    original = error.original_error
    if isinstance(original, AppError):
        return False
    if error.path is not None:  # raised while resolving or serialising a field
        return True
    # Before execution: parsing, validation and variable coercion (scalars raise ValueError or
    # TypeError on bad input). Anything else there is an exception from our own code.
    return original is not None and not isinstance(original, GraphQLError | ValueError | TypeError)


class ClientError(GraphQLError):
    """An error already rewritten for clients by :func:`format_error`."""


def format_error(error: GraphQLError) -> GraphQLError:
    """The client-facing version of ``error`` (see the module docstring); idempotent."""
    if isinstance(error, ClientError):
        return error
    original = error.original_error
    extensions: dict[str, Any]
    if isinstance(original, AppError):
        message = original.message
        extensions = {"code": original.code.value}
        if original.details:
            extensions["details"] = original.details
    elif is_unexpected(error):
        message = INTERNAL_MESSAGE
        extensions = {"code": ErrorCode.INTERNAL.value}
    else:
        message = error.message
        extensions = {**(error.extensions or {}), "code": ErrorCode.VALIDATION_FAILED.value}
    return ClientError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class ErrorFormatter(SchemaExtension):
    """Rewrites every error of a result with :func:`format_error` once the operation ends."""

    def on_operation(self) -> Iterator[None]:
        """After the operation: replace the result's errors by their client-facing versions."""
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [format_error(error) for error in result.errors]


class OpenSchema(strawberry.Schema):
    """The schema class of the API: logs only unexpected errors, with their traceback, and
    returns only client-facing errors."""

    async def execute(  # noqa: PLR0917 - strawberry's signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Execute like :meth:`strawberry.Schema.execute`; every error of the result is formatted."""
        result = await super().execute(
            query,
            variable_values=variable_values,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            allowed_operation_types=allowed_operation_types,
            operation_extensions=operation_extensions,
        )
        if result.errors:
            result.errors = [format_error(error) for error in result.errors]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log each unexpected error at ERROR level; client errors are not logged."""
        for error in errors:
            if is_unexpected(error):
                operation = execution_context.operation_name if execution_context is not None else None
                logger.error(
                    "unexpected error in operation %s at %s",
                    operation or "<anonymous>",
                    error.path,
                    exc_info=error.original_error or error,
                )
