"""The format of API keys: ``open_<prefix>_<secret>``.

``prefix`` is 12 lower-case hex digits, public and unique: stored in clear, shown in listings and
used to find the key. ``secret`` is 256 random bits, URL-safe base64 (43 characters), stored
only as its SHA-256 digest (:func:`open_backend.auth.keys.secret_digest`). The ``open_`` start
makes leaked keys easy to recognise for secret scanners.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Final

from open_backend.auth.keys import new_secret

#: What every API key starts with.
API_KEY_START: Final = "open_"

#: Random bytes in the public prefix (12 hex digits).
PREFIX_BYTES: Final = 6

_API_KEY: Final = re.compile(r"open_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})")


@dataclass(frozen=True, slots=True)
class ApiKeySecret:
    """An API key split into its public ``prefix`` and its ``secret``."""

    prefix: str
    secret: str

    @classmethod
    def generate(cls) -> ApiKeySecret:
        """A fresh random key."""
        return cls(prefix=secrets.token_hex(PREFIX_BYTES), secret=new_secret())

    @classmethod
    def parse(cls, value: str) -> ApiKeySecret | None:
        """The parts of ``value``, or ``None`` when it is not an API key."""
        match = _API_KEY.fullmatch(value)
        if match is None:
            return None
        return cls(prefix=match["prefix"], secret=match["secret"])

    def __str__(self) -> str:
        return f"{API_KEY_START}{self.prefix}_{self.secret}"

    def __repr__(self) -> str:
        return f"ApiKeySecret(prefix={self.prefix!r}, secret=...)"


def looks_like_api_key(value: str) -> bool:
    """Whether ``value`` starts like an API key (rather than a JWT)."""
    return value.startswith(API_KEY_START)
