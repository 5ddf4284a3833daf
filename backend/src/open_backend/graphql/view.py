"""The HTTP and websocket endpoint serving the schema (Strawberry's ASGI view on Starlette).

Security settings, all tested:

* Queries may use GET (cacheable, no side effect); mutations only POST with a JSON body: a
  mutation over GET is refused (HTTP 400), so a link or an ``<img>`` cannot change anything.
  Form and multipart bodies are refused (no CSRF by plain HTML forms; no uploads).
* Only the ``graphql-transport-ws`` websocket protocol is spoken; the legacy ``graphql-ws`` is
  closed with 4406.
* GraphiQL is served only when ``OPEN_GRAPHIQL`` is on (never in production), and introspection
  is refused in production.
* Bodies over ``OPEN_MAX_REQUEST_BYTES`` get 413 (:mod:`open_backend.graphql.body_limit`);
  documents over the depth, alias and token limits are refused before they run.

Each request gets one database session, opened before the context is built and closed after
the response is ready; the context authenticates the request with
:func:`open_backend.auth.resolve.resolve_request` from the app's state (``settings``,
``sessions``, ``tokens``, ``sign_in_limiter``, set by the lifespan).
"""

from __future__ import annotations

import json
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from open_backend.auth.principal import Authenticated
from open_backend.auth.resolve import ORGANIZATION_HEADER, resolve_request
from open_backend.db.types import utcnow
from open_backend.errors import AppError
from open_backend.graphql.body_limit import BodySizeLimit
from open_backend.graphql.context import Context
from open_backend.graphql.schema import create_schema
from open_backend.settings import Environment, Settings

#: Where the API is served.
GRAPHQL_PATH: Final = "/graphql"

#: Key of the request's session in the ASGI scope's ``state``.
_SESSION_KEY: Final = "open_graphql_session"


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with OPEN's context, session handling and security settings."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            create_schema(introspection=settings.env is not Environment.PRODUCTION),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            multipart_uploads_enabled=False,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (or websocket connection) with its own session."""
        async with scope["app"].state.sessions() as session:
            scope.setdefault("state", {})[_SESSION_KEY] = session
            await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        """The request's context: who is calling, the session, and the app's services.

        An authentication failure does not fail the request: it is kept on the context and
        raised by the fields that need a caller.
        """
        state = request.app.state
        session = request.scope["state"][_SESSION_KEY]
        authenticated: Authenticated | None = None
        error: AppError | None = None
        try:
            authenticated = await resolve_request(
                session,
                state.tokens,
                authorization=request.headers.get("authorization"),
                organization=request.headers.get(ORGANIZATION_HEADER),
                now=utcnow(),
            )
        except AppError as exc:
            error = exc
            await session.rollback()
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            settings=state.settings,
            sessions=state.sessions,
            tokens=state.tokens,
            limiter=state.sign_in_limiter,
            session=session,
            authenticated=authenticated,
            auth_error=error,
        )

    def decode_json(self, data: str | bytes) -> object:
        """Parse JSON text; whatever cannot be parsed is a ``JSONDecodeError`` (HTTP 400 for a body).

        ``json.loads`` raises other errors for invalid UTF-8 and for absurd nesting; without
        this they would surface as HTTP 500.
        """
        try:
            return super().decode_json(data)
        except (UnicodeDecodeError, RecursionError) as exc:
            raise json.JSONDecodeError(f"unparseable JSON ({type(exc).__name__})", "", 0) from exc


def graphql_routes(settings: Settings) -> list[BaseRoute]:
    """The ``/graphql`` routes: HTTP (GET and POST, body limited) and websocket."""
    view = GraphQLView(settings)
    limited = BodySizeLimit(view, settings.max_request_bytes)
    return [
        Route(GRAPHQL_PATH, limited, methods=["GET", "POST"]),
        WebSocketRoute(GRAPHQL_PATH, view),
    ]
