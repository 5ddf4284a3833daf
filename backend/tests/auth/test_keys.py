from __future__ import annotations

import hashlib

from open_backend.auth.api_key_secret import ApiKeySecret, looks_like_api_key
from open_backend.auth.keys import (
    ACCESS_TOKEN_PURPOSE,
    OAUTH_FLOW_COOKIE_PURPOSE,
    derive_key,
    digests_match,
    key_id,
    new_secret,
    secret_digest,
)


def test_derived_keys_are_32_bytes_and_differ_per_purpose() -> None:
    access = derive_key("a secret", ACCESS_TOKEN_PURPOSE)
    cookie = derive_key("a secret", OAUTH_FLOW_COOKIE_PURPOSE)
    assert len(access) == len(cookie) == 32
    assert access != cookie


def test_derived_keys_differ_per_secret_and_repeat_for_the_same_one() -> None:
    assert derive_key("a secret", ACCESS_TOKEN_PURPOSE) == derive_key("a secret", ACCESS_TOKEN_PURPOSE)
    assert derive_key("a secret", ACCESS_TOKEN_PURPOSE) != derive_key("b secret", ACCESS_TOKEN_PURPOSE)


def test_a_key_id_is_16_hex_digits_that_do_not_contain_the_key() -> None:
    key = derive_key("a secret", ACCESS_TOKEN_PURPOSE)
    kid = key_id(key)
    assert len(kid) == 16 and int(kid, 16) >= 0
    assert kid not in key.hex()


def test_new_secrets_carry_256_random_bits() -> None:
    secrets = {new_secret() for _ in range(100)}
    assert len(secrets) == 100
    assert all(len(secret) == 43 for secret in secrets)


def test_a_secret_is_stored_as_its_sha256_hex_digest() -> None:
    assert secret_digest("abc") == hashlib.sha256(b"abc").hexdigest()
    assert digests_match("abc", secret_digest("abc")) is True
    assert digests_match("abd", secret_digest("abc")) is False


def test_a_generated_api_key_has_the_documented_format_and_parses_back() -> None:
    key = ApiKeySecret.generate()
    text = str(key)
    assert text == f"open_{key.prefix}_{key.secret}"
    assert len(key.prefix) == 12 and int(key.prefix, 16) >= 0
    assert ApiKeySecret.parse(text) == key
    assert looks_like_api_key(text)


def test_the_api_key_repr_hides_the_secret() -> None:
    key = ApiKeySecret.generate()
    assert key.secret not in repr(key)


def test_api_key_prefixes_differ() -> None:
    assert len({ApiKeySecret.generate().prefix for _ in range(100)}) == 100


def test_a_secret_containing_underscores_still_parses() -> None:
    secret = "_" * 20 + "a" * 23
    assert ApiKeySecret.parse(f"open_0123456789ab_{secret}") == ApiKeySecret("0123456789ab", secret)


def test_strings_that_are_not_api_keys_do_not_parse() -> None:
    valid_secret = "a" * 43
    for text in [
        "",
        "open_",
        f"open_0123456789AB_{valid_secret}",  # upper-case prefix
        f"open_0123456789a_{valid_secret}",  # short prefix
        f"open_0123456789ab_{valid_secret[:-1]}",  # short secret
        f"open_0123456789ab_{valid_secret}=",  # extra character
        f"closed_0123456789ab_{valid_secret}",
        "eyJhbGciOiJIUzI1NiJ9.e30.sig",
    ]:
        assert ApiKeySecret.parse(text) is None, text
