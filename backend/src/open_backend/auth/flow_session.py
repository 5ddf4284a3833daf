"""The short-lived, signed cookie that carries an OAuth sign-in from its start to its callback.

authlib's Starlette client keeps the pending flow's ``state``, ``nonce``, PKCE ``code_verifier``
and ``redirect_uri`` in ``request.session``. Starlette's own ``SessionMiddleware`` would need
itsdangerous, which the backend does not otherwise use; :class:`FlowSessionMiddleware` does the
same job with PyJWT: the session dict travels as an HS256 JWT (key derived from
``OPEN_SECRET_KEY`` for this purpose only) in the cookie ``open_oauth_flow``, restricted to
``/auth/oidc`` and expiring after :data:`FLOW_MAX_AGE_S`. Like Starlette's cookie it is signed,
not encrypted: its values are only useful to the browser that holds it. A missing, tampered or
expired cookie is an empty session, so the callback refuses the flow (unknown ``state``).
"""

from __future__ import annotations

import time
from typing import Any, Final

import jwt
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Name of the flow cookie.
FLOW_COOKIE_NAME: Final = "open_oauth_flow"

#: Path the flow cookie is sent to: the OAuth sign-in routes only.
FLOW_COOKIE_PATH: Final = "/auth/oidc"

#: Seconds a started sign-in may take before its cookie expires (10 minutes).
FLOW_MAX_AGE_S: Final = 600

_ALGORITHM: Final = "HS256"


class FlowSessionMiddleware:
    """ASGI middleware giving HTTP requests a ``scope["session"]`` dict stored in a signed cookie.

    The cookie is written only when the request changed the session, and deleted when the
    session became empty.

    Args:
        app: the wrapped application.
        key: the HMAC key signing the cookie (32 bytes or more).
        secure: whether the cookie gets the ``Secure`` flag.
    """

    def __init__(self, app: ASGIApp, *, key: bytes, secure: bool) -> None:
        self.app = app
        self._key = key
        self._secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loaded = self._load(HTTPConnection(scope).cookies.get(FLOW_COOKIE_NAME))
        scope["session"] = dict(loaded)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and scope["session"] != loaded:
                MutableHeaders(scope=message).append("Set-Cookie", self._cookie(scope["session"]))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, value: str | None) -> dict[str, Any]:
        if not value:
            return {}
        try:
            claims = jwt.decode(value, self._key, algorithms=[_ALGORITHM], options={"require": ["exp"]})
        except jwt.PyJWTError:
            return {}
        session = claims.get("session")
        return session if isinstance(session, dict) else {}

    def _cookie(self, session: dict[str, Any]) -> str:
        attributes = f"Path={FLOW_COOKIE_PATH}; HttpOnly; SameSite=Lax" + ("; Secure" if self._secure else "")
        if not session:
            return f"{FLOW_COOKIE_NAME}=; Max-Age=0; {attributes}"
        claims = {"session": session, "exp": int(time.time()) + FLOW_MAX_AGE_S}
        value = jwt.encode(claims, self._key, algorithm=_ALGORITHM)
        return f"{FLOW_COOKIE_NAME}={value}; Max-Age={FLOW_MAX_AGE_S}; {attributes}"
