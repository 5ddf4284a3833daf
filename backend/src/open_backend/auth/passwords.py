"""Password rules and hashing: Argon2id (argon2-cffi) with the library's RFC 9106 parameters.

Hashes are PHC strings (``$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>``) that carry their own
parameters, so stored hashes keep verifying when the parameters change; :func:`needs_rehash`
tells the sign-in to store a fresh hash with the current ones. Hashing takes tens of
milliseconds of CPU on purpose: async callers run it in a worker thread.
"""

from __future__ import annotations

import functools
import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from open_backend.errors import ValidationFailed

#: Fewest characters a password may have.
MIN_PASSWORD_LENGTH: Final = 10

#: Most characters a password may have: bounds the work one sign-in request can cause.
MAX_PASSWORD_LENGTH: Final = 1024

#: The hasher of new passwords: Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile).
_HASHER: Final = PasswordHasher()


def validate_password(password: str) -> None:
    """Check that ``password`` may be used.

    Raises:
        ValidationFailed: it has fewer than 10 or more than 1024 characters
            (``details["field"] == "password"``).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            {"field": "password", "min_length": MIN_PASSWORD_LENGTH},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"the password may have at most {MAX_PASSWORD_LENGTH} characters",
            {"field": "password", "max_length": MAX_PASSWORD_LENGTH},
        )


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (a PHC string with a random salt)."""
    return _HASHER.hash(password)


def verify_password(hash: str, password: str) -> bool:
    """Whether ``password`` matches ``hash``; ``False`` as well for a malformed hash."""
    try:
        return _HASHER.verify(hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(hash: str) -> bool:
    """Whether ``hash`` was made with parameters other than the current ones (or another variant)."""
    try:
        return _HASHER.check_needs_rehash(hash)
    except InvalidHashError:
        return True


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password, verified when an email is unknown so that both cases take the
    same time (made once per process)."""
    return hash_password(secrets.token_urlsafe(16))
