"""In-process GraphQL: the real schema executed with a context built from real database rows.

Fixtures:
    api: an :class:`Api` on the test's rolled-back ``session`` (both database backends): it makes
        organizations, users and API keys, and executes operations as one of them.
    settings: test settings with small definition limits.
    now: the fixed clock of in-process requests.
    make_definition: a function making valid definitions of ``noop`` nodes.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from open_backend.auth.principal import Authenticated, Identity, Principal
from open_backend.auth.rate_limit import SignInLimiter
from open_backend.auth.tokens import TokenService
from open_backend.db.models import ApiKey, Membership, Organization, Role, User
from open_backend.errors import AppError
from open_backend.graphql.context import Context
from open_backend.graphql.schema import schema
from open_backend.settings import Environment, Settings

#: The clock of every in-process request.
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Result:
    """An execution's data and its errors as clients see them (``message``, ``code``, ``details``)."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]]

    @property
    def codes(self) -> list[str]:
        return [error["extensions"]["code"] for error in self.errors]

    def ok(self) -> dict[str, Any]:
        """The data, after checking there is no error."""
        assert not self.errors, self.errors
        assert self.data is not None
        return self.data


class Api:
    """Executes operations against the real schema, as a caller made of real rows."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.tokens = TokenService(settings)
        self.limiter = SignInLimiter()

    @contextlib.asynccontextmanager
    async def recorded_statements(self) -> AsyncIterator[list[str]]:
        """The SQL statements the session sends inside the block, in order (to count queries)."""
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        connection = (await self.session.connection()).sync_connection
        assert connection is not None
        sa.event.listen(connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(connection, "before_cursor_execute", record)

    async def organization(self) -> Organization:
        slug = unique("org")
        row = Organization(name=slug, slug=slug)
        self.session.add(row)
        await self.session.flush()
        return row

    async def user(self) -> User:
        name = unique("user")
        row = User(email=f"{name}@example.org", name=name)
        self.session.add(row)
        await self.session.flush()
        return row

    async def join(self, user: User, organization: Organization, role: Role) -> Authenticated:
        self.session.add(Membership(user_id=user.id, organization_id=organization.id, role=role))
        await self.session.flush()
        identity = Identity(user_id=user.id)
        return Authenticated(identity, Principal(identity, organization.id, role))

    async def member(
        self, organization: Organization | None = None, role: Role = Role.EDITOR
    ) -> Authenticated:
        """A new user who is a member of ``organization`` (default: a new one) with ``role``."""
        organization = organization or await self.organization()
        return await self.join(await self.user(), organization, role)

    async def api_key(self, organization: Organization, role: Role = Role.EDITOR) -> Authenticated:
        key = ApiKey(
            organization_id=organization.id,
            role=role,
            name=unique("key"),
            prefix=uuid.uuid4().hex[:16],
            secret_hash="not-a-real-hash",
        )
        self.session.add(key)
        await self.session.flush()
        identity = Identity(api_key_id=key.id)
        return Authenticated(identity, Principal(identity, organization.id, role))

    def context(self, caller: Authenticated | None, auth_error: AppError | None = None) -> Context:
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": [],
            "query_string": b"",
            "client": ("203.0.113.7", 50000),
        }
        return Context(
            request=Request(scope),
            response=Response(),
            settings=self.settings,
            sessions=async_sessionmaker(class_=AsyncSession),
            tokens=self.tokens,
            limiter=self.limiter,
            session=self.session,
            authenticated=caller,
            auth_error=auth_error,
            clock=lambda: NOW,
        )

    async def run(
        self,
        query: str,
        caller: Authenticated | None = None,
        auth_error: AppError | None = None,
        **variables: Any,
    ) -> Result:
        """Execute ``query`` with ``variables`` as ``caller`` (``None``: anonymous)."""
        result = await schema.execute(
            query, variable_values=variables, context_value=self.context(caller, auth_error)
        )
        errors = [error.formatted for error in result.errors or []]
        return Result(result.data, [dict(error) for error in errors])


@pytest.fixture
def settings() -> Settings:
    """Test settings; definitions limited to 64 KiB and 50 nodes."""
    return Settings(env=Environment.TEST, max_definition_bytes=64 * 1024, max_dag_nodes=50)


@pytest.fixture
def api(session: AsyncSession, settings: Settings) -> Api:
    """Operations executed in-process on the test's rolled-back session."""
    return Api(session, settings)


def definition(*edges: tuple[str, str], nodes: tuple[str, ...] = ("a",), name: str = "etl") -> dict[str, Any]:
    """A valid definition of ``noop`` nodes; each edge ``(a, b)`` makes ``b`` depend on ``a``."""
    ids = sorted({*nodes, *(a for a, _ in edges), *(b for _, b in edges)})
    return {
        "schema_version": 1,
        "name": name,
        "nodes": [
            {
                "id": i,
                "task": {"type": "noop", "config": {}},
                "depends_on": sorted(a for a, b in edges if b == i),
            }
            for i in ids
        ],
    }


@pytest.fixture
def now() -> datetime:
    """The clock of in-process requests (:data:`NOW`)."""
    return NOW


@pytest.fixture
def make_definition() -> Any:
    """:func:`definition`, for test modules (which cannot import this conftest)."""
    return definition
