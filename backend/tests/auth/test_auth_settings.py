"""The sign-in settings appended to ``Settings``: previous JWT keys, OAuth providers, URLs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from open_backend.settings import DEVELOPMENT_SECRET_KEY, Environment, Settings

STRONG = "s" * 32
OIDC = {
    "oidc_issuer": "https://id.example.org",
    "oidc_client_id": "open",
    "oidc_client_secret": "client-secret",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("OPEN_"):
            monkeypatch.delenv(name)
    yield


def _settings(**fields: Any) -> Settings:
    return Settings(**{"env": Environment.TEST, **fields})


def test_the_sign_in_settings_default_to_no_providers_and_no_previous_keys() -> None:
    settings = _settings()
    assert settings.previous_secret_keys == ()
    assert (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret) == (None, None, None)
    assert settings.oidc_scopes == "openid email profile"
    assert (settings.github_client_id, settings.github_client_secret) == (None, None)
    assert (settings.github_url, settings.github_api_url) == ("https://github.com", "https://api.github.com")
    assert (settings.public_url, settings.app_url) == (None, "/")


def test_the_sign_in_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "OPEN_JWT_PREVIOUS_KEYS": "old-one, old-two,,",
        "OPEN_PUBLIC_URL": "https://api.example.org",
        "OPEN_APP_URL": "https://app.example.org/welcome",
        "OPEN_OIDC_ISSUER": "https://id.example.org/realms/open",
        "OPEN_OIDC_CLIENT_ID": "open-backend",
        "OPEN_OIDC_CLIENT_SECRET": "oidc-secret",
        "OPEN_OIDC_SCOPES": "openid email",
        "OPEN_GITHUB_CLIENT_ID": "gh-id",
        "OPEN_GITHUB_CLIENT_SECRET": "gh-secret",
        "OPEN_GITHUB_URL": "https://ghe.example.org",
        "OPEN_GITHUB_API_URL": "https://ghe.example.org/api/v3",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.previous_secret_keys == ("old-one", "old-two")
    assert (settings.public_url, settings.app_url) == (
        "https://api.example.org",
        "https://app.example.org/welcome",
    )
    assert settings.oidc_issuer == "https://id.example.org/realms/open"
    assert settings.oidc_client_id == "open-backend"
    assert settings.oidc_client_secret is not None
    assert settings.oidc_client_secret.get_secret_value() == "oidc-secret"
    assert settings.oidc_scopes == "openid email"
    assert settings.github_client_id == "gh-id"
    assert settings.github_client_secret is not None
    assert settings.github_client_secret.get_secret_value() == "gh-secret"
    assert (settings.github_url, settings.github_api_url) == (
        "https://ghe.example.org",
        "https://ghe.example.org/api/v3",
    )


def test_client_secrets_and_previous_keys_are_hidden_from_the_repr() -> None:
    settings = _settings(
        **OIDC, jwt_previous_keys="previous-key-value", github_client_id="g", github_client_secret="gh-value"
    )
    for secret in ("client-secret", "previous-key-value", "gh-value"):
        assert secret not in repr(settings)


@pytest.mark.parametrize("missing", sorted(OIDC))
def test_the_oidc_provider_needs_issuer_client_id_and_secret_together(missing: str) -> None:
    partial = {name: value for name, value in OIDC.items() if name != missing}
    with pytest.raises(ValidationError, match="set together"):
        _settings(**partial)


def test_the_oidc_issuer_must_be_an_http_url() -> None:
    with pytest.raises(ValidationError, match="http"):
        _settings(**{**OIDC, "oidc_issuer": "id.example.org"})


def test_production_needs_an_https_oidc_issuer() -> None:
    with pytest.raises(ValidationError, match="https in production"):
        _settings(
            **{**OIDC, "oidc_issuer": "http://id.example.org"}, env=Environment.PRODUCTION, secret_key=STRONG
        )


def test_a_plain_http_issuer_is_allowed_outside_production() -> None:
    assert (
        _settings(**{**OIDC, "oidc_issuer": "http://127.0.0.1:8080"}).oidc_issuer == "http://127.0.0.1:8080"
    )


def test_the_oidc_scopes_must_include_openid() -> None:
    with pytest.raises(ValidationError, match="openid"):
        _settings(oidc_scopes="email profile")


@pytest.mark.parametrize("field", ["github_client_id", "github_client_secret"])
def test_the_github_preset_needs_client_id_and_secret_together(field: str) -> None:
    with pytest.raises(ValidationError, match="set together"):
        _settings(**{field: "value"})


def test_production_refuses_a_short_previous_key() -> None:
    with pytest.raises(ValidationError, match="OPEN_JWT_PREVIOUS_KEYS key 2"):
        _settings(env=Environment.PRODUCTION, secret_key=STRONG, jwt_previous_keys=f"{STRONG},short")


def test_production_refuses_the_development_key_as_a_previous_key() -> None:
    with pytest.raises(ValidationError, match="OPEN_JWT_PREVIOUS_KEYS key 1"):
        _settings(env=Environment.PRODUCTION, secret_key=STRONG, jwt_previous_keys=DEVELOPMENT_SECRET_KEY)


def test_production_accepts_strong_previous_keys() -> None:
    settings = _settings(env=Environment.PRODUCTION, secret_key=STRONG, jwt_previous_keys="p" * 32)
    assert settings.previous_secret_keys == ("p" * 32,)
