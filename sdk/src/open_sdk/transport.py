"""Talking to the server: queries and mutations over HTTP (httpx), subscriptions over a
graphql-transport-ws websocket (gql with websockets).

Both send the same credentials: ``Authorization: Bearer <API key or access token>`` and, when
an organization is chosen, ``X-Organization-Id`` (on the websocket, the ``connection_init``
payload's ``authorization`` and ``organization``). Errors leave here as :mod:`open_sdk.errors`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncGenerator, Mapping
from typing import Any, Final

import httpx
from gql import Client as GqlClient
from gql import GraphQLRequest
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed, WebSocketException

from open_sdk.errors import AuthenticationError, NetworkError, OpenError, error_from_graphql

#: Where the server is when neither the ``url`` argument nor ``OPEN_SERVER_URL`` says.
DEFAULT_SERVER_URL: Final = "http://127.0.0.1:8000"
GRAPHQL_PATH: Final = "/graphql"
#: The close code of a websocket whose credentials the server refused.
REFUSED_CLOSE_CODE: Final = 4403


def endpoint(url: str | None) -> str:
    """The GraphQL endpoint of the server at ``url`` (default ``OPEN_SERVER_URL``, else
    :data:`DEFAULT_SERVER_URL`): ``/graphql`` is added unless already there.

    Raises:
        ValueError: ``url`` is not an ``http://`` or ``https://`` address.
    """
    base = (url or os.environ.get("OPEN_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"the server URL must start with http:// or https://, got {base!r}")
    return base if base.endswith(GRAPHQL_PATH) else base + GRAPHQL_PATH


def credential(api_key: str | None, token: str | None) -> str | None:
    """The bearer credential: ``api_key``, else ``token``, else ``OPEN_API_KEY``, else ``OPEN_TOKEN``.

    Raises:
        ValueError: both ``api_key`` and ``token`` are given.
    """
    if api_key and token:
        raise ValueError("give api_key or token, not both")
    return api_key or token or os.environ.get("OPEN_API_KEY") or os.environ.get("OPEN_TOKEN") or None


class Transport:
    """One server connection setting: an HTTP client (opened lazily, closed by :meth:`aclose`)
    and the parameters of the websockets opened per subscription.

    Args:
        url: the GraphQL endpoint (see :func:`endpoint`).
        bearer: the API key or access token; None sends no credentials.
        organization: the organization id to act in (users only; an API key has its own).
        timeout: seconds for connecting and for each HTTP request.
    """

    def __init__(self, url: str, *, bearer: str | None, organization: str | None, timeout: float) -> None:
        self.url = url
        self.ws_url = "ws" + url.removeprefix("http")
        self.timeout = timeout
        self.headers: dict[str, str] = {}
        self.init_payload: dict[str, Any] = {}
        if bearer is not None:
            self.headers["Authorization"] = f"Bearer {bearer}"
            self.init_payload["authorization"] = f"Bearer {bearer}"
        if organization is not None:
            self.headers["X-Organization-Id"] = organization
            self.init_payload["organization"] = organization
        self._http: httpx.AsyncClient | None = None

    async def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send a query or mutation over HTTP; returns its ``data``.

        Raises:
            OpenError: a subclass per ``extensions.code`` when the response has errors.
            NetworkError: the server cannot be reached or does not answer GraphQL.
        """
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout, headers=self.headers)
        try:
            response = await self._http.post(self.url, json={"query": document, "variables": variables or {}})
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"cannot reach the OPEN server: {exc or type(exc).__name__}", url=self.url
            ) from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not ("data" in answer or "errors" in answer):
            raise NetworkError(
                f"the server answered HTTP {response.status_code} without a GraphQL result", url=self.url
            )
        if answer.get("errors"):
            raise error_from_graphql(answer["errors"])
        data: dict[str, Any] = answer["data"]
        return data

    async def subscribe(
        self, document: str, variables: Mapping[str, Any] | None = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """The results of a subscription, until the server completes it.

        Raises:
            AuthenticationError: the server refused the credentials at ``connection_init``.
            OpenError: a subclass per ``extensions.code`` when the subscription fails.
            NetworkError: the websocket could not be opened or was lost (resume from there).
        """
        transport = WebsocketsTransport(
            url=self.ws_url,
            init_payload=self.init_payload,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            connect_timeout=self.timeout,
            ack_timeout=self.timeout,
            close_timeout=1,
        )
        client = GqlClient(transport=transport, fetch_schema_from_transport=False)
        request = GraphQLRequest(document, variable_values=dict(variables or {}))
        try:
            async with client as session:
                async for result in session.subscribe(request):
                    yield result
        except TransportQueryError as exc:
            raise error_from_graphql(exc.errors or [{"message": str(exc)}]) from exc
        except (TransportError, WebSocketException, OSError, TimeoutError) as exc:
            raise _websocket_error(exc, self.ws_url) from exc

    async def aclose(self) -> None:
        """Close the HTTP client (subscriptions close their own websockets)."""
        if self._http is not None:
            with contextlib.suppress(httpx.HTTPError):
                await self._http.aclose()
            self._http = None


def _websocket_error(exc: BaseException, url: str) -> OpenError:
    closed = exc if isinstance(exc, ConnectionClosed) else exc.__cause__
    if isinstance(closed, ConnectionClosed) and closed.rcvd is not None:
        if closed.rcvd.code == REFUSED_CLOSE_CODE:
            return AuthenticationError(
                "the server refused the credentials (send a valid API key or access token)",
                code="UNAUTHENTICATED",
            )
        return NetworkError(f"the websocket was closed with code {closed.rcvd.code}", url=url)
    return NetworkError(f"websocket failed: {exc or type(exc).__name__}", url=url)
