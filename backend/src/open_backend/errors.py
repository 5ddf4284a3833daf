"""Application errors with machine-readable codes, shared by services and the GraphQL layer.

Services raise :class:`AppError` subclasses; the GraphQL layer turns them into errors whose
``extensions`` carry ``code`` (and ``details`` where given). Nothing else reaches a client: an
unexpected exception becomes ``INTERNAL`` with no message, stack trace or SQL.
"""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """The ``extensions.code`` of every error the API returns."""

    UNAUTHENTICATED = "UNAUTHENTICATED"  # no, invalid or expired credentials
    FORBIDDEN = "FORBIDDEN"  # authenticated, but the role does not allow it
    NOT_FOUND = "NOT_FOUND"  # no such object in the caller's organization
    VALIDATION_FAILED = "VALIDATION_FAILED"  # bad input; ``details`` say where
    CONFLICT = "CONFLICT"  # a uniqueness or state conflict (name taken, already revoked)
    RATE_LIMITED = "RATE_LIMITED"  # too many attempts; ``details.retry_after`` in seconds
    INTERNAL = "INTERNAL"  # anything unexpected; logged server-side, never detailed


class AppError(Exception):
    """An error a client may see: a code, a human message and optional structured details."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class Unauthenticated(AppError):
    """Credentials are missing, malformed, expired or revoked."""

    code = ErrorCode.UNAUTHENTICATED


class Forbidden(AppError):
    """The principal's role does not allow the operation."""

    code = ErrorCode.FORBIDDEN


class NotFound(AppError):
    """No such object in the principal's organization (objects of other tenants included)."""

    code = ErrorCode.NOT_FOUND


class ValidationFailed(AppError):
    """Input was rejected; ``details`` name the field(s) or, for DAGs, the node issues."""

    code = ErrorCode.VALIDATION_FAILED


class Conflict(AppError):
    """The operation conflicts with stored state (a taken name, a concurrent update)."""

    code = ErrorCode.CONFLICT


class RateLimited(AppError):
    """Too many attempts; ``details["retry_after"]`` is the wait in seconds."""

    code = ErrorCode.RATE_LIMITED
