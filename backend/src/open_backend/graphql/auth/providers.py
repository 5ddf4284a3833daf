"""``authProviders``: the external sign-in providers this deployment offers (public)."""

from __future__ import annotations

from typing import Final

import strawberry

from open_backend.auth.oidc import GITHUB_PROVIDER, OIDC_PROVIDER
from open_backend.graphql.context import Info
from open_backend.settings import Settings

#: What the sign-in page shows for each provider.
_LABELS: Final = {OIDC_PROVIDER: "Single sign-on", GITHUB_PROVIDER: "GitHub"}


@strawberry.type(description="An external sign-in provider (OAuth / OpenID Connect).")
class AuthProvider:
    name: str = strawberry.field(description="oidc or github: the {provider} of its /auth/oidc routes.")
    label: str = strawberry.field(description="What a sign-in button shows.")
    login_url: str = strawberry.field(
        description="Where the browser goes (a full-page navigation, not a fetch) to sign in with it."
    )


def configured_providers(settings: Settings) -> list[AuthProvider]:
    """The providers ``settings`` configure, generic OpenID Connect first.

    Mirrors :class:`~open_backend.auth.oidc.OAuthProviders` without building its clients: the
    settings validate that a provider's variables are set together.
    """
    names = []
    if settings.oidc_issuer is not None:
        names.append(OIDC_PROVIDER)
    if settings.github_client_id is not None:
        names.append(GITHUB_PROVIDER)
    return [AuthProvider(name=n, label=_LABELS[n], login_url=f"/auth/oidc/{n}/login") for n in names]


def resolve_auth_providers(info: Info) -> list[AuthProvider]:
    return configured_providers(info.context.settings)


auth_providers = strawberry.field(
    resolver=resolve_auth_providers,
    description=(
        "The external sign-in providers configured on this server (public: the sign-in page asks "
        "before anyone signs in); empty when only passwords are offered."
    ),
)


@strawberry.type
class AuthQueries:
    auth_providers = auth_providers
