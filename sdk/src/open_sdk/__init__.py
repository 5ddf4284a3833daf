"""OPEN's Python SDK: a typed client of the platform's GraphQL API (docs/sdk.md).

:class:`AsyncClient` (coroutines and async iterators) and :class:`Client` (the same methods,
blocking) deploy DAG definitions, start executions, wait for them and follow their events.
Errors are :class:`OpenError` subclasses named after the API's error codes.
"""

from open_sdk.async_client import AsyncClient, SupportsToDict
from open_sdk.errors import (
    AuthenticationError,
    Conflict,
    NetworkError,
    NotFound,
    OpenError,
    PermissionDenied,
    RateLimited,
    ValidationError,
    WaitTimeout,
)
from open_sdk.models import (
    Dag,
    DagVersion,
    DeployResult,
    Execution,
    ExecutionEvent,
    ExecutionStatus,
    NodeExecution,
)
from open_sdk.sync_client import Client
from open_sdk.transport import DEFAULT_SERVER_URL

__all__ = [
    "DEFAULT_SERVER_URL",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "Conflict",
    "Dag",
    "DagVersion",
    "DeployResult",
    "Execution",
    "ExecutionEvent",
    "ExecutionStatus",
    "NetworkError",
    "NodeExecution",
    "NotFound",
    "OpenError",
    "PermissionDenied",
    "RateLimited",
    "SupportsToDict",
    "ValidationError",
    "WaitTimeout",
]
