from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.ids import new_id
from open_backend.db.models import (
    ApiKey,
    Membership,
    OAuthIdentity,
    RefreshToken,
    Role,
    User,
    metadata,
)
from open_backend.db.types import utcnow

from ._factory import Factory, unique


async def test_email_is_stored_lower_cased(session: AsyncSession) -> None:
    name = unique("ada")
    user = await Factory(session).user(email=f"{name.upper()}@Example.ORG")
    stored = await (await session.connection()).execute(
        sa.select(metadata.tables["users"].c.email).where(metadata.tables["users"].c.id == user.id)
    )
    assert stored.scalar_one() == f"{name}@example.org"


async def test_email_lookup_ignores_case(session: AsyncSession) -> None:
    name = unique("ada")
    user = await Factory(session).user(email=f"{name}@example.org")
    found = await session.exec(select(User).where(col(User.email) == f"{name.upper()}@EXAMPLE.org"))
    assert found.one().id == user.id


async def test_the_same_email_in_another_case_is_refused(session: AsyncSession) -> None:
    factory = Factory(session)
    name = unique("ada")
    await factory.user(email=f"{name}@example.org")
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(User(email=f"{name.upper()}@example.org", name="again"))


async def test_an_upper_case_email_written_in_raw_sql_is_refused(session: AsyncSession) -> None:
    insert = sa.insert(metadata.tables["users"]).values(
        id=new_id(),
        email=sa.literal_column("'Ada@Example.org'"),  # raw SQL: bypasses the lower-casing type
        name="Ada",
        created_at=utcnow(),
    )
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.exec(insert)


async def test_a_user_without_password_is_allowed(session: AsyncSession) -> None:
    user = await Factory(session).user(password_hash=None)
    session.expunge_all()
    loaded = await session.get_one(User, user.id)
    assert loaded.password_hash is None
    assert loaded.last_sign_in_at is None


async def test_an_oauth_subject_belongs_to_one_user_per_provider(session: AsyncSession) -> None:
    factory = Factory(session)
    first, second = await factory.user(), await factory.user()
    subject = unique("sub")
    session.add(OAuthIdentity(provider="github", subject=subject, user_id=first.id))
    session.add(OAuthIdentity(provider="google", subject=subject, user_id=second.id))
    await session.flush()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(OAuthIdentity(provider="github", subject=subject, user_id=second.id))


async def test_a_refresh_token_hash_is_unique(session: AsyncSession) -> None:
    user = await Factory(session).user()
    token_hash = unique("hash")
    expires_at = utcnow() + timedelta(days=1)
    session.add(
        RefreshToken(user_id=user.id, token_hash=token_hash, family_id=uuid.uuid4(), expires_at=expires_at)
    )
    await session.flush()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(
                RefreshToken(
                    user_id=user.id, token_hash=token_hash, family_id=uuid.uuid4(), expires_at=expires_at
                )
            )


async def test_deleting_a_rotated_refresh_token_clears_the_link_to_it(session: AsyncSession) -> None:
    user = await Factory(session).user()
    family, expires_at = uuid.uuid4(), utcnow() + timedelta(days=1)
    new = RefreshToken(user_id=user.id, token_hash=unique("new"), family_id=family, expires_at=expires_at)
    old = RefreshToken(
        user_id=user.id,
        token_hash=unique("old"),
        family_id=family,
        expires_at=expires_at,
        revoked_at=utcnow(),
    )
    session.add(new)
    await session.flush()
    old.replaced_by_id = new.id
    session.add(old)
    await session.flush()

    await session.delete(new)
    await session.flush()
    session.expunge_all()

    assert (await session.get_one(RefreshToken, old.id)).replaced_by_id is None


async def test_deleting_a_user_deletes_memberships_identities_and_tokens_but_keeps_their_api_keys(
    session: AsyncSession,
) -> None:
    factory = Factory(session)
    organization, user = await factory.organization(), await factory.user()
    await factory.membership(user, organization, Role.ADMIN)
    session.add(OAuthIdentity(provider="github", subject=unique("sub"), user_id=user.id))
    session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=unique("hash"),
            family_id=uuid.uuid4(),
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    key = ApiKey(
        organization_id=organization.id,
        role=Role.EDITOR,
        name="deploy",
        prefix=unique("k"),
        secret_hash="h",
        created_by_id=user.id,
    )
    session.add(key)
    await session.flush()

    await session.delete(user)
    await session.flush()
    session.expunge_all()

    for model, column in [
        (Membership, Membership.user_id),
        (OAuthIdentity, OAuthIdentity.user_id),
        (RefreshToken, RefreshToken.user_id),
    ]:
        remaining = await session.exec(select(func.count()).select_from(model).where(col(column) == user.id))
        assert remaining.one() == 0, model.__name__
    assert (await session.get_one(ApiKey, key.id)).created_by_id is None
