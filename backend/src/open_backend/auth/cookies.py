"""The refresh token cookie: how the browser keeps a sign-in without scripts seeing the token.

The cookie ``open_refresh_token`` holds the refresh token: ``HttpOnly`` (out of reach of
JavaScript, unlike localStorage), ``SameSite=Lax`` (not sent with cross-site subrequests or
POSTs), ``Secure`` except in development (where the app may run on plain http://localhost),
path ``/``, and it lives as long as the token (``OPEN_REFRESH_TOKEN_TTL_S``). The web app
exchanges it for an access token (and a rotated cookie) through the API's refresh operation.
"""

from __future__ import annotations

from typing import Final

from starlette.responses import Response

from open_backend.settings import Environment, Settings

#: Name of the cookie holding the refresh token.
REFRESH_COOKIE_NAME: Final = "open_refresh_token"

#: Path of that cookie: every backend route (the API's refresh operation must receive it).
REFRESH_COOKIE_PATH: Final = "/"


def cookies_secure(settings: Settings) -> bool:
    """Whether cookies get the ``Secure`` flag: everywhere but in development."""
    return settings.env is not Environment.DEVELOPMENT


def set_refresh_cookie(response: Response, token: str, settings: Settings) -> None:
    """Add a ``Set-Cookie`` header storing ``token`` in the refresh cookie to ``response``."""
    response.set_cookie(
        REFRESH_COOKIE_NAME,
        token,
        max_age=settings.refresh_token_ttl_s,
        path=REFRESH_COOKIE_PATH,
        secure=cookies_secure(settings),
        httponly=True,
        samesite="lax",
    )


def clear_refresh_cookie(response: Response, settings: Settings) -> None:
    """Add a ``Set-Cookie`` header deleting the refresh cookie (on sign-out) to ``response``."""
    response.delete_cookie(
        REFRESH_COOKIE_NAME,
        path=REFRESH_COOKIE_PATH,
        secure=cookies_secure(settings),
        httponly=True,
        samesite="lax",
    )
