"""Sign-in through OAuth / OpenID Connect, end to end against a real local provider.

The provider (``oidc_provider.py``) runs with uvicorn on 127.0.0.1; the backend runs in-process
on PostgreSQL; a "browser" (an httpx client keeping cookies) walks the redirects between them
one by one, so tests can tamper with what it carries.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.auth.cookies import REFRESH_COOKIE_NAME
from open_backend.auth.flow_session import FLOW_COOKIE_NAME
from open_backend.auth.passwords import hash_password
from open_backend.db.models import Membership, OAuthIdentity, Organization, Role, User
from open_backend.oidc_routes import oidc_routes
from open_backend.services.accounts import rotate_refresh_token
from open_backend.settings import Environment, Settings

from . import oidc_provider
from .oidc_provider import ProviderUser, TestProvider

BACKEND = "https://open.test"
APP_URL = "https://app.open.test/signed-in"
CLIENT_ID, CLIENT_SECRET = "open-backend", "open-backend-secret"
GITHUB_ID, GITHUB_SECRET = "open-github-app", "open-github-secret"

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="module")
def running_provider() -> Iterator[TestProvider]:
    provider = TestProvider()
    with oidc_provider.serve(provider):
        for client_id, secret, provider_name in (
            (CLIENT_ID, CLIENT_SECRET, "oidc"),
            (GITHUB_ID, GITHUB_SECRET, "github"),
        ):
            provider.register_client(client_id, secret, [f"{BACKEND}/auth/oidc/{provider_name}/callback"])
        yield provider


@pytest.fixture
def provider(running_provider: TestProvider) -> Iterator[TestProvider]:
    running_provider.reset()
    yield running_provider
    running_provider.reset()


@dataclass
class Backend:
    app: Starlette
    settings: Settings

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        sessions: async_sessionmaker[AsyncSession] = self.app.state.sessions
        return sessions


@pytest.fixture
async def backend(provider: TestProvider, postgres_url: str, serve: Serve) -> AsyncIterator[Backend]:
    settings = Settings(
        env=Environment.TEST,
        database_url=postgres_url,
        secret_key="oidc-tests-secret-key-of-32-bytes-or-more",
        app_url=APP_URL,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        github_client_id=GITHUB_ID,
        github_client_secret=GITHUB_SECRET,
        github_url=provider.issuer,
        github_api_url=f"{provider.issuer}/api",
    )
    app = create_app(settings)
    app.router.routes.extend(oidc_routes(settings))  # what app.py does once the routes are mounted
    async with serve(app):
        yield Backend(app, settings)


@contextlib.asynccontextmanager
async def _browser(backend: Backend) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client reaching the backend in-process and the provider over HTTP."""
    async with httpx.AsyncClient(
        mounts={BACKEND: httpx.ASGITransport(app=backend.app)}, trust_env=False, timeout=10
    ) as client:
        yield client


@pytest.fixture
async def browser(backend: Backend) -> AsyncIterator[httpx.AsyncClient]:
    async with _browser(backend) as client:
        yield client


def _account() -> ProviderUser:
    tag = uuid.uuid4().hex[:12]
    return ProviderUser(
        sub=f"sub-{tag}", email=f"{tag}@example.org", name=f"User {tag}", github_id=int(tag, 16)
    )


def _location(response: httpx.Response) -> str:
    assert response.status_code in (302, 303), (response.status_code, response.text)
    return response.headers["location"]


def _query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**_query(url), **changes})))


async def _start(browser: httpx.AsyncClient, provider_name: str = "oidc") -> str:
    """Open the login route; return the provider's authorization URL it redirects to."""
    return _location(await browser.get(f"{BACKEND}/auth/oidc/{provider_name}/login"))


async def _authorize(browser: httpx.AsyncClient, authorization_url: str) -> str:
    """Visit the provider's authorization endpoint; return the callback URL it redirects to."""
    return _location(await browser.get(authorization_url))


async def _sign_in(browser: httpx.AsyncClient, provider_name: str = "oidc") -> httpx.Response:
    """The whole flow; return the backend's final response (its redirect to the web app)."""
    callback = await _authorize(browser, await _start(browser, provider_name))
    return await browser.get(callback)


async def _user_by_email(backend: Backend, email: str) -> User | None:
    async with backend.sessions() as session:
        return (await session.exec(select(User).where(col(User.email) == email))).first()


async def _identities(backend: Backend, user_id: uuid.UUID) -> list[tuple[str, str]]:
    async with backend.sessions() as session:
        rows = await session.exec(select(OAuthIdentity).where(col(OAuthIdentity.user_id) == user_id))
        return [(row.provider, row.subject) for row in rows.all()]


def _refused_with(response: httpx.Response, reason: str) -> None:
    location = _location(response)
    assert location == f"{APP_URL}?auth_error={reason}"
    assert REFRESH_COOKIE_NAME not in response.headers.get("set-cookie", "")


# the authorization request


async def test_login_redirects_to_the_provider_with_pkce_s256_state_and_nonce(
    browser: httpx.AsyncClient, provider: TestProvider
) -> None:
    authorization_url = await _start(browser)
    assert authorization_url.startswith(f"{provider.issuer}/authorize?")
    query = _query(authorization_url)
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == f"{BACKEND}/auth/oidc/oidc/callback"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20


async def test_login_keeps_the_flow_in_a_secure_http_only_cookie(browser: httpx.AsyncClient) -> None:
    response = await browser.get(f"{BACKEND}/auth/oidc/oidc/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{FLOW_COOKIE_NAME}=")
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/auth/oidc"} <= {p.strip() for p in cookie.split(";")}


async def test_the_redirect_uri_uses_the_public_url_when_set(
    backend: Backend, serve: Serve, provider: TestProvider
) -> None:
    settings = backend.settings.model_copy(update={"public_url": "https://api.example.org/"})
    app = create_app(settings)
    app.router.routes.extend(oidc_routes(settings))
    async with serve(app) as client:
        authorization_url = _location(await client.get("/auth/oidc/oidc/login"))
    assert _query(authorization_url)["redirect_uri"] == "https://api.example.org/auth/oidc/oidc/callback"


async def test_an_unconfigured_provider_is_not_found(browser: httpx.AsyncClient) -> None:
    assert (await browser.get(f"{BACKEND}/auth/oidc/gitlab/login")).status_code == 404
    assert (await browser.get(f"{BACKEND}/auth/oidc/gitlab/callback?code=x&state=y")).status_code == 404


async def test_a_provider_whose_discovery_names_another_issuer_is_refused(
    browser: httpx.AsyncClient, provider: TestProvider
) -> None:
    provider.discovery_issuer = "https://impostor.example.org"
    _refused_with(await browser.get(f"{BACKEND}/auth/oidc/oidc/login"), "issuer_mismatch")


# successful sign-ins


async def test_a_first_sign_in_creates_the_user_and_a_personal_organization(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    response = await _sign_in(browser)
    assert _location(response) == APP_URL
    user = await _user_by_email(backend, account.email)
    assert user is not None
    assert (user.name, user.password_hash) == (account.name, None)
    assert user.last_sign_in_at is not None
    assert await _identities(backend, user.id) == [("oidc", account.sub)]
    async with backend.sessions() as session:
        memberships = (await session.exec(select(Membership).where(col(Membership.user_id) == user.id))).all()
        assert [m.role for m in memberships] == [Role.OWNER]
        assert await session.get(Organization, memberships[0].organization_id) is not None


async def test_the_callback_sets_a_working_refresh_token_cookie(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    response = await _sign_in(browser)
    cookies = response.headers.get_list("set-cookie")
    refresh = next(cookie for cookie in cookies if cookie.startswith(f"{REFRESH_COOKIE_NAME}="))
    attributes = {part.strip() for part in refresh.split(";")[1:]}
    assert {"HttpOnly", "Secure", "SameSite=lax", "Path=/"} <= attributes
    assert f"Max-Age={backend.settings.refresh_token_ttl_s}" in attributes
    token = browser.cookies[REFRESH_COOKIE_NAME]
    user = await _user_by_email(backend, account.email)
    assert user is not None
    async with backend.sessions() as session:
        user_id, _ = await rotate_refresh_token(session, token, user.last_sign_in_at or user.created_at)
        await session.commit()
    assert user_id == user.id


async def test_the_callback_clears_the_flow_cookie(
    browser: httpx.AsyncClient, provider: TestProvider
) -> None:
    provider.current_user = _account()
    response = await _sign_in(browser)
    flow = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{FLOW_COOKIE_NAME}="))
    assert "Max-Age=0" in flow
    assert FLOW_COOKIE_NAME not in browser.cookies


async def test_a_second_sign_in_finds_the_same_user(backend: Backend, provider: TestProvider) -> None:
    provider.current_user = account = _account()
    async with _browser(backend) as first_browser:
        await _sign_in(first_browser)
    first = await _user_by_email(backend, account.email)
    async with _browser(backend) as second_browser:
        response = await _sign_in(second_browser)
        assert _location(response) == APP_URL
        assert REFRESH_COOKIE_NAME in second_browser.cookies
    second = await _user_by_email(backend, account.email)
    assert first is not None and second is not None
    assert second.id == first.id
    assert second.last_sign_in_at is not None and first.last_sign_in_at is not None
    assert second.last_sign_in_at > first.last_sign_in_at
    async with backend.sessions() as session:
        memberships = (
            await session.exec(select(Membership).where(col(Membership.user_id) == first.id))
        ).all()
    assert len(memberships) == 1


async def test_claims_missing_from_the_id_token_are_read_from_userinfo(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    provider.email_in_id_token = False
    assert _location(await _sign_in(browser)) == APP_URL
    assert await _user_by_email(backend, account.email) is not None


async def test_github_sign_in_uses_the_primary_verified_email(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    authorization_url = await _start(browser, "github")
    assert authorization_url.startswith(f"{provider.issuer}/login/oauth/authorize?")
    assert _query(authorization_url)["code_challenge_method"] == "S256"
    response = await browser.get(await _authorize(browser, authorization_url))
    assert _location(response) == APP_URL
    user = await _user_by_email(backend, account.email)
    assert user is not None and user.name == account.name
    assert await _identities(backend, user.id) == [("github", str(account.github_id))]


# refused sign-ins


async def test_a_tampered_state_is_refused(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    callback = await _authorize(browser, await _start(browser))
    response = await browser.get(_with_query(callback, state="forged-" + _query(callback)["state"]))
    _refused_with(response, "invalid_state")
    assert await _user_by_email(backend, account.email) is None


async def test_a_callback_from_a_browser_that_did_not_start_the_flow_is_refused(
    backend: Backend, provider: TestProvider
) -> None:
    provider.current_user = account = _account()
    async with _browser(backend) as victim, _browser(backend) as attacker:
        callback = await _authorize(attacker, await _start(attacker))
        _refused_with(await victim.get(callback), "invalid_state")
    assert await _user_by_email(backend, account.email) is None


async def test_a_replayed_callback_is_refused(browser: httpx.AsyncClient, provider: TestProvider) -> None:
    provider.current_user = _account()
    callback = await _authorize(browser, await _start(browser))
    assert _location(await browser.get(callback)) == APP_URL
    _refused_with(await browser.get(callback), "invalid_state")


async def test_an_id_token_with_another_nonce_is_refused(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    provider.nonce_override = "a-nonce-this-flow-never-sent"
    _refused_with(await _sign_in(browser), "invalid_id_token")
    assert await _user_by_email(backend, account.email) is None


async def test_an_injected_code_fails_the_pkce_check_at_the_provider(
    backend: Backend, provider: TestProvider
) -> None:
    victim_account, attacker_account = _account(), _account()
    async with _browser(backend) as victim, _browser(backend) as attacker:
        provider.current_user = attacker_account
        attacker_callback = await _authorize(attacker, await _start(attacker))
        provider.current_user = victim_account
        victim_callback = await _authorize(victim, await _start(victim))
        # The attacker's code, delivered to the victim's browser with the victim's own state:
        # state and nonce checks cannot tell, but the victim's PKCE verifier does not match.
        injected = _with_query(victim_callback, code=_query(attacker_callback)["code"])
        _refused_with(await victim.get(injected), "provider_error")
    assert ("invalid_grant", "Code challenge failed.") in provider.errors
    assert await _user_by_email(backend, attacker_account.email) is None
    assert await _user_by_email(backend, victim_account.email) is None


async def test_an_unverified_email_is_refused(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    account.email_verified = False
    _refused_with(await _sign_in(browser), "email_not_verified")
    assert await _user_by_email(backend, account.email) is None


async def test_a_github_account_without_verified_email_is_refused(
    browser: httpx.AsyncClient, provider: TestProvider
) -> None:
    provider.current_user = account = _account()
    account.email_verified = False
    _refused_with(await _sign_in(browser, "github"), "email_not_verified")


async def test_an_account_with_the_email_of_a_password_user_is_refused(
    browser: httpx.AsyncClient, provider: TestProvider, backend: Backend
) -> None:
    provider.current_user = account = _account()
    async with backend.sessions() as session:
        session.add(User(email=account.email, name="Squatter", password_hash=hash_password("a password 123")))
        await session.commit()
    _refused_with(await _sign_in(browser), "account_exists")
    user = await _user_by_email(backend, account.email)
    assert user is not None and await _identities(backend, user.id) == []


async def test_a_denied_authorization_is_refused(browser: httpx.AsyncClient, provider: TestProvider) -> None:
    provider.current_user = None  # nobody approves
    _refused_with(await _sign_in(browser), "provider_error")
    assert provider.errors[-1][0] == "access_denied"
