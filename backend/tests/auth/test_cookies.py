from __future__ import annotations

import pytest
from starlette.responses import Response

from open_backend.auth.cookies import (
    REFRESH_COOKIE_NAME,
    clear_refresh_cookie,
    cookies_secure,
    set_refresh_cookie,
)
from open_backend.settings import Environment, Settings


def _attributes(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")[1:]}


def test_the_refresh_cookie_is_http_only_lax_secure_and_lives_as_long_as_the_token() -> None:
    settings = Settings(env=Environment.TEST, refresh_token_ttl_s=3600)
    response = Response()
    set_refresh_cookie(response, "the-token", settings)
    header = response.headers["set-cookie"]
    assert header.startswith(f"{REFRESH_COOKIE_NAME}=the-token;")
    assert _attributes(header) == {"HttpOnly", "Max-Age=3600", "Path=/", "SameSite=lax", "Secure"}


def test_the_refresh_cookie_is_not_secure_in_development() -> None:
    response = Response()
    set_refresh_cookie(response, "the-token", Settings(env=Environment.DEVELOPMENT))
    assert "Secure" not in _attributes(response.headers["set-cookie"])


@pytest.mark.parametrize(
    ("env", "secure"),
    [(Environment.DEVELOPMENT, False), (Environment.TEST, True), (Environment.PRODUCTION, True)],
)
def test_cookies_are_secure_everywhere_but_in_development(env: Environment, secure: bool) -> None:
    assert cookies_secure(Settings(env=env, secret_key="k" * 32)) is secure


def test_clearing_the_refresh_cookie_expires_it_at_its_path() -> None:
    response = Response()
    clear_refresh_cookie(response, Settings(env=Environment.TEST))
    header = response.headers["set-cookie"]
    assert header.startswith(f'{REFRESH_COOKIE_NAME}="";')
    assert {"Max-Age=0", "Path=/", "HttpOnly", "Secure"} <= _attributes(header)
