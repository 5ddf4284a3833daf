"""Accounts: signing up, signing in (password or OAuth identity) and refresh tokens.

Every new user gets a personal organization that they own. Sign-in failures say the same thing
whether the email is unknown, the account has no password, or the password is wrong, and take
the same time (an unknown email is checked against a dummy hash), so nobody learns which emails
have accounts. Attempts are throttled by a :class:`~open_backend.auth.rate_limit.SignInLimiter`.

Refresh tokens are 256 random bits, stored only as SHA-256 digests in ``refresh_tokens``. One
sign-in starts a family; each use (:func:`rotate_refresh_token`) replaces the token with a new
one of the same family. Presenting a replaced token again means two parties hold the family
(the token was stolen, or a client raced itself): the whole family is revoked. Each new token
lives ``OPEN_REFRESH_TOKEN_TTL_S`` from its issue, so a sign-in stays valid while it is used at
least that often.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.keys import new_secret, secret_digest
from open_backend.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    dummy_hash,
    hash_password,
    needs_rehash,
    validate_password,
    verify_password,
)
from open_backend.auth.rate_limit import SignInLimiter
from open_backend.db.ids import new_id
from open_backend.db.models import Membership, OAuthIdentity, Organization, RefreshToken, Role, User
from open_backend.errors import Conflict, Unauthenticated, ValidationFailed
from open_backend.settings import get_settings

#: Longest email address accepted (RFC 5321 path limit, and the column's width).
MAX_EMAIL_LENGTH: Final = 320

#: Longest user or organization name, in characters (the columns' width).
MAX_NAME_LENGTH: Final = 200

#: The one message of every failed password sign-in.
SIGN_IN_FAILED: Final = "the email or password is wrong"

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_SLUG_SEPARATORS: Final = re.compile(r"[^a-z0-9]+")
_SLUG_BASE_LENGTH: Final = 40


def normalize_email(email: str) -> str:
    """``email`` stripped and lower-cased, as stored.

    Raises:
        ValidationFailed: it is not of the form ``local@domain.tld`` or is longer than 320
            characters (``details["field"] == "email"``).
    """
    normalized = email.strip().lower()
    if len(normalized) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(normalized):
        raise ValidationFailed("this is not a valid email address", {"field": "email"})
    return normalized


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationFailed(
            f"the name needs 1 to {MAX_NAME_LENGTH} characters", {"field": "name", "max_length": 200}
        )
    return cleaned


def _slug_for(text: str) -> str:
    base = _SLUG_SEPARATORS.sub("-", text.lower()).strip("-")[:_SLUG_BASE_LENGTH].strip("-")
    return f"{base or 'workspace'}-{secrets.token_hex(3)}"


async def _email_taken(session: AsyncSession, email: str) -> bool:
    found = await session.exec(select(User.id).where(col(User.email) == email))
    return found.first() is not None


async def _create_user(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    password_hash: str | None,
    now: datetime,
    identity: tuple[str, str] | None = None,
) -> tuple[User, Organization]:
    """Insert the user, a personal organization, the owner membership and, given as
    ``(provider, subject)``, an external identity, all inside one savepoint."""
    user = User(email=email, name=name, password_hash=password_hash, created_at=now)
    organization = Organization(name=name, slug=_slug_for(email.split("@", 1)[0]), created_at=now)
    try:
        async with session.begin_nested():
            session.add(user)
            session.add(organization)
            await session.flush()
            session.add(
                Membership(user_id=user.id, organization_id=organization.id, role=Role.OWNER, created_at=now)
            )
            if identity is not None:
                provider, subject = identity
                session.add(
                    OAuthIdentity(provider=provider, subject=subject, user_id=user.id, created_at=now)
                )
            await session.flush()
    except IntegrityError as exc:  # a concurrent sign-up took the email or the identity (or the slug)
        raise Conflict("an account with this email already exists", {"field": "email"}) from exc
    return user, organization


async def sign_up(
    session: AsyncSession, *, email: str, password: str, name: str, now: datetime
) -> tuple[User, Organization]:
    """Create a user with a password and their personal organization, which they own.

    Flushes; the caller commits.

    Raises:
        ValidationFailed: the email, password or name is invalid (``details["field"]`` says which).
        Conflict: a user with this email (in any case) exists.
    """
    normalized = normalize_email(email)
    validate_password(password)
    cleaned = _clean_name(name)
    if await _email_taken(session, normalized):
        raise Conflict("an account with this email already exists", {"field": "email"})
    password_hash = await asyncio.to_thread(hash_password, password)
    return await _create_user(session, email=normalized, name=cleaned, password_hash=password_hash, now=now)


async def sign_in(
    session: AsyncSession, limiter: SignInLimiter, *, email: str, password: str, ip: str, now: datetime
) -> User:
    """The user whose email and password these are, with ``last_sign_in_at`` set to ``now``.

    A hash made with older Argon2 parameters is replaced by one with the current parameters.
    Flushes; the caller commits.

    Raises:
        RateLimited: too many recent failures for this account or IP (``details["retry_after"]``).
        Unauthenticated: unknown email, account without password, or wrong password, all with
            the message :data:`SIGN_IN_FAILED`.
    """
    normalized = email.strip().lower()
    limiter.check(email=normalized, ip=ip, now=now)
    user = (await session.exec(select(User).where(col(User.email) == normalized))).first()
    if len(password) > MAX_PASSWORD_LENGTH:
        verified = False
    elif user is None or user.password_hash is None:
        await asyncio.to_thread(verify_password, dummy_hash(), password)
        verified = False
    else:
        verified = await asyncio.to_thread(verify_password, user.password_hash, password)
    if user is None or user.password_hash is None or not verified:
        limiter.record_failure(email=normalized, ip=ip, now=now)
        raise Unauthenticated(SIGN_IN_FAILED)
    limiter.record_success(email=normalized)
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
    user.last_sign_in_at = now
    session.add(user)
    await session.flush()
    return user


async def sign_in_with_identity(
    session: AsyncSession, *, provider: str, subject: str, email: str, name: str, now: datetime
) -> User:
    """The user of the external account ``(provider, subject)``, created on first sign-in.

    A known account signs its user in. An unknown one creates a user without password, their
    personal organization and the identity row. The email must be one the provider verified
    (the caller checks). An existing user with the same email is not linked automatically:
    password sign-ups do not prove they own their email, so linking would hand the account to
    whoever registered that email first. Sets ``last_sign_in_at``; flushes, the caller commits.

    Raises:
        ValidationFailed: a new account's email is invalid.
        Conflict: a new account's email belongs to an existing user (or a concurrent first
            sign-in of the same account won the race).
    """
    identity = (
        await session.exec(
            select(OAuthIdentity).where(
                col(OAuthIdentity.provider) == provider, col(OAuthIdentity.subject) == subject
            )
        )
    ).first()
    if identity is not None:
        user = await session.get_one(User, identity.user_id)
    else:
        normalized = normalize_email(email)
        # Providers' display names are not ours to validate: trim them to fit.
        cleaned = _clean_name(" ".join(name.split())[:MAX_NAME_LENGTH] or normalized.split("@", 1)[0])
        if await _email_taken(session, normalized):
            raise Conflict(
                "an account with this email already exists; sign in with its password",
                {"field": "email"},
            )
        user, _ = await _create_user(
            session, email=normalized, name=cleaned, password_hash=None, now=now, identity=(provider, subject)
        )
    user.last_sign_in_at = now
    session.add(user)
    await session.flush()
    return user


def _refresh_ttl(ttl_s: int | None) -> timedelta:
    return timedelta(seconds=ttl_s if ttl_s is not None else get_settings().refresh_token_ttl_s)


async def _store_refresh_token(
    session: AsyncSession, *, user_id: uuid.UUID, family_id: uuid.UUID, now: datetime, ttl: timedelta
) -> tuple[RefreshToken, str]:
    secret = new_secret()
    row = RefreshToken(
        user_id=user_id,
        token_hash=secret_digest(secret),
        family_id=family_id,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    await session.flush()
    return row, secret


async def issue_refresh_token(
    session: AsyncSession, user_id: uuid.UUID, now: datetime, *, ttl_s: int | None = None
) -> str:
    """A new refresh token for ``user_id``, starting a new family (one per sign-in).

    It expires ``ttl_s`` seconds after ``now`` (default ``OPEN_REFRESH_TOKEN_TTL_S``). Only its
    digest is stored. Flushes; the caller commits.
    """
    _, secret = await _store_refresh_token(
        session, user_id=user_id, family_id=new_id(), now=now, ttl=_refresh_ttl(ttl_s)
    )
    return secret


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.exec(
        sa.update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


async def _find_refresh_token(session: AsyncSession, token: str, *, lock: bool) -> RefreshToken | None:
    query = select(RefreshToken).where(col(RefreshToken.token_hash) == secret_digest(token))
    if lock:
        query = query.with_for_update()
    found = await session.exec(query.execution_options(populate_existing=True))
    return found.first()


async def rotate_refresh_token(
    session: AsyncSession, token: str, now: datetime, *, ttl_s: int | None = None
) -> tuple[uuid.UUID, str]:
    """Exchange ``token`` for a new one of the same family; return its user's id and the new token.

    The old row is locked, so two concurrent uses of one token cannot both succeed: the second
    counts as reuse. The new token expires ``ttl_s`` seconds after ``now`` (default
    ``OPEN_REFRESH_TOKEN_TTL_S``). Flushes; the caller commits.

    Raises:
        Unauthenticated: the token is unknown, revoked or expired; or it was already rotated
            (``details["reason"] == "reused"``): then every token of its family is revoked and
            **the session is committed** before raising, since callers roll back on errors.
    """
    row = await _find_refresh_token(session, token, lock=True)
    if row is None:
        raise Unauthenticated("the refresh token is invalid")
    if row.replaced_by_id is not None:
        await _revoke_family(session, row.family_id, now)
        await session.commit()
        raise Unauthenticated(
            "the refresh token was already used: this sign-in has been ended everywhere",
            {"reason": "reused"},
        )
    if row.revoked_at is not None:
        raise Unauthenticated("the refresh token has been revoked", {"reason": "revoked"})
    if row.expires_at <= now:
        raise Unauthenticated("the refresh token has expired", {"reason": "expired"})
    successor, secret = await _store_refresh_token(
        session, user_id=row.user_id, family_id=row.family_id, now=now, ttl=_refresh_ttl(ttl_s)
    )
    row.replaced_by_id = successor.id
    session.add(row)
    await session.flush()
    return row.user_id, secret


async def revoke_refresh_token(session: AsyncSession, token: str, now: datetime) -> None:
    """Sign out: revoke ``token`` and every other token of its family.

    An unknown token is ignored (signing out twice is not an error). Flushes; the caller commits.
    """
    row = await _find_refresh_token(session, token, lock=False)
    if row is not None:
        await _revoke_family(session, row.family_id, now)
        await session.flush()


async def revoke_all_refresh_tokens(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    """Sign ``user_id`` out everywhere: revoke all their refresh tokens. Flushes; the caller commits."""
    await session.exec(
        sa.update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    await session.flush()
