"""Who a request is: from its ``Authorization`` and ``X-Organization-Id`` headers to a principal.

``Authorization: Bearer <token>`` carries either an access token (a user) or an API key
(``open_<prefix>_<secret>``). A user acts in the organization named by ``X-Organization-Id``,
which must be one of theirs, or else in their oldest membership; an API key acts in its own
organization with its own role. A foreign, unknown or malformed organization header gets the
same :class:`~open_backend.errors.Forbidden`, which does not say whether the organization
exists.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.api_key_secret import ApiKeySecret, looks_like_api_key
from open_backend.auth.keys import digests_match
from open_backend.auth.principal import Authenticated, Identity, Principal
from open_backend.auth.tokens import TokenService
from open_backend.db.models import ApiKey, Membership, User
from open_backend.errors import Forbidden, Unauthenticated

#: An API key's ``last_used_at`` is written at most once per this many seconds.
LAST_USED_RESOLUTION_S: Final = 60

#: The request header naming the active organization.
ORGANIZATION_HEADER: Final = "X-Organization-Id"

_NOT_A_MEMBER: Final = "you are not a member of this organization, or it does not exist"


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer <token>`` header value (scheme in any case).

    Raises:
        Unauthenticated: the value is not a bearer credential.
    """
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return token


async def resolve_request(
    session: AsyncSession,
    tokens: TokenService,
    *,
    authorization: str | None,
    organization: str | None,
    now: datetime,
) -> Authenticated | None:
    """Authenticate a request from its ``Authorization`` and ``X-Organization-Id`` header values.

    Returns ``None`` when there is no ``Authorization`` header (an anonymous request). A user
    with no membership (and no organization header) is authenticated with ``principal=None``.
    Using an API key records its ``last_used_at`` when the stored value is older than a minute
    (or unset); **that write is committed** at once, since read-only requests never commit.

    Raises:
        Unauthenticated: the header is malformed; the access token is invalid or expired or
            its user no longer exists; the API key is unknown, wrong, revoked or expired.
        Forbidden: the organization header names an organization the user is not a member of,
            one that does not exist, or (for an API key) any organization but the key's own.
    """
    if authorization is None:
        return None
    token = bearer_token(authorization)
    if looks_like_api_key(token):
        return await _resolve_api_key(session, token, organization=organization, now=now)
    claims = tokens.decode_access_token(token, now)
    return await _resolve_user(session, claims.user_id, organization=organization)


async def _resolve_api_key(
    session: AsyncSession, token: str, *, organization: str | None, now: datetime
) -> Authenticated:
    parsed = ApiKeySecret.parse(token)
    if parsed is None:
        raise Unauthenticated("the API key is invalid")
    key = (await session.exec(select(ApiKey).where(col(ApiKey.prefix) == parsed.prefix))).first()
    if key is None or not digests_match(parsed.secret, key.secret_hash):
        raise Unauthenticated("the API key is invalid")
    if key.revoked_at is not None:
        raise Unauthenticated("the API key has been revoked", {"reason": "revoked"})
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthenticated("the API key has expired", {"reason": "expired"})
    if organization is not None and _parse_uuid(organization) != key.organization_id:
        raise Forbidden(_NOT_A_MEMBER)
    await _record_use(session, key, now)
    identity = Identity(api_key_id=key.id)
    return Authenticated(identity, Principal(identity, key.organization_id, key.role))


async def _record_use(session: AsyncSession, key: ApiKey, now: datetime) -> None:
    threshold = now - timedelta(seconds=LAST_USED_RESOLUTION_S)
    if key.last_used_at is not None and key.last_used_at > threshold:
        return
    # Conditional, so concurrent requests with one key write it once per minute at most.
    await session.exec(
        sa.update(ApiKey)
        .where(
            col(ApiKey.id) == key.id,
            or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) <= threshold),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    set_committed_value(key, "last_used_at", now)  # as stored, without marking the row dirty


async def _resolve_user(
    session: AsyncSession, user_id: uuid.UUID, *, organization: str | None
) -> Authenticated:
    organization_id: uuid.UUID | None = None
    if organization is not None:
        organization_id = _parse_uuid(organization)
        if organization_id is None:
            await _require_user(session, user_id)  # an invalid token wins over a bad header
            raise Forbidden(_NOT_A_MEMBER)
    # One round trip: the user (which must exist) with its membership, if any.
    joined = col(Membership.user_id) == col(User.id)
    if organization_id is not None:
        joined = sa.and_(joined, col(Membership.organization_id) == organization_id)
    query = select(User.id, Membership).outerjoin(Membership, joined).where(col(User.id) == user_id)
    if organization_id is None:
        query = query.order_by(col(Membership.created_at), col(Membership.id))
    row = (await session.exec(query.limit(1))).first()
    if row is None:
        raise Unauthenticated("the access token is invalid")
    identity = Identity(user_id=user_id)
    membership = row[1]
    if membership is None:
        if organization is not None:
            raise Forbidden(_NOT_A_MEMBER)
        return Authenticated(identity, None)
    return Authenticated(identity, Principal(identity, membership.organization_id, membership.role))


async def _require_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    if (await session.exec(select(User.id).where(col(User.id) == user_id))).first() is None:
        raise Unauthenticated("the access token is invalid")


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None
