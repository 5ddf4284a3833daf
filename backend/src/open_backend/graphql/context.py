"""The typed context every resolver receives: ``info.context`` is a :class:`Context`.

One context per request (per connection for websockets). It holds the request's database
session, which resolvers reach through :meth:`Context.db`: sibling fields of a query resolve
concurrently, and one session must not run two statements at once, so ``db()`` hands it out
under a lock. Who is calling was settled before execution (:attr:`Context.authenticated`); a
failed authentication is kept in :attr:`Context.auth_error` and raised by the fields that need a
caller, so public operations (``signIn``) still work with a stale token in the headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from open_backend.auth.principal import Authenticated, Principal
from open_backend.auth.rate_limit import SignInLimiter
from open_backend.auth.tokens import TokenService
from open_backend.db.types import utcnow
from open_backend.errors import AppError, Forbidden, Unauthenticated
from open_backend.graphql.loaders import Loaders
from open_backend.services.dags import DefinitionLimits
from open_backend.settings import Settings


@dataclass
class Context:
    """What resolvers know about their request.

    Attributes:
        request: the HTTP request (or websocket) being served.
        response: where resolvers add headers (cookies) to the HTTP response; ``None`` on a
            websocket.
        settings: the application's settings.
        sessions: the session factory, for work that needs its own transaction.
        tokens: issues and verifies access tokens.
        limiter: the application's sign-in throttle.
        session: this request's session; use it through :meth:`db`.
        authenticated: who is calling, or ``None`` for an anonymous request.
        auth_error: why authentication failed, if it did (then ``authenticated`` is ``None``).
        clock: the current aware UTC time; tests pass a fixed one.
        loaders: this request's batching loaders.
    """

    request: Request | WebSocket
    response: Response | None
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    tokens: TokenService
    limiter: SignInLimiter
    session: AsyncSession
    authenticated: Authenticated | None = None
    auth_error: AppError | None = None
    clock: Callable[[], datetime] = utcnow
    loaders: Loaders = field(init=False, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self)

    def now(self) -> datetime:
        """The current aware UTC time, from :attr:`clock`."""
        return self.clock()

    @contextlib.asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """The request's session, held exclusively until the block ends."""
        async with self._lock:
            yield self.session

    def require_authenticated(self) -> Authenticated:
        """Who is calling.

        Raises:
            AppError: the authentication error of the request (``UNAUTHENTICATED``, or
                ``FORBIDDEN`` for a foreign organization header).
            Unauthenticated: the request carries no credentials.
        """
        if self.auth_error is not None:
            raise self.auth_error
        if self.authenticated is None:
            raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>'")
        return self.authenticated

    def require_principal(self) -> Principal:
        """The caller acting in its active organization.

        Raises:
            AppError: as :meth:`require_authenticated`.
            Forbidden: the caller is a user without any organization.
        """
        principal = self.require_authenticated().principal
        if principal is None:
            raise Forbidden("you are not a member of any organization; create one first")
        return principal

    def require_user_id(self) -> uuid.UUID:
        """The calling user's id.

        Raises:
            AppError: as :meth:`require_authenticated`.
            Forbidden: the caller is an API key.
        """
        user_id = self.require_authenticated().identity.user_id
        if user_id is None:
            raise Forbidden("this needs a signed-in user; API keys cannot do it")
        return user_id

    @property
    def client_ip(self) -> str:
        """The client's address as the server sees it (``"unknown"`` when the server has none)."""
        client = self.request.client
        return client.host if client is not None else "unknown"

    @property
    def definition_limits(self) -> DefinitionLimits:
        """The size and node-count limits of DAG definitions."""
        return DefinitionLimits.from_settings(self.settings)


#: The ``info`` argument of every resolver.
Info = strawberry.Info[Context, None]
