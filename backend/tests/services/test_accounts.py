from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.keys import secret_digest
from open_backend.auth.passwords import needs_rehash, verify_password
from open_backend.auth.rate_limit import SignInLimiter, SignInLimits
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.models import Membership, OAuthIdentity, Organization, RefreshToken, Role, User, metadata
from open_backend.errors import Conflict, RateLimited, Unauthenticated, ValidationFailed
from open_backend.services.accounts import (
    SIGN_IN_FAILED,
    issue_refresh_token,
    revoke_all_refresh_tokens,
    revoke_refresh_token,
    rotate_refresh_token,
    sign_in,
    sign_in_with_identity,
    sign_up,
)
from open_backend.settings import get_settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
DAY = 86_400


def _email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.org"


async def _user(session: AsyncSession, email: str | None = None) -> User:
    user, _ = await sign_up(session, email=email or _email(), password=PASSWORD, name="Ada Lovelace", now=NOW)
    return user


async def _plain_user(session: AsyncSession) -> User:
    """A user row without password, made without the cost of hashing one."""
    user = User(email=_email(), name="Grace Hopper", created_at=NOW)
    session.add(user)
    await session.flush()
    return user


async def _tokens_of_family(session: AsyncSession, family_id: uuid.UUID) -> list[RefreshToken]:
    rows = await session.exec(
        select(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id)
        .order_by(col(RefreshToken.created_at), col(RefreshToken.id))
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


async def _row(session: AsyncSession, token: str) -> RefreshToken:
    rows = await session.exec(
        select(RefreshToken)
        .where(col(RefreshToken.token_hash) == secret_digest(token))
        .execution_options(populate_existing=True)
    )
    return rows.one()


# sign-up


async def test_sign_up_creates_the_user_with_an_argon2id_hash_of_the_password(session: AsyncSession) -> None:
    user, _ = await sign_up(session, email=_email(), password=PASSWORD, name="Ada Lovelace", now=NOW)
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)
    assert (user.name, user.created_at, user.last_sign_in_at) == ("Ada Lovelace", NOW, None)


async def test_sign_up_creates_a_personal_organization_owned_by_the_user(session: AsyncSession) -> None:
    user, organization = await sign_up(session, email=_email(), password=PASSWORD, name="Ada", now=NOW)
    memberships = (await session.exec(select(Membership).where(col(Membership.user_id) == user.id))).all()
    assert [(m.organization_id, m.role) for m in memberships] == [(organization.id, Role.OWNER)]
    assert organization.name == "Ada"
    assert organization.slug.startswith("user-")


async def test_sign_up_stores_the_email_trimmed_and_lower_cased(session: AsyncSession) -> None:
    email = _email()
    user, _ = await sign_up(session, email=f"  {email.upper()} ", password=PASSWORD, name="Ada", now=NOW)
    assert user.email == email


async def test_sign_up_collapses_whitespace_in_the_name(session: AsyncSession) -> None:
    user, _ = await sign_up(session, email=_email(), password=PASSWORD, name="  Ada \n Lovelace ", now=NOW)
    assert user.name == "Ada Lovelace"


async def test_sign_up_refuses_a_taken_email_in_any_case(session: AsyncSession) -> None:
    email = _email()
    await _user(session, email)
    with pytest.raises(Conflict) as raised:
        await sign_up(session, email=email.upper(), password=PASSWORD, name="Again", now=NOW)
    assert raised.value.details == {"field": "email"}


@pytest.mark.parametrize("email", ["", "ada", "ada@", "@example.org", "ada@example", "a b@example.org"])
async def test_sign_up_refuses_an_invalid_email(session: AsyncSession, email: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await sign_up(session, email=email, password=PASSWORD, name="Ada", now=NOW)
    assert raised.value.details["field"] == "email"


async def test_sign_up_refuses_a_short_password(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await sign_up(session, email=_email(), password="short", name="Ada", now=NOW)
    assert raised.value.details["field"] == "password"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_sign_up_refuses_an_empty_or_overlong_name(session: AsyncSession, name: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await sign_up(session, email=_email(), password=PASSWORD, name=name, now=NOW)
    assert raised.value.details["field"] == "name"


async def test_a_refused_sign_up_creates_nothing(session: AsyncSession) -> None:
    email = _email()
    with pytest.raises(ValidationFailed):
        await sign_up(session, email=email, password="short", name="Ada", now=NOW)
    assert (await session.exec(select(User).where(col(User.email) == email))).first() is None


# sign-in


async def test_sign_in_returns_the_user_and_records_the_time(session: AsyncSession) -> None:
    user = await _user(session)
    later = NOW + timedelta(hours=1)
    signed_in = await sign_in(
        session, SignInLimiter(), email=user.email, password=PASSWORD, ip="10.0.0.1", now=later
    )
    assert signed_in.id == user.id
    assert signed_in.last_sign_in_at == later


async def test_sign_in_ignores_the_case_of_the_email(session: AsyncSession) -> None:
    user = await _user(session)
    signed_in = await sign_in(
        session, SignInLimiter(), email=f" {user.email.upper()}", password=PASSWORD, ip="10.0.0.1", now=NOW
    )
    assert signed_in.id == user.id


async def test_a_wrong_password_and_an_unknown_email_fail_alike(session: AsyncSession) -> None:
    user = await _user(session)
    limiter = SignInLimiter()
    with pytest.raises(Unauthenticated) as wrong_password:
        await sign_in(session, limiter, email=user.email, password=PASSWORD + "!", ip="10.0.0.1", now=NOW)
    with pytest.raises(Unauthenticated) as unknown_email:
        await sign_in(session, limiter, email=_email(), password=PASSWORD, ip="10.0.0.1", now=NOW)
    assert wrong_password.value.message == unknown_email.value.message == SIGN_IN_FAILED
    assert wrong_password.value.details == unknown_email.value.details == {}


async def test_an_account_without_password_cannot_sign_in_with_one(session: AsyncSession) -> None:
    user = await sign_in_with_identity(
        session, provider="github", subject=uuid.uuid4().hex, email=_email(), name="Ada", now=NOW
    )
    with pytest.raises(Unauthenticated, match=SIGN_IN_FAILED):
        await sign_in(session, SignInLimiter(), email=user.email, password=PASSWORD, ip="10.0.0.1", now=NOW)


async def test_an_overlong_password_fails_without_being_hashed(session: AsyncSession) -> None:
    user = await _user(session)
    with pytest.raises(Unauthenticated, match=SIGN_IN_FAILED):
        await sign_in(session, SignInLimiter(), email=user.email, password="p" * 1025, ip="10.0.0.1", now=NOW)


async def test_repeated_failures_lock_the_account_even_for_the_right_password(session: AsyncSession) -> None:
    user = await _user(session)
    limiter = SignInLimiter(SignInLimits(account=2))
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await sign_in(
                session, limiter, email=user.email, password="wrong password", ip="10.0.0.1", now=NOW
            )
    with pytest.raises(RateLimited) as raised:
        await sign_in(session, limiter, email=user.email, password=PASSWORD, ip="10.0.0.2", now=NOW)
    assert raised.value.details["retry_after"] == 900


async def test_failures_for_unknown_emails_count_against_the_ip(session: AsyncSession) -> None:
    limiter = SignInLimiter(SignInLimits(account=100, ip=3))
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(session, limiter, email=_email(), password="any password", ip="10.9.9.9", now=NOW)
    user = await _user(session)
    with pytest.raises(RateLimited):
        await sign_in(session, limiter, email=user.email, password=PASSWORD, ip="10.9.9.9", now=NOW)


async def test_a_hash_with_old_parameters_is_replaced_at_sign_in(session: AsyncSession) -> None:
    user = await _user(session)
    old_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    user.password_hash = old_hash
    session.add(user)
    await session.flush()
    signed_in = await sign_in(
        session, SignInLimiter(), email=user.email, password=PASSWORD, ip="10.0.0.1", now=NOW
    )
    assert signed_in.password_hash is not None and signed_in.password_hash != old_hash
    assert not needs_rehash(signed_in.password_hash)
    assert verify_password(signed_in.password_hash, PASSWORD)


async def test_a_current_hash_is_kept_at_sign_in(session: AsyncSession) -> None:
    user = await _user(session)
    current = user.password_hash
    signed_in = await sign_in(
        session, SignInLimiter(), email=user.email, password=PASSWORD, ip="10.0.0.1", now=NOW
    )
    assert signed_in.password_hash == current


# sign-in with an external identity


async def test_a_first_external_sign_in_creates_the_user_organization_and_identity(
    session: AsyncSession,
) -> None:
    email, subject = _email(), uuid.uuid4().hex
    user = await sign_in_with_identity(
        session, provider="oidc", subject=subject, email=email, name="Ada", now=NOW
    )
    assert (user.email, user.name, user.password_hash, user.last_sign_in_at) == (email, "Ada", None, NOW)
    identity = (await session.exec(select(OAuthIdentity).where(col(OAuthIdentity.user_id) == user.id))).one()
    assert (identity.provider, identity.subject) == ("oidc", subject)
    membership = (await session.exec(select(Membership).where(col(Membership.user_id) == user.id))).one()
    assert membership.role is Role.OWNER


async def test_a_later_external_sign_in_finds_the_same_user(session: AsyncSession) -> None:
    subject = uuid.uuid4().hex
    first = await sign_in_with_identity(
        session, provider="oidc", subject=subject, email=_email(), name="A", now=NOW
    )
    later = NOW + timedelta(days=1)
    # The provider may report a changed email or name: the account is found by its subject.
    again = await sign_in_with_identity(
        session, provider="oidc", subject=subject, email=_email(), name="Renamed", now=later
    )
    assert again.id == first.id
    assert again.last_sign_in_at == later
    count = await session.exec(
        select(func.count()).select_from(Membership).where(col(Membership.user_id) == first.id)
    )
    assert count.one() == 1


async def test_the_same_subject_at_another_provider_is_another_user(session: AsyncSession) -> None:
    subject = uuid.uuid4().hex
    first = await sign_in_with_identity(
        session, provider="oidc", subject=subject, email=_email(), name="A", now=NOW
    )
    second = await sign_in_with_identity(
        session, provider="github", subject=subject, email=_email(), name="B", now=NOW
    )
    assert first.id != second.id


async def test_an_external_sign_in_with_the_email_of_a_password_account_is_refused(
    session: AsyncSession,
) -> None:
    user = await _user(session)
    with pytest.raises(Conflict):
        await sign_in_with_identity(
            session, provider="oidc", subject=uuid.uuid4().hex, email=user.email.upper(), name="X", now=NOW
        )
    identities = await session.exec(select(OAuthIdentity).where(col(OAuthIdentity.user_id) == user.id))
    assert identities.all() == []


async def test_an_external_sign_in_without_a_name_uses_the_email_local_part(session: AsyncSession) -> None:
    email = _email()
    user = await sign_in_with_identity(
        session, provider="oidc", subject=uuid.uuid4().hex, email=email, name="", now=NOW
    )
    assert user.name == email.split("@")[0]


async def test_an_overlong_provider_name_is_trimmed_to_fit(session: AsyncSession) -> None:
    user = await sign_in_with_identity(
        session, provider="oidc", subject=uuid.uuid4().hex, email=_email(), name="N" * 500, now=NOW
    )
    assert user.name == "N" * 200


# refresh tokens


async def test_a_refresh_token_is_256_random_bits_stored_only_as_its_digest(session: AsyncSession) -> None:
    user = await _plain_user(session)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    assert len(token) == 43
    row = await _row(session, token)
    assert row.token_hash == secret_digest(token) != token
    assert (row.user_id, row.created_at, row.expires_at) == (user.id, NOW, NOW + timedelta(days=1))
    table = metadata.tables["refresh_tokens"]
    stored = await (await session.connection()).execute(sa.select(table).where(table.c.id == row.id))
    assert token not in [str(value) for value in stored.one()]


async def test_a_refresh_token_lives_for_the_configured_ttl_by_default(session: AsyncSession) -> None:
    user = await _plain_user(session)
    row = await _row(session, await issue_refresh_token(session, user.id, NOW))
    assert row.expires_at == NOW + timedelta(seconds=get_settings().refresh_token_ttl_s)


async def test_each_issued_refresh_token_starts_its_own_family(session: AsyncSession) -> None:
    user = await _plain_user(session)
    first = await _row(session, await issue_refresh_token(session, user.id, NOW, ttl_s=DAY))
    second = await _row(session, await issue_refresh_token(session, user.id, NOW, ttl_s=DAY))
    assert first.family_id != second.family_id


async def test_rotation_returns_the_user_and_a_new_token_of_the_same_family(session: AsyncSession) -> None:
    user = await _plain_user(session)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    later = NOW + timedelta(hours=2)
    user_id, new_token = await rotate_refresh_token(session, token, later, ttl_s=DAY)
    assert user_id == user.id and new_token != token
    old, new = await _row(session, token), await _row(session, new_token)
    assert old.replaced_by_id == new.id
    assert new.family_id == old.family_id
    assert new.expires_at == later + timedelta(days=1)
    assert new.revoked_at is None


async def test_a_rotated_token_can_itself_be_rotated(session: AsyncSession) -> None:
    user = await _plain_user(session)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    for _ in range(3):
        _, token = await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
    assert (await _row(session, token)).replaced_by_id is None


async def test_reusing_a_rotated_token_revokes_the_whole_family(session: AsyncSession) -> None:
    user = await _plain_user(session)
    stolen = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    _, legitimate = await rotate_refresh_token(session, stolen, NOW, ttl_s=DAY)
    _, newest = await rotate_refresh_token(session, legitimate, NOW, ttl_s=DAY)
    reuse_time = NOW + timedelta(minutes=5)
    with pytest.raises(Unauthenticated) as raised:
        await rotate_refresh_token(session, stolen, reuse_time, ttl_s=DAY)
    assert raised.value.details == {"reason": "reused"}
    family = await _tokens_of_family(session, (await _row(session, stolen)).family_id)
    assert len(family) == 3
    assert all(row.revoked_at is not None for row in family)
    with pytest.raises(Unauthenticated):
        await rotate_refresh_token(session, newest, reuse_time, ttl_s=DAY)


async def test_the_family_revocation_survives_the_callers_rollback(session: AsyncSession) -> None:
    user = await _plain_user(session)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    _, newest = await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
    await session.commit()
    with pytest.raises(Unauthenticated):
        await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
    await session.rollback()  # what a caller does after an error
    assert (await _row(session, newest)).revoked_at == NOW


async def test_reuse_does_not_touch_other_families(session: AsyncSession) -> None:
    user = await _plain_user(session)
    other_device = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
    with pytest.raises(Unauthenticated):
        await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
    assert (await rotate_refresh_token(session, other_device, NOW, ttl_s=DAY))[0] == user.id


async def test_an_expired_refresh_token_is_refused(session: AsyncSession) -> None:
    user = await _plain_user(session)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    with pytest.raises(Unauthenticated) as raised:
        await rotate_refresh_token(session, token, NOW + timedelta(days=1), ttl_s=DAY)
    assert raised.value.details == {"reason": "expired"}


async def test_a_refresh_token_is_accepted_until_just_before_it_expires(session: AsyncSession) -> None:
    user = await _plain_user(session)
    token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    just_before = NOW + timedelta(days=1) - timedelta(microseconds=1)
    assert (await rotate_refresh_token(session, token, just_before, ttl_s=DAY))[0] == user.id


async def test_an_unknown_refresh_token_is_refused(session: AsyncSession) -> None:
    with pytest.raises(Unauthenticated):
        await rotate_refresh_token(session, "not-a-token-we-issued", NOW, ttl_s=DAY)


async def test_sign_out_revokes_the_token_and_its_family(session: AsyncSession) -> None:
    user = await _plain_user(session)
    first = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    _, current = await rotate_refresh_token(session, first, NOW, ttl_s=DAY)
    await revoke_refresh_token(session, current, NOW)
    with pytest.raises(Unauthenticated) as raised:
        await rotate_refresh_token(session, current, NOW, ttl_s=DAY)
    assert raised.value.details == {"reason": "revoked"}
    family = await _tokens_of_family(session, (await _row(session, first)).family_id)
    assert [row.revoked_at for row in family] == [NOW, NOW]


async def test_sign_out_leaves_other_sign_ins_alone(session: AsyncSession) -> None:
    user = await _plain_user(session)
    kept = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
    await revoke_refresh_token(session, await issue_refresh_token(session, user.id, NOW, ttl_s=DAY), NOW)
    assert (await rotate_refresh_token(session, kept, NOW, ttl_s=DAY))[0] == user.id


async def test_signing_out_with_an_unknown_token_is_not_an_error(session: AsyncSession) -> None:
    await revoke_refresh_token(session, "never-issued", NOW)


async def test_signing_out_everywhere_revokes_every_family_of_the_user_only(session: AsyncSession) -> None:
    user, other = await _plain_user(session), await _plain_user(session)
    tokens = [await issue_refresh_token(session, user.id, NOW, ttl_s=DAY) for _ in range(2)]
    others = await issue_refresh_token(session, other.id, NOW, ttl_s=DAY)
    await revoke_all_refresh_tokens(session, user.id, NOW)
    for token in tokens:
        with pytest.raises(Unauthenticated):
            await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
    assert (await rotate_refresh_token(session, others, NOW, ttl_s=DAY))[0] == other.id


async def test_an_organization_row_exists_for_every_sign_up(session: AsyncSession) -> None:
    _, organization = await sign_up(session, email=_email(), password=PASSWORD, name="Ada", now=NOW)
    assert (await session.get(Organization, organization.id)) is not None


async def test_concurrent_rotations_of_one_token_let_one_win_and_revoke_the_family(postgres_url: str) -> None:
    engine = create_engine_for_url(postgres_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            user = await _plain_user(session)
            token = await issue_refresh_token(session, user.id, NOW, ttl_s=DAY)
            await session.commit()

        async def rotate() -> str | None:
            async with sessions() as session:
                try:
                    _, new_token = await rotate_refresh_token(session, token, NOW, ttl_s=DAY)
                except Unauthenticated as error:
                    assert error.details == {"reason": "reused"}
                    return None
                await asyncio.sleep(0.05)  # hold the row lock while the other rotation waits
                await session.commit()
                return new_token

        results = await asyncio.gather(rotate(), rotate())
        winners = [result for result in results if result is not None]
        assert len(winners) == 1
        async with sessions() as session:
            family = await _tokens_of_family(session, (await _row(session, token)).family_id)
            assert len(family) == 2
            assert all(row.revoked_at == NOW for row in family)
    finally:
        await engine.dispose()
