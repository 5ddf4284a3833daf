"""The HTTP and websocket endpoint serving the schema (Strawberry's ASGI view on Starlette).

Security settings, all tested:

* Queries may use GET (cacheable, no side effect); mutations only POST with a JSON body: a
  mutation over GET is refused (HTTP 400), so a link or an ``<img>`` cannot change anything.
  Form and multipart bodies are refused (no CSRF by plain HTML forms; no uploads).
* Only the ``graphql-transport-ws`` websocket protocol is spoken; the legacy ``graphql-ws`` is
  closed with 4406. A websocket authenticates once, with the ``connection_init`` payload
  ``{"authorization": "Bearer <token or API key>", "organization": "<organization id>"}``
  (keys in any case; each falls back to the handshake's ``Authorization`` and
  ``X-Organization-Id`` headers): missing or bad credentials close it with 4403 before any
  operation runs. Mutations are refused over a websocket (they need the request transaction
  of HTTP); queries and subscriptions run there.
* GraphiQL is served only when ``OPEN_GRAPHIQL`` is on (never in production), and introspection
  is refused in production.
* Bodies over ``OPEN_MAX_REQUEST_BYTES`` get 413 (:mod:`open_backend.graphql.body_limit`);
  documents over the depth, alias and token limits are refused before they run.

Each HTTP request gets one database session, opened before the context is built and closed
after the response is ready; the context authenticates the request with
:func:`open_backend.auth.resolve.resolve_request` from the app's state (``settings``,
``sessions``, ``tokens``, ``sign_in_limiter``, set by the lifespan). A websocket lives long, so
its context (:class:`WebSocketContext`) hands each resolver block a short session of its own
instead of holding one transaction open for the connection's life.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

from cross_web import AsyncHTTPRequestAdapter
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage, SubscribeMessage
from strawberry.types.execution import ExecutionResult
from strawberry.types.unset import UnsetType

from open_backend.auth.principal import Authenticated
from open_backend.auth.resolve import ORGANIZATION_HEADER, resolve_request
from open_backend.db.types import utcnow
from open_backend.errors import AppError, ErrorCode
from open_backend.graphql.body_limit import BodySizeLimit
from open_backend.graphql.context import Context
from open_backend.graphql.limits import MAX_TOKENS
from open_backend.graphql.schema import create_schema
from open_backend.observability.metrics import GRAPHQL_DURATION, operation_label
from open_backend.observability.tracing import graphql_span
from open_backend.settings import Environment, Settings

#: Where the API is served.
GRAPHQL_PATH: Final = "/graphql"

#: Key of the request's session in the ASGI scope's ``state``.
_SESSION_KEY: Final = "open_graphql_session"

#: The ``connection_init`` payload keys (compared in lower case) carrying the credentials.
AUTHORIZATION_PARAM: Final = "authorization"
ORGANIZATION_PARAM: Final = "organization"


@dataclass
class WebSocketContext(Context):
    """The context of one websocket connection, shared by all its operations.

    Attributes:
        connection_params: the ``connection_init`` payload (set by Strawberry on receipt).
    """

    connection_params: dict[str, object] | None = None

    @contextlib.asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """A new session for the block, closed (rolled back) after it: a subscription reads
        fresh data at each step and holds no connection while it waits."""
        async with self.sessions() as session:
            yield session


class _TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, refusing mutations (see the module docstring)."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and _is_mutation(message):
            error = GraphQLError(
                "mutations are not accepted over the websocket; send them with POST /graphql",
                extensions={"code": ErrorCode.VALIDATION_FAILED.value},
            )
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[error.formatted]))
            return
        await super().handle_subscribe(message)


def _is_mutation(message: SubscribeMessage) -> bool:
    """Whether the operation to run is a mutation; an unparseable or oversized document is not
    (Strawberry reports it)."""
    try:
        document = parse(message["payload"]["query"], max_tokens=MAX_TOKENS)
    except (GraphQLError, KeyError, TypeError):
        return False
    operation = get_operation_ast(document, message["payload"].get("operationName"))
    return operation is not None and operation.operation is OperationType.MUTATION


def _param(params: dict[str, object], name: str) -> str | None:
    """The ``connection_init`` value of ``name`` (key in any case), ``None`` when absent.

    Raises:
        ConnectionRejectionError: the value is not a string.
    """
    for key, value in params.items():
        if key.lower() == name:
            if not isinstance(value, str):
                raise ConnectionRejectionError({"message": f"{name} must be a string"})
            return value
    return None


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
        self.graphql_transport_ws_handler_class = _TransportWSHandler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (or websocket connection) with its own session (unused by a
        websocket's resolvers: see :class:`WebSocketContext`)."""
        async with scope["app"].state.sessions() as session:
            scope.setdefault("state", {})[_SESSION_KEY] = session
            await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        """The request's context: who is calling, the session, and the app's services.

        An authentication failure does not fail the request: it is kept on the context and
        raised by the fields that need a caller. A websocket is authenticated later, by
        :meth:`on_ws_connect`.
        """
        state = request.app.state
        session = request.scope["state"][_SESSION_KEY]
        if isinstance(request, WebSocket):
            return WebSocketContext(
                request=request,
                response=None,
                settings=state.settings,
                sessions=state.sessions,
                tokens=state.tokens,
                limiter=state.sign_in_limiter,
                session=session,
            )
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

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a websocket from its ``connection_init`` payload (see the module
        docstring), in a session of its own, and keep the caller on the connection's context.

        Raises:
            ConnectionRejectionError: no credentials, or credentials that
                :func:`~open_backend.auth.resolve.resolve_request` refuses (the connection is
                closed with 4403).
        """
        params = (context.connection_params if isinstance(context, WebSocketContext) else None) or {}
        headers = context.request.headers
        authorization = _param(params, AUTHORIZATION_PARAM) or headers.get("authorization")
        organization = _param(params, ORGANIZATION_PARAM) or headers.get(ORGANIZATION_HEADER)
        try:
            async with context.sessions() as session:
                authenticated = await resolve_request(
                    session,
                    context.tokens,
                    authorization=authorization,
                    organization=organization,
                    now=context.now(),
                )
        except AppError as exc:
            raise ConnectionRejectionError({"message": exc.message, "code": exc.code.value}) from exc
        if authenticated is None:
            raise ConnectionRejectionError(
                {"message": "send 'authorization' in the connection_init payload", "code": "UNAUTHENTICATED"}
            )
        context.authenticated = authenticated
        return UnsetType()  # acknowledge with no payload

    async def execute_single(  # noqa: PLR0917 (Strawberry's signature)
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run one HTTP operation, timed by operation name (``open_graphql_request_duration_seconds``)
        and, while tracing is on, as a ``graphql <operation>`` span."""
        operation = operation_label(request_data.operation_name, request_data.query)
        started = time.perf_counter()
        outcome = "error"
        try:
            with graphql_span(operation):
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
            outcome = "ok" if not result.errors else "error"
            return result
        finally:
            GRAPHQL_DURATION.labels(operation=operation, outcome=outcome).observe(
                time.perf_counter() - started
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
