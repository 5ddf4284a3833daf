"""The exceptions of the SDK: one class per ``extensions.code`` the API returns, and one for the network.

Every GraphQL error becomes an :class:`OpenError` subclass chosen by its ``extensions.code``
(:func:`error_from_graphql`), carrying the server's message, ``code`` and ``details`` (for a bad
definition, ``details["issues"]`` name each node and field; for bad run parameters,
``details["params"]`` maps each parameter to its problem). A server that cannot be reached, or
answers with something that is not GraphQL, raises :class:`NetworkError` naming the URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class OpenError(Exception):
    """An error answered by the server, or met on the way to it.

    Attributes:
        message: the server's message (or ours, for a network failure).
        code: the API's ``extensions.code`` (``NOT_FOUND``, ``VALIDATION_FAILED``, ...), or
            ``NETWORK`` for :class:`NetworkError`.
        details: the API's ``extensions.details`` (empty when it gave none).
        errors: every raw GraphQL error of the response, as the server sent them.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "INTERNAL",
        details: Mapping[str, Any] | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details: dict[str, Any] = dict(details or {})
        self.errors: list[dict[str, Any]] = [dict(error) for error in errors]


class AuthenticationError(OpenError):
    """``UNAUTHENTICATED``: no credentials, or a bad, expired or revoked token or API key."""


class PermissionDenied(OpenError):
    """``FORBIDDEN``: the credentials' role does not allow the operation."""


class NotFound(OpenError):
    """``NOT_FOUND``: no such object in the organization (another organization's included)."""


class ValidationError(OpenError):
    """``VALIDATION_FAILED``: bad input. ``field`` names the input at fault when the API said;
    ``issues`` lists a definition's problems and ``params`` each bad run parameter."""

    @property
    def field(self) -> str | None:
        """The input field at fault (``params``, ``idempotencyKey``, ...), if the API named one."""
        value = self.details.get("field")
        return value if isinstance(value, str) else None

    @property
    def issues(self) -> list[dict[str, Any]]:
        """A definition's problems: ``{code, message, node_id, field, suggestion, path}`` each."""
        value = self.details.get("issues")
        return list(value) if isinstance(value, list) else []

    @property
    def params(self) -> dict[str, str]:
        """Bad run parameters: name to problem."""
        value = self.details.get("params")
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


class Conflict(OpenError):
    """``CONFLICT``: a taken name, or a state that forbids the operation (cancel an ended run)."""


class RateLimited(OpenError):
    """``RATE_LIMITED``: too many attempts; ``retry_after`` is the wait in seconds, if given."""

    @property
    def retry_after(self) -> float | None:
        value = self.details.get("retry_after")
        return float(value) if isinstance(value, int | float) else None


class NetworkError(OpenError):
    """The server could not be reached, dropped the connection, or did not answer GraphQL.

    Attributes:
        url: the address that failed.
    """

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(f"{message} ({url})", code="NETWORK")
        self.url = url


class WaitTimeout(OpenError, TimeoutError):
    """:meth:`~open_sdk.AsyncClient.wait` gave up before the execution ended."""


_BY_CODE: dict[str, type[OpenError]] = {
    "UNAUTHENTICATED": AuthenticationError,
    "FORBIDDEN": PermissionDenied,
    "NOT_FOUND": NotFound,
    "VALIDATION_FAILED": ValidationError,
    "CONFLICT": Conflict,
    "RATE_LIMITED": RateLimited,
}


def error_from_graphql(errors: Sequence[Mapping[str, Any]]) -> OpenError:
    """The exception for a response's ``errors`` (non-empty): the first error's class and data,
    every error kept in ``errors``; several messages are joined with ``"; "``."""
    first = errors[0] if errors else {}
    extensions = first.get("extensions") or {}
    code = str(extensions.get("code", "INTERNAL"))
    details = extensions.get("details")
    messages = [str(error.get("message", "unknown error")) for error in errors] or ["unknown error"]
    cls = _BY_CODE.get(code, OpenError)
    return cls(
        "; ".join(dict.fromkeys(messages)),
        code=code,
        details=details if isinstance(details, Mapping) else None,
        errors=errors,
    )
