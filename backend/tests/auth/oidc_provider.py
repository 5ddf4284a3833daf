"""A real, local OpenID Connect provider for the sign-in tests, built from authlib's server parts.

It serves, over HTTP on 127.0.0.1 (uvicorn in a background thread):

* ``/.well-known/openid-configuration``: discovery;
* ``/authorize``: the authorization endpoint (authorization code grant, PKCE ``CodeChallenge``
  required, OpenID ``OpenIDCode`` extension requiring a nonce); it approves at once as
  :attr:`TestProvider.current_user`, the account the test "signed in" at the provider;
* ``/token``: the token endpoint (client secret basic or post), issuing RS256 ID tokens;
* ``/jwks``: the public key (a fresh RSA key, via joserfc);
* ``/userinfo``: the claims of a bearer access token;
* GitHub's shapes for the preset: ``/login/oauth/authorize``, ``/login/oauth/access_token``,
  ``/api/user`` and ``/api/user/emails``.

Keys are made with joserfc, the JOSE library authlib's own OpenID code uses; ``authlib.jose``
is deprecated (importing it warns, and warnings are errors here).

Tests switch misbehaviours on through attributes (:attr:`TestProvider.nonce_override`, ...) and
read what the token endpoint refused in :attr:`TestProvider.token_errors`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import uvicorn
from authlib.common.security import generate_token
from authlib.oauth2 import OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

KEY_ID = "test-provider-key"


@dataclass
class ProviderUser:
    """An account at the provider."""

    sub: str
    email: str
    name: str
    github_id: int
    email_verified: bool = True


@dataclass
class Client(ClientMixin):
    """A registered OAuth client (a confidential web application)."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        return scope or ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    """An issued authorization code and what it was issued for."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: ProviderUser
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass
class HttpRequest:
    """What the server needs of an HTTP request, read from Starlette before the sync server runs."""

    method: str
    url: str
    headers: dict[str, str]
    query: dict[str, str]
    form: dict[str, str]

    @classmethod
    async def read(cls, request: Request) -> HttpRequest:
        # Token requests are application/x-www-form-urlencoded (python-multipart is not installed).
        form = dict(parse_qsl((await request.body()).decode())) if request.method == "POST" else {}
        return cls(
            method=request.method,
            url=str(request.url),
            headers={name.lower(): value for name, value in request.headers.items()},
            query=dict(request.query_params),
            form=form,
        )


class ProviderRequest(OAuth2Request):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request.method, request.url, headers=_Headers(request.headers))
        self._http = request
        self.payload = BasicOAuth2Payload({**request.query, **request.form})

    @property
    def args(self) -> dict[str, str]:
        return self._http.query

    @property
    def form(self) -> dict[str, str]:
        return self._http.form


class _Headers(dict[str, str]):
    """Headers looked up without regard to case (authlib asks for ``Authorization``)."""

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar = ["client_secret_basic", "client_secret_post"]

    @property
    def provider(self) -> TestProvider:
        return self.server.provider

    def save_authorization_code(self, code: str, request: ProviderRequest) -> None:
        data = request.payload.data
        nonce = data.get("nonce")
        if nonce is not None and self.provider.nonce_override is not None:
            nonce = self.provider.nonce_override
        self.provider.codes[code] = Code(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=data.get("redirect_uri", ""),
            scope=request.scope or "",
            user=request.user,
            nonce=nonce,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.provider.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> ProviderUser:
        return authorization_code.user


class ProviderOpenIDCode(OpenIDCode):
    def __init__(self, provider: TestProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": KEY_ID}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self.provider.issuer, "aud": [client.client_id]}

    def exists_nonce(self, nonce: str, request: ProviderRequest) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def generate_user_info(self, user: ProviderUser, scope: str) -> UserInfo:
        claims = {"sub": user.sub, "name": user.name}
        if "email" in scope.split() and self.provider.email_in_id_token:
            claims.update(email=user.email, email_verified=user.email_verified)
        return UserInfo(claims)


class ProviderServer(AuthorizationServer):
    def __init__(self, provider: TestProvider) -> None:
        super().__init__(scopes_supported=["openid", "email", "profile", "read:user", "user:email"])
        self.provider = provider
        self.register_token_generator("default", BearerTokenGenerator(lambda **_: generate_token(42)))
        self.register_grant(CodeGrant, [CodeChallenge(required=True), ProviderOpenIDCode(provider)])

    def query_client(self, client_id: str) -> Client | None:
        return self.provider.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: ProviderRequest) -> None:
        self.provider.access_tokens[token["access_token"]] = (request.user, token.get("scope", ""))

    def create_oauth2_request(self, request: HttpRequest | ProviderRequest) -> ProviderRequest:
        return request if isinstance(request, ProviderRequest) else ProviderRequest(request)

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def handle_error_response(self, request: ProviderRequest, error: OAuth2Error) -> Response:
        self.provider.errors.append((error.error, error.description or ""))
        return super().handle_error_response(request, error)


class TestProvider:
    """The provider's state: clients, accounts, issued codes and tokens, and test switches.

    Attributes:
        current_user: the account that approves authorization requests (``None``: deny).
        nonce_override: put this nonce in ID tokens instead of the requested one.
        email_in_id_token: ``False`` leaves email claims to the userinfo endpoint.
        discovery_issuer: the issuer the discovery document claims (default: the real one).
        errors: ``(error, description)`` of every refused authorization or token request.
    """

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.issuer = ""
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.access_tokens: dict[str, tuple[ProviderUser, str]] = {}
        self.errors: list[tuple[str, str]] = []
        self.current_user: ProviderUser | None = None
        self.nonce_override: str | None = None
        self.email_in_id_token = True
        self.discovery_issuer: str | None = None
        self.server = ProviderServer(self)
        self._lock = threading.Lock()  # the server runs in uvicorn's thread, tests in theirs

    def reset(self) -> None:
        """Turn every misbehaviour off and forget recorded errors."""
        self.current_user = None
        self.nonce_override = None
        self.email_in_id_token = True
        self.discovery_issuer = None
        self.errors.clear()

    def register_client(self, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        self.clients[client_id] = Client(client_id, client_secret, redirect_uris)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
                Route("/jwks", self._jwks),
                Route("/userinfo", self._userinfo),
                Route("/login/oauth/authorize", self._authorize),
                Route("/login/oauth/access_token", self._token, methods=["POST"]),
                Route("/api/user", self._github_user),
                Route("/api/user/emails", self._github_emails),
            ]
        )

    async def _discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.discovery_issuer or self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    async def _authorize(self, request: Request) -> Response:
        http = await HttpRequest.read(request)
        with self._lock:
            try:
                grant = self.server.get_consent_grant(http, end_user=self.current_user)
            except OAuth2Error as error:
                return self.server.handle_error_response(ProviderRequest(http), error)
            response: Response = self.server.create_authorization_response(
                http, grant_user=self.current_user, grant=grant
            )
            return response

    async def _token(self, request: Request) -> Response:
        http = await HttpRequest.read(request)
        with self._lock:
            response: Response = self.server.create_token_response(http)
            return response

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    def _bearer_user(self, request: Request) -> tuple[ProviderUser, str] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.access_tokens.get(token) if scheme.lower() == "bearer" else None

    async def _userinfo(self, request: Request) -> Response:
        found = self._bearer_user(request)
        if found is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        user, scope = found
        claims: dict[str, Any] = {"sub": user.sub, "name": user.name}
        if "email" in scope.split():
            claims.update(email=user.email, email_verified=user.email_verified)
        return JSONResponse(claims)

    async def _github_user(self, request: Request) -> Response:
        found = self._bearer_user(request)
        if found is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        user, _ = found
        return JSONResponse({"id": user.github_id, "login": user.sub, "name": user.name})

    async def _github_emails(self, request: Request) -> Response:
        found = self._bearer_user(request)
        if found is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        user, _ = found
        return JSONResponse(
            [
                {"email": f"old-{user.email}", "primary": False, "verified": True, "visibility": None},
                {
                    "email": user.email,
                    "primary": True,
                    "verified": user.email_verified,
                    "visibility": "private",
                },
            ]
        )


@contextlib.contextmanager
def serve(provider: TestProvider) -> Iterator[str]:
    """Run ``provider`` with uvicorn on 127.0.0.1 at a free port; yield its base URL (the issuer)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    provider.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(provider.app(), lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test OIDC provider did not start")
            time.sleep(0.01)
        yield provider.issuer
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
