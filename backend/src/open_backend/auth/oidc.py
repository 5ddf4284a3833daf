"""External sign-in providers, as authlib Starlette clients: a generic OpenID Connect provider and
a GitHub preset.

* ``oidc`` (when ``OPEN_OIDC_ISSUER`` is set): discovery from
  ``<issuer>/.well-known/openid-configuration``, whose ``issuer`` must be the configured one
  (mix-up defence); authorization code flow with PKCE (S256), ``state`` and ``nonce``. The ID
  token is checked by authlib (signature against the provider's JWKS, ``iss``, ``aud``, ``exp``,
  ``iat``, ``nonce``, ``at_hash``). Claims missing from it (``email``, ``email_verified``, ``name``)
  are read from the userinfo endpoint, whose ``sub`` must match.
* ``github`` (when ``OPEN_GITHUB_CLIENT_ID`` is set): OAuth 2 authorization code flow with PKCE
  and ``state`` against ``OPEN_GITHUB_URL``; the account comes from ``GET /user`` and its email
  is the primary, verified one of ``GET /user/emails`` (``OPEN_GITHUB_API_URL``).

Either way the result is an :class:`ExternalProfile` with a stable subject and an email the
provider verified; anything else raises :class:`OAuthSignInError` with a short reason code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final

import httpx
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import Response

from open_backend.auth._authlib import MismatchingStateError, OAuth, OAuthError
from open_backend.settings import Settings

#: Name (in URLs and ``oauth_identities.provider``) of the generic OpenID Connect provider.
OIDC_PROVIDER: Final = "oidc"

#: Name of the GitHub preset.
GITHUB_PROVIDER: Final = "github"

#: Scopes requested from GitHub: the profile and the (private) email addresses.
GITHUB_SCOPES: Final = "read:user user:email"

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExternalProfile:
    """Who signed in at a provider.

    Attributes:
        subject: the provider's stable id of the account (OIDC ``sub``, GitHub user id).
        email: an address the provider verified belongs to the account.
        name: the display name (may be empty).
    """

    subject: str
    email: str
    name: str


class OAuthSignInError(Exception):
    """A sign-in through a provider was refused.

    Attributes:
        reason: short code for the web app (``invalid_state``, ``provider_error``,
            ``invalid_id_token``, ``issuer_mismatch``, ``email_not_verified``,
            ``provider_unavailable``).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class OAuthProviders:
    """The providers configured in ``settings``, by name."""

    def __init__(self, settings: Settings) -> None:
        self._oauth = OAuth()
        self._issuer: str | None = None
        if (
            settings.oidc_issuer is not None
            and settings.oidc_client_id is not None
            and settings.oidc_client_secret is not None
        ):
            self._issuer = settings.oidc_issuer.rstrip("/")
            self._oauth.register(
                name=OIDC_PROVIDER,
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret.get_secret_value(),
                server_metadata_url=f"{self._issuer}/.well-known/openid-configuration",
                client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
            )
        if settings.github_client_id is not None and settings.github_client_secret is not None:
            github = settings.github_url.rstrip("/")
            self._oauth.register(
                name=GITHUB_PROVIDER,
                client_id=settings.github_client_id,
                client_secret=settings.github_client_secret.get_secret_value(),
                authorize_url=f"{github}/login/oauth/authorize",
                access_token_url=f"{github}/login/oauth/access_token",
                api_base_url=settings.github_api_url.rstrip("/") + "/",
                client_kwargs={"scope": GITHUB_SCOPES, "code_challenge_method": "S256"},
            )

    @property
    def names(self) -> frozenset[str]:
        """Names of the configured providers."""
        return frozenset(name for name in (OIDC_PROVIDER, GITHUB_PROVIDER) if self._client(name) is not None)

    def _client(self, name: str) -> Any:
        return self._oauth.create_client(name)

    async def authorize_redirect(self, name: str, request: Request, redirect_uri: str) -> Response:
        """The redirect sending the browser to provider ``name``'s authorization endpoint.

        Stores the flow's state, nonce and PKCE verifier in ``request.session``.

        Raises:
            KeyError: no provider ``name`` is configured.
            OAuthSignInError: the provider's discovery document cannot be read or names
                another issuer.
        """
        client = self._configured(name)
        await self._check_discovery(name, client)
        response: Response = await client.authorize_redirect(request, redirect_uri)
        return response

    async def complete(self, name: str, request: Request) -> ExternalProfile:
        """Finish the flow at provider ``name`` from its callback ``request``.

        Raises:
            KeyError: no provider ``name`` is configured.
            OAuthSignInError: the state is unknown (forged, replayed, or from another browser),
                the provider refused the code (e.g. a PKCE verifier mismatch), the ID token is
                invalid (e.g. a nonce mismatch), or no verified email was obtained.
        """
        client = self._configured(name)
        await self._check_discovery(name, client)
        try:
            token = await client.authorize_access_token(request)
            if name == GITHUB_PROVIDER:
                return await _github_profile(client, token)
            return await _oidc_profile(client, token)
        except MismatchingStateError as exc:
            raise OAuthSignInError("invalid_state", "the sign-in state is unknown or expired") from exc
        except OAuthError as exc:
            raise OAuthSignInError("provider_error", f"the provider refused: {exc.error}") from exc
        except JoseError as exc:
            raise OAuthSignInError("invalid_id_token", f"the ID token is invalid: {exc}") from exc
        except httpx.HTTPError as exc:
            raise OAuthSignInError("provider_unavailable", f"the provider did not answer: {exc}") from exc

    def _configured(self, name: str) -> Any:
        client = self._client(name) if name in (OIDC_PROVIDER, GITHUB_PROVIDER) else None
        if client is None:
            raise KeyError(name)
        return client

    async def _check_discovery(self, name: str, client: Any) -> None:
        if name != OIDC_PROVIDER:
            return
        try:
            metadata = await client.load_server_metadata()
        except (httpx.HTTPError, ValueError) as exc:
            raise OAuthSignInError(
                "provider_unavailable", f"the provider's discovery document is unavailable: {exc}"
            ) from exc
        issuer = metadata.get("issuer")
        if not isinstance(issuer, str) or issuer.rstrip("/") != self._issuer:
            raise OAuthSignInError(
                "issuer_mismatch", f"the discovery document names issuer {issuer!r}, not {self._issuer!r}"
            )


async def _oidc_profile(client: Any, token: dict[str, Any]) -> ExternalProfile:
    id_claims = token.get("userinfo")
    if not id_claims:
        raise OAuthSignInError("invalid_id_token", "the provider returned no ID token")
    claims = dict(id_claims)
    if not claims.get("email") or "email_verified" not in claims or not claims.get("name"):
        userinfo = dict(await client.userinfo(token=token))
        if userinfo.get("sub") != claims.get("sub"):
            raise OAuthSignInError("invalid_id_token", "the userinfo subject differs from the ID token's")
        claims = {**userinfo, **claims}
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        raise OAuthSignInError("email_not_verified", "the provider did not assert a verified email")
    name = claims.get("name") or claims.get("preferred_username") or ""
    return ExternalProfile(subject=str(claims["sub"]), email=email, name=str(name))


async def _github_profile(client: Any, token: dict[str, Any]) -> ExternalProfile:
    user_response = await client.get("user", token=token)
    user_response.raise_for_status()
    user = user_response.json()
    emails_response = await client.get("user/emails", token=token)
    emails_response.raise_for_status()
    emails = emails_response.json()
    primary = next(
        (
            entry["email"]
            for entry in emails
            if isinstance(entry, dict) and entry.get("primary") and entry.get("verified") is True
        ),
        None,
    )
    if not isinstance(primary, str) or not isinstance(user, dict) or "id" not in user:
        raise OAuthSignInError("email_not_verified", "the GitHub account has no verified primary email")
    name = user.get("name") or user.get("login") or ""
    return ExternalProfile(subject=str(user["id"]), email=primary, name=str(name))
