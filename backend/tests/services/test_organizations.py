from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.auth.principal import Identity, Principal
from open_backend.db.engine import create_engine_for_url, session_factory
from open_backend.db.models import ApiKey, Membership, Organization, Role, User
from open_backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from open_backend.services import organizations

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def add_user(session: AsyncSession, name: str | None = None) -> User:
    name = name or unique("user")
    user = User(email=f"{name}@example.org", name=name)
    session.add(user)
    await session.flush()
    return user


async def add_organization(session: AsyncSession) -> Organization:
    slug = unique("org")
    row = Organization(name=slug, slug=slug)
    session.add(row)
    await session.flush()
    return row


async def join(
    session: AsyncSession, user: User, org: Organization, role: Role, at: datetime = NOW
) -> Principal:
    session.add(Membership(user_id=user.id, organization_id=org.id, role=role, created_at=at))
    await session.flush()
    return Principal(Identity(user_id=user.id), org.id, role)


async def member(session: AsyncSession, org: Organization, role: Role) -> tuple[Principal, User]:
    user = await add_user(session)
    return await join(session, user, org, role), user


async def role_of(session: AsyncSession, org: Organization, user: User) -> Role | None:
    query = select(Membership.role).where(
        col(Membership.organization_id) == org.id, col(Membership.user_id) == user.id
    )
    return (await session.exec(query)).first()


# --- creating and listing organizations


async def test_creating_an_organization_makes_the_user_its_owner(session: AsyncSession) -> None:
    user = await add_user(session)
    org, membership = await organizations.create_organization(
        session, user.id, name="Acme Data", slug=None, now=NOW
    )
    assert (membership.user_id, membership.organization_id, membership.role) == (user.id, org.id, Role.OWNER)
    assert org.created_at == NOW


async def test_an_organization_without_a_slug_gets_one_from_its_name(session: AsyncSession) -> None:
    user = await add_user(session)
    name = f"Acme Data {uuid.uuid4().hex[:6]}!"
    org, _ = await organizations.create_organization(session, user.id, name=name, slug=None, now=NOW)
    assert org.slug == organizations.slugify(name)
    assert org.slug.startswith("acme-data-")


async def test_a_taken_derived_slug_gets_a_random_suffix(session: AsyncSession) -> None:
    user = await add_user(session)
    name = f"Acme {uuid.uuid4().hex[:6]}"
    first, _ = await organizations.create_organization(session, user.id, name=name, slug=None, now=NOW)
    second, _ = await organizations.create_organization(session, user.id, name=name, slug=None, now=NOW)
    assert second.slug != first.slug
    assert second.slug.startswith(first.slug + "-")


async def test_a_taken_explicit_slug_is_a_conflict(session: AsyncSession) -> None:
    user = await add_user(session)
    slug = unique("acme")
    await organizations.create_organization(session, user.id, name="A", slug=slug, now=NOW)
    with pytest.raises(Conflict):
        await organizations.create_organization(session, user.id, name="B", slug=slug, now=NOW)


@pytest.mark.parametrize("slug", ["ab", "Upper-case", "-leading", "trailing-", "sp ace", "x" * 65])
async def test_a_malformed_slug_is_refused(session: AsyncSession, slug: str) -> None:
    user = await add_user(session)
    with pytest.raises(ValidationFailed) as raised:
        await organizations.create_organization(session, user.id, name="A", slug=slug, now=NOW)
    assert raised.value.details == {"field": "slug"}


@pytest.mark.parametrize("name", ["", "  ", "n" * 201])
async def test_a_blank_or_too_long_organization_name_is_refused(session: AsyncSession, name: str) -> None:
    user = await add_user(session)
    with pytest.raises(ValidationFailed):
        await organizations.create_organization(session, user.id, name=name, slug=None, now=NOW)


@pytest.mark.parametrize(
    ("name", "slug"), [("Acme Data", "acme-data"), ("  Ünïcode & co ", "n-code-co"), ("é", "org")]
)
def test_slugify_keeps_ascii_letters_and_digits(name: str, slug: str) -> None:
    assert organizations.slugify(name) == slug


async def test_a_user_sees_their_organizations_oldest_membership_first(session: AsyncSession) -> None:
    user = await add_user(session)
    newer, older = await add_organization(session), await add_organization(session)
    await join(session, user, newer, Role.VIEWER, at=NOW + timedelta(days=1))
    await join(session, user, older, Role.ADMIN, at=NOW)
    await add_organization(session)  # not a member
    listed = await organizations.organizations_of(session, Identity(user_id=user.id), None)
    assert [(org.id, role) for org, role in listed] == [(older.id, Role.ADMIN), (newer.id, Role.VIEWER)]


async def test_an_api_key_sees_only_its_own_organization(session: AsyncSession) -> None:
    org = await add_organization(session)
    key = ApiKey(
        organization_id=org.id, role=Role.VIEWER, name="ci", prefix=uuid.uuid4().hex[:16], secret_hash="x"
    )
    session.add(key)
    await session.flush()
    identity = Identity(api_key_id=key.id)
    listed = await organizations.organizations_of(session, identity, Principal(identity, org.id, Role.VIEWER))
    assert [(o.id, role) for o, role in listed] == [(org.id, Role.VIEWER)]


async def test_getting_a_missing_user_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await organizations.get_user(session, uuid.uuid4())


# --- members


async def test_members_are_listed_oldest_first_across_pages(session: AsyncSession) -> None:
    org = await add_organization(session)
    users = [await add_user(session) for _ in range(5)]
    for i, user in enumerate(users):
        await join(session, user, org, Role.VIEWER, at=NOW + timedelta(minutes=i))
    principal = Principal(Identity(user_id=users[0].id), org.id, Role.VIEWER)
    first = await organizations.list_members(session, principal, first=3)
    rest = await organizations.list_members(session, principal, first=3, after=first.end_cursor)
    listed = [user.id for _, (_, user) in first.items + rest.items]
    assert listed == [user.id for user in users]
    assert (first.has_next_page, rest.has_next_page, first.total_count) == (True, False, 5)


async def test_members_can_be_searched_by_email_or_name_and_filtered_by_role(session: AsyncSession) -> None:
    org = await add_organization(session)
    principal, _ = await member(session, org, Role.ADMIN)
    ada = await add_user(session, unique("lovelace"))  # "lovelace" cannot occur in a hex suffix
    await join(session, ada, org, Role.EDITOR)
    grace = await add_user(session, unique("hopper"))
    await join(session, grace, org, Role.VIEWER)
    found = await organizations.list_members(session, principal, search="LOVELACE")
    assert [user.id for _, (_, user) in found.items] == [ada.id]
    viewers = await organizations.list_members(session, principal, role=Role.VIEWER)
    assert [user.id for _, (_, user) in viewers.items] == [grace.id]


async def test_members_of_another_organization_are_never_listed(session: AsyncSession) -> None:
    mine, theirs = await add_organization(session), await add_organization(session)
    principal, me = await member(session, mine, Role.OWNER)
    await member(session, theirs, Role.OWNER)
    page = await organizations.list_members(session, principal)
    assert [user.id for _, (_, user) in page.items] == [me.id]


async def test_an_admin_invites_an_existing_user_by_email(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    invitee = await add_user(session)
    membership, user = await organizations.invite_member(
        session, admin, email=invitee.email.upper(), role=Role.EDITOR, now=NOW
    )
    assert (user.id, membership.role, membership.created_at) == (invitee.id, Role.EDITOR, NOW)
    assert await role_of(session, org, invitee) is Role.EDITOR


async def test_inviting_an_unknown_email_is_not_found(session: AsyncSession) -> None:
    admin, _ = await member(session, await add_organization(session), Role.ADMIN)
    with pytest.raises(NotFound):
        await organizations.invite_member(
            session, admin, email="nobody@example.org", role=Role.VIEWER, now=NOW
        )


async def test_inviting_a_member_again_is_a_conflict(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    _, existing = await member(session, org, Role.VIEWER)
    with pytest.raises(Conflict):
        await organizations.invite_member(session, admin, email=existing.email, role=Role.EDITOR, now=NOW)


async def test_an_editor_cannot_invite(session: AsyncSession) -> None:
    editor, _ = await member(session, await add_organization(session), Role.EDITOR)
    invitee = await add_user(session)
    with pytest.raises(Forbidden):
        await organizations.invite_member(session, editor, email=invitee.email, role=Role.VIEWER, now=NOW)


async def test_an_admin_cannot_invite_an_owner_but_an_owner_can(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    owner, _ = await member(session, org, Role.OWNER)
    invitee = await add_user(session)
    with pytest.raises(Forbidden):
        await organizations.invite_member(session, admin, email=invitee.email, role=Role.OWNER, now=NOW)
    await organizations.invite_member(session, owner, email=invitee.email, role=Role.OWNER, now=NOW)
    assert await role_of(session, org, invitee) is Role.OWNER


async def test_an_admin_changes_an_editors_role(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    _, editor = await member(session, org, Role.EDITOR)
    membership, _ = await organizations.change_member_role(
        session, admin, user_id=editor.id, role=Role.VIEWER
    )
    assert membership.role is Role.VIEWER
    assert await role_of(session, org, editor) is Role.VIEWER


async def test_an_admin_cannot_promote_to_owner_or_touch_an_owner(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    _, editor = await member(session, org, Role.EDITOR)
    _, owner = await member(session, org, Role.OWNER)
    with pytest.raises(Forbidden):
        await organizations.change_member_role(session, admin, user_id=editor.id, role=Role.OWNER)
    with pytest.raises(Forbidden):
        await organizations.change_member_role(session, admin, user_id=owner.id, role=Role.ADMIN)
    with pytest.raises(Forbidden):
        await organizations.remove_member(session, admin, user_id=owner.id)
    assert await role_of(session, org, owner) is Role.OWNER


async def test_an_owner_can_demote_another_owner(session: AsyncSession) -> None:
    org = await add_organization(session)
    owner, _ = await member(session, org, Role.OWNER)
    _, other = await member(session, org, Role.OWNER)
    await organizations.change_member_role(session, owner, user_id=other.id, role=Role.ADMIN)
    assert await role_of(session, org, other) is Role.ADMIN


async def test_the_last_owner_cannot_be_demoted(session: AsyncSession) -> None:
    org = await add_organization(session)
    owner, me = await member(session, org, Role.OWNER)
    with pytest.raises(Conflict):
        await organizations.change_member_role(session, owner, user_id=me.id, role=Role.ADMIN)
    assert await role_of(session, org, me) is Role.OWNER


async def test_the_last_owner_cannot_leave(session: AsyncSession) -> None:
    org = await add_organization(session)
    owner, me = await member(session, org, Role.OWNER)
    await member(session, org, Role.ADMIN)
    with pytest.raises(Conflict):
        await organizations.remove_member(session, owner, user_id=me.id)


async def test_an_owner_may_leave_when_another_owner_remains(session: AsyncSession) -> None:
    org = await add_organization(session)
    owner, me = await member(session, org, Role.OWNER)
    await member(session, org, Role.OWNER)
    await organizations.remove_member(session, owner, user_id=me.id)
    assert await role_of(session, org, me) is None


async def test_a_viewer_may_leave_but_not_remove_others(session: AsyncSession) -> None:
    org = await add_organization(session)
    viewer, me = await member(session, org, Role.VIEWER)
    _, other = await member(session, org, Role.VIEWER)
    with pytest.raises(Forbidden):
        await organizations.remove_member(session, viewer, user_id=other.id)
    removed, user = await organizations.remove_member(session, viewer, user_id=me.id)
    assert (user.id, removed.role) == (me.id, Role.VIEWER)
    assert await role_of(session, org, me) is None


async def test_an_admin_removes_an_editor(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    _, editor = await member(session, org, Role.EDITOR)
    await organizations.remove_member(session, admin, user_id=editor.id)
    assert await role_of(session, org, editor) is None


async def test_an_editor_cannot_change_roles(session: AsyncSession) -> None:
    org = await add_organization(session)
    editor, _ = await member(session, org, Role.EDITOR)
    _, viewer = await member(session, org, Role.VIEWER)
    with pytest.raises(Forbidden):
        await organizations.change_member_role(session, editor, user_id=viewer.id, role=Role.EDITOR)


async def test_members_of_another_organization_are_not_found(session: AsyncSession) -> None:
    mine, theirs = await add_organization(session), await add_organization(session)
    owner, _ = await member(session, mine, Role.OWNER)
    _, stranger = await member(session, theirs, Role.VIEWER)
    with pytest.raises(NotFound):
        await organizations.change_member_role(session, owner, user_id=stranger.id, role=Role.EDITOR)
    with pytest.raises(NotFound):
        await organizations.remove_member(session, owner, user_id=stranger.id)
    assert await role_of(session, theirs, stranger) is Role.VIEWER


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(own_db_url: str) -> None:
    engine = create_engine_for_url(own_db_url, pool_size=4, max_overflow=0)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            org = await add_organization(session)
            first, first_user = await member(session, org, Role.OWNER)
            second, second_user = await member(session, org, Role.OWNER)
            await session.commit()

        async def demote(principal: Principal, user: User) -> str:
            async with sessions() as session:
                try:
                    await organizations.change_member_role(
                        session, principal, user_id=user.id, role=Role.ADMIN
                    )
                except Conflict:
                    return "refused"
                await session.commit()
                return "demoted"

        outcomes = await asyncio.gather(demote(first, second_user), demote(second, first_user))
        async with sessions() as session:
            owners = (
                await session.exec(
                    select(Membership).where(
                        col(Membership.organization_id) == org.id, col(Membership.role) == Role.OWNER
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert sorted(outcomes) == ["demoted", "refused"]
    assert len(owners) == 1


# --- the concurrency limit


async def test_an_admin_sets_and_clears_the_concurrency_limit(session: AsyncSession) -> None:
    org = await add_organization(session)
    admin, _ = await member(session, org, Role.ADMIN)
    assert (
        await organizations.set_max_concurrent_executions(session, admin, 5)
    ).max_concurrent_executions == 5
    assert (
        await session.get_one(Organization, org.id, populate_existing=True)
    ).max_concurrent_executions == 5
    assert (
        await organizations.set_max_concurrent_executions(session, admin, None)
    ).max_concurrent_executions is None


async def test_an_editor_may_not_set_the_concurrency_limit(session: AsyncSession) -> None:
    org = await add_organization(session)
    editor, _ = await member(session, org, Role.EDITOR)
    with pytest.raises(Forbidden):
        await organizations.set_max_concurrent_executions(session, editor, 1)


@pytest.mark.parametrize("bad", [0, -3, organizations.MAX_CONCURRENT_EXECUTIONS_LIMIT + 1, True, 1.5])
async def test_a_concurrency_limit_that_is_not_a_positive_integer_in_range_is_refused(
    session: AsyncSession, bad: object
) -> None:
    org = await add_organization(session)
    owner, _ = await member(session, org, Role.OWNER)
    with pytest.raises(ValidationFailed) as caught:
        await organizations.set_max_concurrent_executions(session, owner, bad)  # type: ignore[arg-type]
    assert caught.value.details["field"] == "maxConcurrentExecutions"
