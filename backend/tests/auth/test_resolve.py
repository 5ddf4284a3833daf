from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.api_key_secret import ApiKeySecret
from open_backend.auth.principal import Authenticated, Identity, Principal
from open_backend.auth.resolve import LAST_USED_RESOLUTION_S, bearer_token, resolve_request
from open_backend.auth.tokens import TokenService
from open_backend.db.models import ApiKey, Membership, Organization, Role, User
from open_backend.errors import Forbidden, Unauthenticated
from open_backend.services.api_keys import create_api_key, revoke_api_key
from open_backend.settings import Environment, Settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def tokens() -> TokenService:
    return TokenService(Settings(env=Environment.TEST, secret_key="resolve-tests-secret-key-32-bytes!"))


async def _organization(session: AsyncSession) -> Organization:
    slug = f"org-{uuid.uuid4().hex[:12]}"
    organization = Organization(name=slug, slug=slug)
    session.add(organization)
    await session.flush()
    return organization


async def _user(session: AsyncSession) -> User:
    user = User(email=f"user-{uuid.uuid4().hex[:12]}@example.org", name="Ada")
    session.add(user)
    await session.flush()
    return user


async def _join(
    session: AsyncSession, user: User, organization: Organization, role: Role, *, at: datetime = NOW
) -> None:
    session.add(Membership(user_id=user.id, organization_id=organization.id, role=role, created_at=at))
    await session.flush()


async def _api_key(
    session: AsyncSession, role: Role = Role.EDITOR, *, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    owner, organization = await _user(session), await _organization(session)
    await _join(session, owner, organization, Role.OWNER)
    principal = Principal(Identity(user_id=owner.id), organization.id, Role.OWNER)
    return await create_api_key(session, principal, name="ci", role=role, expires_at=expires_at, now=NOW)


async def _resolve(
    session: AsyncSession,
    tokens: TokenService,
    token: str,
    *,
    organization: str | None = None,
    now: datetime = NOW,
) -> Authenticated | None:
    return await resolve_request(
        session, tokens, authorization=f"Bearer {token}", organization=organization, now=now
    )


async def _stored_last_used(session: AsyncSession, key: ApiKey) -> datetime | None:
    row = await session.exec(
        select(ApiKey).where(col(ApiKey.id) == key.id).execution_options(populate_existing=True)
    )
    return row.one().last_used_at


# the header


async def test_a_request_without_authorization_is_anonymous(
    session: AsyncSession, tokens: TokenService
) -> None:
    assert await resolve_request(session, tokens, authorization=None, organization=None, now=NOW) is None


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer a b", "token"])
def test_a_malformed_authorization_header_is_refused(header: str) -> None:
    with pytest.raises(Unauthenticated, match="Bearer <token>"):
        bearer_token(header)


def test_the_bearer_scheme_is_case_insensitive() -> None:
    assert bearer_token("bearer abc") == bearer_token("BEARER abc") == "abc"


async def test_a_malformed_header_is_refused_by_resolve(session: AsyncSession, tokens: TokenService) -> None:
    with pytest.raises(Unauthenticated):
        await resolve_request(session, tokens, authorization="Basic x", organization=None, now=NOW)


# users


async def test_a_user_acts_in_their_oldest_membership_by_default(
    session: AsyncSession, tokens: TokenService
) -> None:
    user, first, second = await _user(session), await _organization(session), await _organization(session)
    await _join(session, user, second, Role.VIEWER, at=NOW + timedelta(days=1))
    await _join(session, user, first, Role.ADMIN, at=NOW)
    token, _ = tokens.issue_access_token(user.id, NOW)
    identity = Identity(user_id=user.id)
    assert await _resolve(session, tokens, token) == Authenticated(
        identity, Principal(identity, first.id, Role.ADMIN)
    )


async def test_the_organization_header_selects_another_membership(
    session: AsyncSession, tokens: TokenService
) -> None:
    user, first, second = await _user(session), await _organization(session), await _organization(session)
    await _join(session, user, first, Role.ADMIN, at=NOW)
    await _join(session, user, second, Role.VIEWER, at=NOW + timedelta(days=1))
    token, _ = tokens.issue_access_token(user.id, NOW)
    resolved = await _resolve(session, tokens, token, organization=str(second.id))
    assert resolved is not None and resolved.principal is not None
    assert (resolved.principal.organization_id, resolved.principal.role) == (second.id, Role.VIEWER)


async def test_a_foreign_a_missing_and_a_malformed_organization_are_refused_alike(
    session: AsyncSession, tokens: TokenService
) -> None:
    user, own, foreign = await _user(session), await _organization(session), await _organization(session)
    await _join(session, user, own, Role.OWNER)
    token, _ = tokens.issue_access_token(user.id, NOW)
    messages = []
    for header in (str(foreign.id), str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(Forbidden) as raised:
            await _resolve(session, tokens, token, organization=header)
        messages.append((raised.value.message, raised.value.details))
    assert len(set(map(str, messages))) == 1


async def test_a_user_without_membership_is_authenticated_without_principal(
    session: AsyncSession, tokens: TokenService
) -> None:
    user = await _user(session)
    token, _ = tokens.issue_access_token(user.id, NOW)
    assert await _resolve(session, tokens, token) == Authenticated(Identity(user_id=user.id), None)


async def test_a_user_without_membership_naming_an_organization_is_refused(
    session: AsyncSession, tokens: TokenService
) -> None:
    user, organization = await _user(session), await _organization(session)
    token, _ = tokens.issue_access_token(user.id, NOW)
    with pytest.raises(Forbidden):
        await _resolve(session, tokens, token, organization=str(organization.id))


async def test_an_expired_access_token_is_refused(session: AsyncSession, tokens: TokenService) -> None:
    user = await _user(session)
    token, expires_at = tokens.issue_access_token(user.id, NOW)
    with pytest.raises(Unauthenticated, match="expired"):
        await _resolve(session, tokens, token, now=expires_at)


async def test_a_token_of_a_deleted_user_is_refused(session: AsyncSession, tokens: TokenService) -> None:
    user = await _user(session)
    token, _ = tokens.issue_access_token(user.id, NOW)
    await session.delete(user)
    await session.flush()
    with pytest.raises(Unauthenticated):
        await _resolve(session, tokens, token)


async def test_a_token_signed_with_another_secret_is_refused(
    session: AsyncSession, tokens: TokenService
) -> None:
    user = await _user(session)
    other = TokenService(Settings(env=Environment.TEST, secret_key="a-completely-different-secret-key!!"))
    token, _ = other.issue_access_token(user.id, NOW)
    with pytest.raises(Unauthenticated):
        await _resolve(session, tokens, token)


# API keys


async def test_an_api_key_acts_in_its_organization_with_its_role(
    session: AsyncSession, tokens: TokenService
) -> None:
    row, key = await _api_key(session, Role.EDITOR)
    identity = Identity(api_key_id=row.id)
    assert await _resolve(session, tokens, key) == Authenticated(
        identity, Principal(identity, row.organization_id, Role.EDITOR)
    )


async def test_an_api_key_may_name_its_own_organization(session: AsyncSession, tokens: TokenService) -> None:
    row, key = await _api_key(session)
    resolved = await _resolve(session, tokens, key, organization=str(row.organization_id))
    assert resolved is not None and resolved.principal is not None
    assert resolved.principal.organization_id == row.organization_id


async def test_an_api_key_naming_another_organization_is_refused(
    session: AsyncSession, tokens: TokenService
) -> None:
    _, key = await _api_key(session)
    other = await _organization(session)
    with pytest.raises(Forbidden):
        await _resolve(session, tokens, key, organization=str(other.id))


async def test_an_api_key_with_a_wrong_secret_is_refused(session: AsyncSession, tokens: TokenService) -> None:
    row, key = await _api_key(session)
    wrong = f"open_{row.prefix}_{'A' * 43}"
    assert wrong != key
    with pytest.raises(Unauthenticated, match="API key is invalid"):
        await _resolve(session, tokens, wrong)


async def test_an_api_key_with_an_unknown_prefix_is_refused(
    session: AsyncSession, tokens: TokenService
) -> None:
    _, key = await _api_key(session)
    parsed = ApiKeySecret.parse(key)
    assert parsed is not None
    with pytest.raises(Unauthenticated, match="API key is invalid"):
        await _resolve(session, tokens, str(ApiKeySecret(prefix="000000000000", secret=parsed.secret)))


async def test_a_malformed_api_key_is_refused(session: AsyncSession, tokens: TokenService) -> None:
    with pytest.raises(Unauthenticated, match="API key is invalid"):
        await _resolve(session, tokens, "open_not-a-key")


async def test_a_revoked_api_key_is_refused(session: AsyncSession, tokens: TokenService) -> None:
    row, key = await _api_key(session)
    owner = Principal(Identity(user_id=row.created_by_id), row.organization_id, Role.OWNER)
    await revoke_api_key(session, owner, row.id, NOW)
    with pytest.raises(Unauthenticated, match="revoked"):
        await _resolve(session, tokens, key, now=NOW + timedelta(seconds=1))


async def test_an_api_key_is_refused_from_its_expiry_on(session: AsyncSession, tokens: TokenService) -> None:
    expiry = NOW + timedelta(days=1)
    _, key = await _api_key(session, expires_at=expiry)
    assert await _resolve(session, tokens, key, now=expiry - timedelta(seconds=1)) is not None
    with pytest.raises(Unauthenticated, match="expired"):
        await _resolve(session, tokens, key, now=expiry)


async def test_the_first_use_of_an_api_key_records_its_time(
    session: AsyncSession, tokens: TokenService
) -> None:
    row, key = await _api_key(session)
    await _resolve(session, tokens, key, now=NOW)
    assert await _stored_last_used(session, row) == NOW


async def test_the_use_time_is_written_at_most_once_a_minute(
    session: AsyncSession, tokens: TokenService
) -> None:
    row, key = await _api_key(session)
    await _resolve(session, tokens, key, now=NOW)
    await _resolve(session, tokens, key, now=NOW + timedelta(seconds=LAST_USED_RESOLUTION_S - 1))
    assert await _stored_last_used(session, row) == NOW
    a_minute_later = NOW + timedelta(seconds=LAST_USED_RESOLUTION_S)
    await _resolve(session, tokens, key, now=a_minute_later)
    assert await _stored_last_used(session, row) == a_minute_later


async def test_the_use_time_survives_the_callers_rollback(
    session: AsyncSession, tokens: TokenService
) -> None:
    row, key = await _api_key(session)
    await session.commit()
    await _resolve(session, tokens, key, now=NOW)
    await session.rollback()  # a read-only request never commits
    assert await _stored_last_used(session, row) == NOW


async def test_a_refused_api_key_records_no_use(session: AsyncSession, tokens: TokenService) -> None:
    row, _ = await _api_key(session)
    with pytest.raises(Unauthenticated):
        await _resolve(session, tokens, f"open_{row.prefix}_{'A' * 43}")
    assert await _stored_last_used(session, row) is None
