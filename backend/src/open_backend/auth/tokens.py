"""Access tokens: short-lived JWTs (PyJWT, HS256) naming a user.

Why HS256: the backend is both the only issuer and the only verifier of its access tokens, so a
symmetric key is enough and nothing new has to be provisioned; the key is derived from
``OPEN_SECRET_KEY`` for this purpose only (:mod:`open_backend.auth.keys`), so no other value
signed with that secret passes as a token. An asymmetric algorithm (EdDSA) would only pay off if
third parties had to verify tokens without being able to mint them.

A token's header carries ``alg: HS256``, ``typ: at+jwt`` (RFC 9068) and ``kid``, the id of the
key that signed it; its claims are ``iss``, ``aud`` (from the settings), ``sub`` (the user id),
``iat``, ``exp`` (``iat`` + ``OPEN_ACCESS_TOKEN_TTL_S``) and a random ``jti``.

Key rotation: new tokens are signed with the key derived from ``OPEN_SECRET_KEY``; the keys
derived from ``OPEN_JWT_PREVIOUS_KEYS`` still verify, found by ``kid``. Rotate by moving the old
secret to ``OPEN_JWT_PREVIOUS_KEYS``; drop it once an access token TTL has passed.

Verification accepts only HS256 (the list is fixed, never read from the token), a known ``kid``,
the ``at+jwt`` type, the configured issuer and audience, all required claims, a user id as
``sub``, an ``exp`` after ``now`` and an ``iat`` not after ``now`` (beyond
:data:`CLOCK_SKEW_S`). The clock is passed in, so expiry is checked against the caller's ``now``.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import jwt

from open_backend.auth.keys import ACCESS_TOKEN_PURPOSE, derive_key, key_id
from open_backend.errors import Unauthenticated
from open_backend.settings import Settings

#: The only signing algorithm issued and accepted.
ALGORITHM: Final = "HS256"

#: The ``typ`` header of access tokens (RFC 9068).
TOKEN_TYPE: Final = "at+jwt"  # noqa: S105 - a media type, not a secret

#: Claims every access token must carry.
REQUIRED_CLAIMS: Final = ("iss", "aud", "sub", "iat", "exp", "jti")

#: Seconds an ``iat`` may lie in the future: clocks of the backend's hosts differ slightly.
CLOCK_SKEW_S: Final = 60

_INVALID: Final = "the access token is invalid"


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says.

    Attributes:
        user_id: the user it was issued to (``sub``).
        expires_at: aware UTC time of ``exp``.
        key_id: ``kid`` of the key that signed it.
    """

    user_id: uuid.UUID
    expires_at: datetime
    key_id: str


class TokenService:
    """Issues and verifies access tokens with the keys and claims of ``settings``."""

    def __init__(self, settings: Settings) -> None:
        current = derive_key(settings.secret_key.get_secret_value(), ACCESS_TOKEN_PURPOSE)
        self._current_key_id = key_id(current)
        self._keys: dict[str, bytes] = {}
        for secret in settings.previous_secret_keys:
            previous = derive_key(secret, ACCESS_TOKEN_PURPOSE)
            self._keys[key_id(previous)] = previous
        self._keys[self._current_key_id] = current
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._ttl_s = settings.access_token_ttl_s

    @property
    def current_key_id(self) -> str:
        """``kid`` of the key new tokens are signed with."""
        return self._current_key_id

    def issue_access_token(self, user_id: uuid.UUID, now: datetime) -> tuple[str, datetime]:
        """A new access token for ``user_id`` issued at ``now`` (aware), and its expiry (aware UTC).

        Times are whole seconds: ``now`` is truncated.
        """
        issued_at = int(now.timestamp())
        expires = issued_at + self._ttl_s
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user_id),
            "iat": issued_at,
            "exp": expires,
            "jti": secrets.token_urlsafe(16),
        }
        headers = {"kid": self._current_key_id, "typ": TOKEN_TYPE}
        token = jwt.encode(claims, self._keys[self._current_key_id], algorithm=ALGORITHM, headers=headers)
        return token, datetime.fromtimestamp(expires, UTC)

    def decode_access_token(self, token: str, now: datetime) -> AccessClaims:
        """Verify ``token`` at time ``now`` (aware) and return its claims.

        Raises:
            Unauthenticated: the token is malformed, signed with another algorithm or an unknown
                key, of another type, issuer or audience, lacks a claim, names no user, was issued
                in the future, or has expired (then ``details["reason"] == "expired"``).
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(_INVALID) from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or (key := self._keys.get(kid)) is None:
            raise Unauthenticated(_INVALID, {"reason": "unknown_key"})
        if header.get("typ") != TOKEN_TYPE:
            raise Unauthenticated(_INVALID)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                audience=self._audience,
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "strict_aud": True,
                    # Checked below against the caller's clock instead of the system's.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(_INVALID) from exc
        issued_at, expires = claims["iat"], claims["exp"]
        if not isinstance(issued_at, int) or not isinstance(expires, int):
            raise Unauthenticated(_INVALID)
        moment = now.timestamp()
        if issued_at > moment + CLOCK_SKEW_S:
            raise Unauthenticated(_INVALID)
        if expires <= moment:
            raise Unauthenticated("the access token has expired", {"reason": "expired"})
        try:
            user_id = uuid.UUID(claims["sub"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise Unauthenticated(_INVALID) from exc
        return AccessClaims(user_id=user_id, expires_at=datetime.fromtimestamp(expires, UTC), key_id=kid)
