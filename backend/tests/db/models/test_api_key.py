from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import ApiKey, Role

from ._factory import Factory, unique


async def test_an_api_key_prefix_is_unique_across_organizations(session: AsyncSession) -> None:
    factory = Factory(session)
    prefix = unique("k")
    session.add(
        ApiKey(
            organization_id=(await factory.organization()).id,
            role=Role.VIEWER,
            name="a",
            prefix=prefix,
            secret_hash="h1",
        )
    )
    await session.flush()
    other = await factory.organization()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(
                ApiKey(organization_id=other.id, role=Role.VIEWER, name="b", prefix=prefix, secret_hash="h2")
            )


async def test_an_api_key_keeps_its_role_and_optional_times(session: AsyncSession) -> None:
    organization = await Factory(session).organization()
    expires_at = datetime(2030, 1, 1, 12, tzinfo=UTC)
    key = ApiKey(
        organization_id=organization.id,
        role=Role.ADMIN,
        name="ops",
        prefix=unique("k"),
        secret_hash="h",
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    session.expunge_all()

    loaded = await session.get_one(ApiKey, key.id)
    assert (loaded.role, loaded.expires_at, loaded.revoked_at, loaded.last_used_at) == (
        Role.ADMIN,
        expires_at,
        None,
        None,
    )
