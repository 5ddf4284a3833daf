"""``authProviders``: which external sign-in buttons the web app shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from open_backend.settings import Environment, Settings

if TYPE_CHECKING:
    from conftest import Api

QUERY = "{ authProviders { name label loginUrl } }"


async def test_auth_providers_is_empty_without_configured_providers(api: Api) -> None:
    assert (await api.run(QUERY)).ok() == {"authProviders": []}


async def test_auth_providers_lists_oidc_then_github_to_anonymous_callers(api: Api) -> None:
    api.settings = Settings(
        env=Environment.TEST,
        oidc_issuer="https://id.example.org",
        oidc_client_id="open",
        oidc_client_secret=SecretStr("s3cret"),
        github_client_id="gh",
        github_client_secret=SecretStr("gh-s3cret"),
    )
    assert (await api.run(QUERY)).ok() == {
        "authProviders": [
            {"name": "oidc", "label": "Single sign-on", "loginUrl": "/auth/oidc/oidc/login"},
            {"name": "github", "label": "GitHub", "loginUrl": "/auth/oidc/github/login"},
        ]
    }


async def test_auth_providers_lists_only_github_when_only_github_is_configured(api: Api) -> None:
    api.settings = Settings(
        env=Environment.TEST, github_client_id="gh", github_client_secret=SecretStr("gh-s3cret")
    )
    names = [p["name"] for p in (await api.run(QUERY)).ok()["authProviders"]]
    assert names == ["github"]
