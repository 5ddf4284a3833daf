from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from open_backend.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    validate_password,
    verify_password,
)
from open_backend.errors import ValidationFailed


def test_a_hash_verifies_its_password() -> None:
    assert verify_password(hash_password("correct horse battery"), "correct horse battery") is True


def test_a_hash_does_not_verify_another_password() -> None:
    assert verify_password(hash_password("correct horse battery"), "correct horse battery!") is False


def test_hashes_are_argon2id_with_a_random_salt() -> None:
    first, second = hash_password("same password"), hash_password("same password")
    assert first.startswith("$argon2id$")
    assert first != second


def test_a_malformed_hash_verifies_nothing() -> None:
    assert verify_password("not-a-hash", "anything at all") is False


def test_a_hash_with_the_current_parameters_needs_no_rehash() -> None:
    assert needs_rehash(hash_password("a long password")) is False


def test_a_hash_with_other_parameters_needs_a_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("a long password")
    assert verify_password(old, "a long password") is True
    assert needs_rehash(old) is True


def test_a_malformed_hash_needs_a_rehash() -> None:
    assert needs_rehash("plain-text-from-a-broken-import") is True


@pytest.mark.parametrize("length", [MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH])
def test_passwords_at_the_length_bounds_are_accepted(length: int) -> None:
    validate_password("p" * length)


def test_a_password_shorter_than_10_characters_is_refused() -> None:
    with pytest.raises(ValidationFailed) as raised:
        validate_password("p" * (MIN_PASSWORD_LENGTH - 1))
    assert raised.value.details["field"] == "password"


def test_a_password_longer_than_1024_characters_is_refused() -> None:
    with pytest.raises(ValidationFailed) as raised:
        validate_password("p" * (MAX_PASSWORD_LENGTH + 1))
    assert raised.value.details["field"] == "password"
