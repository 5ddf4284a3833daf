"""A request body limit for the GraphQL endpoint: larger bodies get HTTP 413, unread.

A declared ``Content-Length`` over the limit is refused before any byte is read; a body sent
without one (chunked) is counted as it arrives and refused once it passes the limit. The
answer is a GraphQL-shaped JSON error with ``extensions.code`` ``VALIDATION_FAILED``.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from open_backend.errors import ErrorCode


class BodyTooLarge(Exception):
    """The request body passed the limit while being read."""


class BodySizeLimit:
    """ASGI middleware refusing HTTP request bodies over ``max_bytes`` with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve ``scope`` with the body counted; other scope types pass through."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {
            "errors": [
                {
                    "message": f"the request body is larger than {self.max_bytes} bytes",
                    "extensions": {
                        "code": ErrorCode.VALIDATION_FAILED.value,
                        "details": {"max_bytes": self.max_bytes},
                    },
                }
            ]
        }
        await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)
