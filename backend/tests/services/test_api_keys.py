from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.api_key_secret import ApiKeySecret
from open_backend.auth.principal import Identity, Principal
from open_backend.db.models import ApiKey, Membership, Organization, Role, User, metadata
from open_backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from open_backend.services.api_keys import create_api_key, list_api_keys, revoke_api_key

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _member(session: AsyncSession, role: Role, organization: Organization | None = None) -> Principal:
    """A user with ``role`` in ``organization`` (default: a new one), as a principal."""
    if organization is None:
        slug = f"org-{uuid.uuid4().hex[:12]}"
        organization = Organization(name=slug, slug=slug)
        session.add(organization)
    user = User(email=f"user-{uuid.uuid4().hex[:12]}@example.org", name="Member")
    session.add(user)
    await session.flush()
    session.add(Membership(user_id=user.id, organization_id=organization.id, role=role))
    await session.flush()
    return Principal(Identity(user_id=user.id), organization.id, role)


async def _organization(session: AsyncSession, principal: Principal) -> Organization:
    return await session.get_one(Organization, principal.organization_id)


async def test_creating_a_key_returns_the_row_and_the_full_key_once(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    row, key = await create_api_key(session, admin, name="ci", role=Role.EDITOR, expires_at=None, now=NOW)
    parsed = ApiKeySecret.parse(key)
    assert parsed is not None and parsed.prefix == row.prefix
    assert row.secret_hash == hashlib.sha256(parsed.secret.encode()).hexdigest()
    assert (row.organization_id, row.role, row.name) == (admin.organization_id, Role.EDITOR, "ci")
    assert (row.created_by_id, row.created_at, row.expires_at) == (admin.identity.user_id, NOW, None)
    assert (row.last_used_at, row.revoked_at) == (None, None)


async def test_the_secret_is_stored_nowhere(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    row, key = await create_api_key(session, admin, name="ci", role=Role.VIEWER, expires_at=None, now=NOW)
    parsed = ApiKeySecret.parse(key)
    assert parsed is not None
    table = metadata.tables["api_keys"]
    stored = (await (await session.connection()).execute(sa.select(table).where(table.c.id == row.id))).one()
    assert not any(parsed.secret in str(value) for value in stored)


async def test_a_key_may_have_an_expiry(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    expiry = NOW + timedelta(days=30)
    row, _ = await create_api_key(session, admin, name="ci", role=Role.VIEWER, expires_at=expiry, now=NOW)
    assert row.expires_at == expiry


@pytest.mark.parametrize("expires_at", [NOW, NOW - timedelta(seconds=1)])
async def test_an_expiry_not_in_the_future_is_refused(session: AsyncSession, expires_at: datetime) -> None:
    admin = await _member(session, Role.ADMIN)
    with pytest.raises(ValidationFailed) as raised:
        await create_api_key(session, admin, name="ci", role=Role.VIEWER, expires_at=expires_at, now=NOW)
    assert raised.value.details == {"field": "expires_at"}


@pytest.mark.parametrize("name", ["", "   ", "n" * 201])
async def test_an_empty_or_overlong_name_is_refused(session: AsyncSession, name: str) -> None:
    admin = await _member(session, Role.ADMIN)
    with pytest.raises(ValidationFailed) as raised:
        await create_api_key(session, admin, name=name, role=Role.VIEWER, expires_at=None, now=NOW)
    assert raised.value.details == {"field": "name"}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
async def test_members_below_admin_cannot_create_keys(session: AsyncSession, role: Role) -> None:
    member = await _member(session, role)
    with pytest.raises(Forbidden):
        await create_api_key(session, member, name="ci", role=Role.VIEWER, expires_at=None, now=NOW)


async def test_an_admin_cannot_create_an_owner_key(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    with pytest.raises(Forbidden, match="owner"):
        await create_api_key(session, admin, name="ci", role=Role.OWNER, expires_at=None, now=NOW)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.ADMIN])
async def test_an_admin_can_create_keys_up_to_admin(session: AsyncSession, role: Role) -> None:
    admin = await _member(session, Role.ADMIN)
    row, _ = await create_api_key(session, admin, name="ci", role=role, expires_at=None, now=NOW)
    assert row.role is role


async def test_an_owner_can_create_an_owner_key(session: AsyncSession) -> None:
    owner = await _member(session, Role.OWNER)
    row, _ = await create_api_key(session, owner, name="ci", role=Role.OWNER, expires_at=None, now=NOW)
    assert row.role is Role.OWNER


async def _api_key_principal(session: AsyncSession, role: Role) -> Principal:
    owner = await _member(session, Role.OWNER)
    row, _ = await create_api_key(session, owner, name="automation", role=role, expires_at=None, now=NOW)
    return Principal(Identity(api_key_id=row.id), row.organization_id, role)


async def test_an_api_key_cannot_create_keys(session: AsyncSession) -> None:
    key = await _api_key_principal(session, Role.OWNER)
    with pytest.raises(Forbidden, match="API keys cannot manage API keys"):
        await create_api_key(session, key, name="child", role=Role.VIEWER, expires_at=None, now=NOW)


async def test_an_api_key_cannot_list_or_revoke_keys(session: AsyncSession) -> None:
    key = await _api_key_principal(session, Role.ADMIN)
    assert key.identity.api_key_id is not None
    with pytest.raises(Forbidden):
        await list_api_keys(session, key)
    with pytest.raises(Forbidden):
        await revoke_api_key(session, key, key.identity.api_key_id, NOW)


async def test_listing_shows_the_organizations_keys_newest_first(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    names = ["first", "second", "third"]
    for offset, name in enumerate(names):
        await create_api_key(
            session, admin, name=name, role=Role.VIEWER, expires_at=None, now=NOW + timedelta(minutes=offset)
        )
    assert [row.name for row in await list_api_keys(session, admin)] == ["third", "second", "first"]


async def test_listing_includes_revoked_keys(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    row, _ = await create_api_key(session, admin, name="old", role=Role.VIEWER, expires_at=None, now=NOW)
    await revoke_api_key(session, admin, row.id, NOW)
    assert [(key.id, key.revoked_at) for key in await list_api_keys(session, admin)] == [(row.id, NOW)]


async def test_listing_never_shows_another_organizations_keys(session: AsyncSession) -> None:
    admin, stranger = await _member(session, Role.ADMIN), await _member(session, Role.ADMIN)
    await create_api_key(session, stranger, name="theirs", role=Role.VIEWER, expires_at=None, now=NOW)
    mine, _ = await create_api_key(session, admin, name="mine", role=Role.VIEWER, expires_at=None, now=NOW)
    assert [row.id for row in await list_api_keys(session, admin)] == [mine.id]


async def test_an_editor_cannot_list_keys(session: AsyncSession) -> None:
    with pytest.raises(Forbidden):
        await list_api_keys(session, await _member(session, Role.EDITOR))


async def test_revoking_a_key_records_the_time(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    row, _ = await create_api_key(session, admin, name="ci", role=Role.VIEWER, expires_at=None, now=NOW)
    later = NOW + timedelta(hours=1)
    revoked = await revoke_api_key(session, admin, row.id, later)
    assert revoked.id == row.id and revoked.revoked_at == later
    assert (await session.get_one(ApiKey, row.id)).revoked_at == later


async def test_another_admin_of_the_organization_can_revoke_a_key(session: AsyncSession) -> None:
    creator = await _member(session, Role.ADMIN)
    colleague = await _member(session, Role.ADMIN, await _organization(session, creator))
    row, _ = await create_api_key(session, creator, name="ci", role=Role.VIEWER, expires_at=None, now=NOW)
    assert (await revoke_api_key(session, colleague, row.id, NOW)).revoked_at == NOW


async def test_revoking_a_key_twice_is_a_conflict(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    row, _ = await create_api_key(session, admin, name="ci", role=Role.VIEWER, expires_at=None, now=NOW)
    await revoke_api_key(session, admin, row.id, NOW)
    with pytest.raises(Conflict):
        await revoke_api_key(session, admin, row.id, NOW + timedelta(seconds=1))
    assert (await session.get_one(ApiKey, row.id)).revoked_at == NOW


async def test_another_organizations_key_is_not_found_and_stays_valid(session: AsyncSession) -> None:
    admin, stranger = await _member(session, Role.OWNER), await _member(session, Role.OWNER)
    theirs, _ = await create_api_key(
        session, stranger, name="theirs", role=Role.VIEWER, expires_at=None, now=NOW
    )
    with pytest.raises(NotFound) as foreign:
        await revoke_api_key(session, admin, theirs.id, NOW)
    with pytest.raises(NotFound) as missing:
        await revoke_api_key(session, admin, uuid.uuid4(), NOW)
    assert foreign.value.message == missing.value.message
    assert (await session.get_one(ApiKey, theirs.id)).revoked_at is None


async def test_an_editor_cannot_revoke_keys(session: AsyncSession) -> None:
    admin = await _member(session, Role.ADMIN)
    editor = await _member(session, Role.EDITOR, await _organization(session, admin))
    row, _ = await create_api_key(session, admin, name="ci", role=Role.VIEWER, expires_at=None, now=NOW)
    with pytest.raises(Forbidden):
        await revoke_api_key(session, editor, row.id, NOW)
