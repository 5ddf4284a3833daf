"""Browser sign-in through OAuth / OpenID Connect providers.

Routes (``{provider}`` is ``oidc`` or ``github``, see :mod:`open_backend.auth.oidc`):

``GET /auth/oidc/{provider}/login``
    Starts an authorization code flow with PKCE (S256), ``state`` and, for OpenID Connect,
    ``nonce``: stores them in the signed flow cookie (:mod:`open_backend.auth.flow_session`) and
    redirects (302) to the provider. An unconfigured provider is a 404.

``GET /auth/oidc/{provider}/callback``
    The provider's redirect back. Checks the state against the flow cookie, exchanges the code
    (with the PKCE verifier) and checks the ID token, then signs the account in: the first
    sign-in of ``(provider, subject)`` creates the user and a personal organization; later ones
    find that user. It issues a refresh token (a new family), stores it in the refresh cookie
    (:mod:`open_backend.auth.cookies`: HttpOnly, SameSite=Lax, Secure except in development)
    and redirects (303) to ``OPEN_APP_URL``; the web app then exchanges the cookie for an access
    token through the API's refresh operation, so no token ever appears in a URL. A refused
    sign-in redirects to ``OPEN_APP_URL`` with ``?auth_error=<reason>`` (the reasons of
    :class:`~open_backend.auth.oidc.OAuthSignInError`, plus ``account_exists`` when a new
    account's email belongs to an existing user, and ``invalid_profile``) and sets no cookie.

The redirect URI registered at the provider is ``<OPEN_PUBLIC_URL>/auth/oidc/<provider>/callback``
(without ``OPEN_PUBLIC_URL``, the scheme and host of the request). Mount with
``routes=[*health_routes(), *oidc_routes(settings)]``; the routes use ``app.state.sessions``.
"""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import urlencode

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from open_backend.auth.cookies import cookies_secure, set_refresh_cookie
from open_backend.auth.flow_session import FlowSessionMiddleware
from open_backend.auth.keys import OAUTH_FLOW_COOKIE_PURPOSE, derive_key
from open_backend.auth.oidc import OAuthProviders, OAuthSignInError
from open_backend.db.types import utcnow
from open_backend.errors import Conflict, ValidationFailed
from open_backend.services.accounts import issue_refresh_token, sign_in_with_identity
from open_backend.settings import Settings

#: Query parameter of ``OPEN_APP_URL`` naming why a sign-in was refused.
ERROR_PARAMETER: Final = "auth_error"

logger = logging.getLogger(__name__)


def _app_redirect(settings: Settings, error: str | None = None) -> RedirectResponse:
    url = settings.app_url
    if error is not None:
        url += ("&" if "?" in url else "?") + urlencode({ERROR_PARAMETER: error})
    return RedirectResponse(url, status_code=303)


def _not_configured(provider: str) -> Response:
    return JSONResponse({"error": f"no sign-in provider named {provider!r}"}, status_code=404)


def oidc_routes(settings: Settings) -> list[Route]:
    """The login and callback routes of the providers configured in ``settings``.

    The routes need ``app.state.sessions`` (set by the application's lifespan).
    """
    providers = OAuthProviders(settings)
    flow_cookie = Middleware(
        FlowSessionMiddleware,
        key=derive_key(settings.secret_key.get_secret_value(), OAUTH_FLOW_COOKIE_PURPOSE),
        secure=cookies_secure(settings),
    )

    def callback_url(request: Request, provider: str) -> str:
        if settings.public_url is not None:
            return f"{settings.public_url.rstrip('/')}/auth/oidc/{provider}/callback"
        return str(request.url_for("oidc_callback", provider=provider))

    async def login(request: Request) -> Response:
        provider = request.path_params["provider"]
        if provider not in providers.names:
            return _not_configured(provider)
        try:
            return await providers.authorize_redirect(provider, request, callback_url(request, provider))
        except OAuthSignInError as exc:
            logger.warning("sign-in with %s could not start (%s): %s", provider, exc.reason, exc)
            return _app_redirect(settings, exc.reason)

    async def callback(request: Request) -> Response:
        provider = request.path_params["provider"]
        if provider not in providers.names:
            return _not_configured(provider)
        try:
            profile = await providers.complete(provider, request)
        except OAuthSignInError as exc:
            logger.warning("sign-in with %s refused (%s): %s", provider, exc.reason, exc)
            return _app_redirect(settings, exc.reason)
        now = utcnow()
        async with request.app.state.sessions() as session:
            try:
                user = await sign_in_with_identity(
                    session,
                    provider=provider,
                    subject=profile.subject,
                    email=profile.email,
                    name=profile.name,
                    now=now,
                )
            except Conflict:
                return _app_redirect(settings, "account_exists")
            except ValidationFailed:
                return _app_redirect(settings, "invalid_profile")
            refresh_token = await issue_refresh_token(
                session, user.id, now, ttl_s=settings.refresh_token_ttl_s
            )
            await session.commit()
        response = _app_redirect(settings)
        set_refresh_cookie(response, refresh_token, settings)
        return response

    return [
        Route(
            "/auth/oidc/{provider}/login", login, methods=["GET"], name="oidc_login", middleware=[flow_cookie]
        ),
        Route(
            "/auth/oidc/{provider}/callback",
            callback,
            methods=["GET"],
            name="oidc_callback",
            middleware=[flow_cookie],
        ),
    ]
