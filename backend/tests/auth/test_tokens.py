from __future__ import annotations

import uuid
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from open_backend.auth.keys import ACCESS_TOKEN_PURPOSE, OAUTH_FLOW_COOKIE_PURPOSE, derive_key, key_id
from open_backend.auth.tokens import REQUIRED_CLAIMS, TokenService
from open_backend.errors import Unauthenticated
from open_backend.settings import Environment, Settings

SECRET = "current-secret-key-of-at-least-32-bytes"
OLD_SECRET = "previous-secret-key-of-at-least-32-bytes"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER = uuid.UUID("0190a000-0000-7000-8000-000000000001")


def _settings(**fields: Any) -> Settings:
    values: dict[str, Any] = {
        "env": Environment.TEST,
        "secret_key": SECRET,
        "jwt_issuer": "https://open.test",
        "jwt_audience": "open-api",
        "access_token_ttl_s": 900,
        **fields,
    }
    return Settings(**values)


def _key(secret: str = SECRET) -> bytes:
    return derive_key(secret, ACCESS_TOKEN_PURPOSE)


def _claims(**changes: Any) -> dict[str, Any]:
    issued = int(NOW.timestamp())
    claims: dict[str, Any] = {
        "iss": "https://open.test",
        "aud": "open-api",
        "sub": str(USER),
        "iat": issued,
        "exp": issued + 900,
        "jti": "a-token-id",
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _forge(
    claims: dict[str, Any] | None = None,
    *,
    key: Any = None,
    algorithm: str = "HS256",
    kid: str | None = "current",
    typ: str = "at+jwt",
) -> str:
    """A token differing from a valid one only where the arguments say."""
    headers: dict[str, Any] = {"typ": typ}
    if kid == "current":
        headers["kid"] = key_id(_key())
    elif kid is not None:
        headers["kid"] = kid
    with warnings.catch_warnings():  # HS512 with a 32-byte key is short for PyJWT's taste
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(
            claims if claims is not None else _claims(),
            key if key is not None else _key(),
            algorithm=algorithm,
            headers=headers,
        )


def _refused(service: TokenService, token: str, now: datetime = NOW) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as raised:
        service.decode_access_token(token, now)
    return raised.value


def test_an_issued_token_decodes_to_its_user_expiry_and_key() -> None:
    service = TokenService(_settings())
    token, expires_at = service.issue_access_token(USER, NOW)
    claims = service.decode_access_token(token, NOW)
    assert claims.user_id == USER
    assert claims.expires_at == expires_at == NOW + timedelta(seconds=900)
    assert claims.key_id == service.current_key_id == key_id(_key())


def test_an_issued_token_carries_the_header_and_claims_of_the_contract() -> None:
    token, _ = TokenService(_settings()).issue_access_token(USER, NOW)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": key_id(_key())}
    assert set(claims) == {"iss", "aud", "sub", "iat", "exp", "jti"}
    assert (claims["iss"], claims["aud"], claims["sub"]) == ("https://open.test", "open-api", str(USER))
    assert claims["exp"] - claims["iat"] == 900


def test_every_token_gets_its_own_id() -> None:
    service = TokenService(_settings())
    first, _ = service.issue_access_token(USER, NOW)
    second, _ = service.issue_access_token(USER, NOW)
    unverified = {"verify_signature": False}
    assert jwt.decode(first, options=unverified)["jti"] != jwt.decode(second, options=unverified)["jti"]


def test_a_token_is_accepted_until_the_second_before_it_expires() -> None:
    service = TokenService(_settings())
    token, expires_at = service.issue_access_token(USER, NOW)
    assert service.decode_access_token(token, expires_at - timedelta(seconds=1)).user_id == USER


def test_a_token_is_refused_once_expired() -> None:
    service = TokenService(_settings())
    token, expires_at = service.issue_access_token(USER, NOW)
    assert _refused(service, token, expires_at).details == {"reason": "expired"}


def test_a_token_of_another_issuer_is_refused() -> None:
    other, _ = TokenService(_settings(jwt_issuer="https://elsewhere.test")).issue_access_token(USER, NOW)
    _refused(TokenService(_settings()), other)


def test_a_token_for_another_audience_is_refused() -> None:
    other, _ = TokenService(_settings(jwt_audience="another-api")).issue_access_token(USER, NOW)
    _refused(TokenService(_settings()), other)


def test_a_token_with_a_list_of_audiences_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(_claims(aud=["open-api", "another-api"])))


def test_a_token_signed_by_an_unknown_key_is_refused() -> None:
    stranger, _ = TokenService(
        _settings(secret_key="some-other-secret-key-32-bytes-long")
    ).issue_access_token(USER, NOW)
    assert _refused(TokenService(_settings()), stranger).details == {"reason": "unknown_key"}


def test_a_token_without_a_key_id_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(kid=None))


def test_a_token_naming_the_current_key_but_signed_with_another_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(key=_key("some-other-secret-key-32-bytes-long")))


def test_a_token_signed_with_the_raw_secret_instead_of_the_derived_key_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(key=SECRET.encode()))


def test_a_token_signed_with_the_flow_cookie_key_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(key=derive_key(SECRET, OAUTH_FLOW_COOKIE_PURPOSE)))


def test_a_token_signed_with_hs512_and_the_right_key_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(algorithm="HS512"))


def test_an_unsigned_token_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(algorithm="none", key=""))


def test_a_token_signed_with_rs256_is_refused() -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _refused(TokenService(_settings()), _forge(key=private_key, algorithm="RS256"))


def test_a_token_of_another_type_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(typ="JWT"))


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
def test_a_token_missing_a_required_claim_is_refused(claim: str) -> None:
    service = TokenService(_settings())
    assert service.decode_access_token(_forge(_claims()), NOW).user_id == USER  # the baseline passes
    _refused(service, _forge(_claims(**{claim: None})))


def test_a_token_whose_subject_is_not_a_user_id_is_refused() -> None:
    _refused(TokenService(_settings()), _forge(_claims(sub="admin")))


def test_a_token_with_a_tampered_payload_is_refused() -> None:
    token, _ = TokenService(_settings()).issue_access_token(USER, NOW)
    header, payload, signature = token.split(".")
    other_payload = _forge(_claims(sub=str(uuid.uuid4()))).split(".")[1]
    _refused(TokenService(_settings()), f"{header}.{other_payload}.{signature}")
    assert payload != other_payload


def test_a_token_issued_more_than_a_minute_in_the_future_is_refused() -> None:
    service = TokenService(_settings())
    token, _ = service.issue_access_token(USER, NOW + timedelta(seconds=61))
    _refused(service, token)


def test_a_token_issued_within_the_clock_skew_is_accepted() -> None:
    service = TokenService(_settings())
    token, _ = service.issue_access_token(USER, NOW + timedelta(seconds=60))
    assert service.decode_access_token(token, NOW).user_id == USER


@pytest.mark.parametrize("garbage", ["", "not.a.jwt", "a.b", "eyJhbGciOiJIUzI1NiJ9"])
def test_garbage_is_refused(garbage: str) -> None:
    _refused(TokenService(_settings()), garbage)


def test_after_a_rotation_tokens_of_the_previous_key_still_verify() -> None:
    old_token, _ = TokenService(_settings(secret_key=OLD_SECRET)).issue_access_token(USER, NOW)
    rotated = TokenService(_settings(jwt_previous_keys=OLD_SECRET))
    claims = rotated.decode_access_token(old_token, NOW)
    assert (claims.user_id, claims.key_id) == (USER, key_id(_key(OLD_SECRET)))


def test_after_a_rotation_new_tokens_are_signed_with_the_current_key() -> None:
    rotated = TokenService(_settings(jwt_previous_keys=OLD_SECRET))
    token, _ = rotated.issue_access_token(USER, NOW)
    assert jwt.get_unverified_header(token)["kid"] == key_id(_key()) != key_id(_key(OLD_SECRET))
    assert rotated.decode_access_token(token, NOW).key_id == key_id(_key())


def test_once_the_previous_key_is_dropped_its_tokens_are_refused() -> None:
    old_token, _ = TokenService(_settings(secret_key=OLD_SECRET)).issue_access_token(USER, NOW)
    _refused(TokenService(_settings()), old_token)


def test_several_previous_keys_all_verify() -> None:
    third = "a-third-secret-key-that-is-32-bytes-long"
    tokens = [
        TokenService(_settings(secret_key=secret)).issue_access_token(USER, NOW)[0]
        for secret in (OLD_SECRET, third)
    ]
    rotated = TokenService(_settings(jwt_previous_keys=f"{OLD_SECRET}, {third}"))
    assert [rotated.decode_access_token(token, NOW).user_id for token in tokens] == [USER, USER]
