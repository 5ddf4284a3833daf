"""Keys derived from ``OPEN_SECRET_KEY``, random secrets, and the digests they are stored as.

One secret key serves several purposes (signing access tokens, signing the OAuth flow cookie).
Each purpose gets its own key, derived with HMAC-SHA256 over a purpose label (the one-block
expand step of HKDF, RFC 5869, with the secret as the pseudo-random key): a value signed for one
purpose never verifies for another, and no derived key reveals the secret.

Refresh tokens and API key secrets are 256 random bits. They are stored only as SHA-256 digests:
a fast hash is enough for high-entropy secrets (nobody can enumerate 2**256 candidates, so the
slow, salted hashing passwords need buys nothing), and it lets a token be looked up by its digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

#: Bytes of randomness in refresh tokens and API key secrets (256 bits).
SECRET_BYTES: Final = 32

#: Purpose labels of the derived keys; changing one invalidates everything signed with it.
ACCESS_TOKEN_PURPOSE: Final = "open/access-token/v1"  # noqa: S105 - a label, not a secret
OAUTH_FLOW_COOKIE_PURPOSE: Final = "open/oauth-flow-cookie/v1"


def derive_key(secret_key: str, purpose: str) -> bytes:
    """The 32-byte key for ``purpose`` derived from ``secret_key`` (HMAC-SHA256 of the label)."""
    return hmac.new(secret_key.encode("utf-8"), purpose.encode("utf-8") + b"\x01", hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A public identifier of ``key``: 16 hex digits of SHA-256 over a label and the key.

    It names the key in token headers (``kid``) without revealing it.
    """
    return hashlib.sha256(b"open/key-id/v1\x00" + key).hexdigest()[:16]


def new_secret() -> str:
    """A fresh URL-safe secret of :data:`SECRET_BYTES` random bytes (43 characters)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_digest(secret: str) -> str:
    """The hex SHA-256 digest of ``secret`` (64 characters), the form secrets are stored in."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def digests_match(secret: str, digest: str) -> bool:
    """Whether ``secret`` hashes to ``digest``, compared in constant time."""
    return hmac.compare_digest(secret_digest(secret), digest)
