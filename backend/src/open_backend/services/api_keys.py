"""API keys of an organization: create (the secret is shown once), list, revoke.

Managing keys needs the admin role, and only users manage keys: an API key cannot create or
revoke keys, so a leaked key cannot make itself a successor that outlives its revocation. A new
key's role may not exceed its creator's. Keys are found by their public prefix; the secret is
stored as a SHA-256 digest (see :mod:`open_backend.auth.api_key_secret`). Authentication with
a key happens in :func:`open_backend.auth.resolve.resolve_request`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.api_key_secret import ApiKeySecret
from open_backend.auth.keys import secret_digest
from open_backend.auth.principal import Principal
from open_backend.db.models import ApiKey, Role
from open_backend.errors import Conflict, Forbidden, NotFound, ValidationFailed

#: Longest key name, in characters (the column's width).
MAX_KEY_NAME_LENGTH: Final = 200


def _require_key_manager(principal: Principal) -> None:
    principal.require(Role.ADMIN)
    if principal.identity.user_id is None:
        raise Forbidden("API keys cannot manage API keys; sign in as an admin")


async def create_api_key(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    role: Role,
    expires_at: datetime | None,
    now: datetime,
) -> tuple[ApiKey, str]:
    """Create a key of the principal's organization; return the row and the full key.

    The full key (``open_<prefix>_<secret>``) exists only in the return value: show it once.
    Flushes; the caller commits.

    Raises:
        Forbidden: the principal is not an admin or owner, or is an API key, or ``role`` is
            above the principal's own.
        ValidationFailed: the name is empty or longer than 200 characters
            (``details["field"] == "name"``), or ``expires_at`` is not after ``now``
            (``details["field"] == "expires_at"``).
    """
    _require_key_manager(principal)
    if not principal.has_role(role):
        raise Forbidden(f"you cannot create a key with the {role.value} role; you are {principal.role.value}")
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_KEY_NAME_LENGTH:
        raise ValidationFailed(f"the key name needs 1 to {MAX_KEY_NAME_LENGTH} characters", {"field": "name"})
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed("the expiry must be in the future", {"field": "expires_at"})
    key = ApiKeySecret.generate()
    row = ApiKey(
        organization_id=principal.organization_id,
        role=role,
        name=cleaned,
        prefix=key.prefix,
        secret_hash=secret_digest(key.secret),
        created_by_id=principal.identity.user_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row, str(key)


async def list_api_keys(session: AsyncSession, principal: Principal) -> list[ApiKey]:
    """Every key of the principal's organization, revoked and expired ones included, newest first.

    Raises:
        Forbidden: the principal is not an admin or owner, or is an API key.
    """
    _require_key_manager(principal)
    rows = await session.exec(
        select(ApiKey)
        .where(col(ApiKey.organization_id) == principal.organization_id)
        .order_by(col(ApiKey.created_at).desc(), col(ApiKey.id).desc())
    )
    return list(rows.all())


async def revoke_api_key(
    session: AsyncSession, principal: Principal, key_id: uuid.UUID, now: datetime
) -> ApiKey:
    """Revoke the key ``key_id`` of the principal's organization at ``now``; return it.

    Flushes; the caller commits.

    Raises:
        Forbidden: the principal is not an admin or owner, or is an API key.
        NotFound: no such key in the principal's organization (another organization's key
            included).
        Conflict: the key is already revoked.
    """
    _require_key_manager(principal)
    row = (
        await session.exec(
            select(ApiKey).where(
                col(ApiKey.id) == key_id, col(ApiKey.organization_id) == principal.organization_id
            )
        )
    ).first()
    if row is None:
        raise NotFound("no such API key", {"id": str(key_id)})
    if row.revoked_at is not None:
        raise Conflict("this API key is already revoked", {"id": str(key_id)})
    row.revoked_at = now
    session.add(row)
    await session.flush()
    return row
