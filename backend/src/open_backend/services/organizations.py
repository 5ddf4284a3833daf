"""Organizations, their members and roles.

Rules, checked here whoever calls:

* Any member may read the organization and its member list; admins and owners manage members.
* Only owners manage owners: granting the owner role, or changing or removing an owner, needs
  the owner role.
* An organization always keeps at least one owner: demoting or removing the last one is a
  ``Conflict``. Membership changes lock the organization row first, so two owners demoting
  each other at the same time cannot both succeed.
* Any member may leave (remove themselves), subject to the last-owner rule.
* Admins and owners set the organization's concurrency limit (``max_concurrent_executions``:
  at most that many of its executions run at once, all DAGs together; ``None``: no limit).

Users are not owned by an organization; they are looked up by id only where the id comes from a
row already scoped to the principal's organization.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from open_backend.auth.principal import Identity, Principal
from open_backend.db.models import Membership, Organization, Role, User
from open_backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from open_backend.services.pagination import Order, Page, paginate

#: Longest organization name, in characters (the column's width).
MAX_ORGANIZATION_NAME_LENGTH: Final = 200

#: Slugs: 3 to 64 lower-case letters, digits and inner hyphens.
SLUG_PATTERN: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,62})[a-z0-9]")

#: Largest per-organization concurrency limit the API accepts (executions running at once).
MAX_CONCURRENT_EXECUTIONS_LIMIT: Final = 10_000

Member = tuple[Membership, User]


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    """The user ``user_id``.

    Raises:
        NotFound: no such user (e.g. deleted since the token was issued).
    """
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


async def users_by_id(session: AsyncSession, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, User]:
    """The users among ``user_ids``, by id (one query). Call it only with ids read from rows of
    the caller's organization (version authors, key creators)."""
    query = select(User).where(col(User.id).in_(list(user_ids)))
    return {user.id: user for user in (await session.exec(query)).all()}


async def memberships_of(session: AsyncSession, user_id: uuid.UUID) -> list[tuple[Membership, Organization]]:
    """The user's memberships with their organizations, oldest first."""
    query = (
        select(Membership, Organization)
        .join(Organization, col(Organization.id) == col(Membership.organization_id))
        .where(col(Membership.user_id) == user_id)
        .order_by(col(Membership.created_at), col(Membership.id))
    )
    return [(membership, organization) for membership, organization in (await session.exec(query)).all()]


async def organizations_of(
    session: AsyncSession, identity: Identity, principal: Principal | None
) -> list[tuple[Organization, Role]]:
    """The organizations the caller may act in, with its role in each, oldest membership first.

    A user sees every organization they belong to; an API key only its own.
    """
    if identity.user_id is not None:
        return [(organization, m.role) for m, organization in await memberships_of(session, identity.user_id)]
    if principal is None:
        return []
    organization = await session.get(Organization, principal.organization_id)
    return [] if organization is None else [(organization, principal.role)]


def slugify(name: str) -> str:
    """A slug made of ``name``: lower-case ASCII letters and digits, other runs become ``-``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56].strip("-")
    return slug if len(slug) >= 3 else f"org-{slug}".strip("-")


async def create_organization(
    session: AsyncSession, user_id: uuid.UUID, *, name: str, slug: str | None, now: datetime
) -> tuple[Organization, Membership]:
    """Create an organization with the user as its owner.

    Without ``slug`` one is made from the name, with a random suffix if that one is taken.

    Raises:
        ValidationFailed: an empty or too long name, or a malformed slug (``details["field"]``).
        Conflict: the given slug is taken.
    """
    name = name.strip()
    if not 1 <= len(name) <= MAX_ORGANIZATION_NAME_LENGTH:
        raise ValidationFailed(
            f"an organization name must have 1 to {MAX_ORGANIZATION_NAME_LENGTH} characters",
            {"field": "name"},
        )
    if slug is not None and SLUG_PATTERN.fullmatch(slug) is None:
        raise ValidationFailed(
            "a slug has 3 to 64 lower-case letters, digits and inner hyphens", {"field": "slug"}
        )
    chosen = slug if slug is not None else slugify(name)
    taken = (await session.exec(select(Organization.id).where(col(Organization.slug) == chosen))).first()
    if taken is not None:
        if slug is not None:
            raise Conflict(f"the slug {slug!r} is taken", {"field": "slug"})
        chosen = f"{chosen}-{secrets.token_hex(3)}"
    organization = Organization(name=name, slug=chosen, created_at=now)
    session.add(organization)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"the slug {chosen!r} is taken", {"field": "slug"}) from None
    membership = Membership(user_id=user_id, organization_id=organization.id, role=Role.OWNER, created_at=now)
    session.add(membership)
    await session.flush()
    return organization, membership


MEMBER_ORDER: Final[Order[Member]] = Order(
    kind="members",
    key=col(Membership.created_at),
    id_column=col(Membership.id),
    key_of=lambda member: member[0].created_at,
    id_of=lambda member: member[0].id,
)


def _members(principal: Principal) -> Select[Membership, User]:
    return (
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(Membership.organization_id) == principal.organization_id)
    )


async def list_members(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None = None,
    after: str | None = None,
    search: str | None = None,
    role: Role | None = None,
) -> Page[Member]:
    """A page of the organization's members, oldest first; any member may read it.

    ``search`` matches a case-insensitive substring of the email or name.

    Raises:
        ValidationFailed: ``first`` out of range or a bad ``after`` cursor.
    """
    query = _members(principal)
    if role is not None:
        query = query.where(col(Membership.role) == role)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            sa.or_(col(User.email).ilike(pattern, escape="\\"), col(User.name).ilike(pattern, escape="\\"))
        )
    return await paginate(session, query, MEMBER_ORDER, first=first, after=after)


async def _lock_organization(session: AsyncSession, principal: Principal) -> None:
    query = select(Organization.id).where(col(Organization.id) == principal.organization_id).with_for_update()
    await session.exec(query)


async def _member(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> Member:
    row = (await session.exec(_members(principal).where(col(Membership.user_id) == user_id))).first()
    if row is None:
        raise NotFound("no such member")
    membership, user = row
    return membership, user


async def _owner_count(session: AsyncSession, principal: Principal) -> int:
    query = select(func.count()).where(
        col(Membership.organization_id) == principal.organization_id, col(Membership.role) == Role.OWNER
    )
    return (await session.exec(query)).one()


def _check_may_manage(principal: Principal, *roles: Role) -> None:
    principal.require(Role.ADMIN)
    if Role.OWNER in roles and not principal.has_role(Role.OWNER):
        raise Forbidden("only owners can grant, change or remove the owner role")


async def invite_member(
    session: AsyncSession, principal: Principal, *, email: str, role: Role, now: datetime
) -> Member:
    """Add the existing user with ``email`` to the organization with ``role``; needs admin
    (owner to add an owner).

    Raises:
        Forbidden: the principal is below admin, or grants owner without being one.
        NotFound: no user has this email (they must sign up first).
        Conflict: the user is already a member.
    """
    _check_may_manage(principal, role)
    user = (await session.exec(select(User).where(col(User.email) == email.strip()))).first()
    if user is None:
        raise NotFound("no user has this email address; they must sign up first", {"field": "email"})
    await _lock_organization(session, principal)
    existing = (
        await session.exec(
            select(Membership.id).where(
                col(Membership.organization_id) == principal.organization_id,
                col(Membership.user_id) == user.id,
            )
        )
    ).first()
    if existing is not None:
        raise Conflict("this user is already a member", {"field": "email"})
    membership = Membership(
        user_id=user.id, organization_id=principal.organization_id, role=role, created_at=now
    )
    session.add(membership)
    await session.flush()
    return membership, user


async def change_member_role(
    session: AsyncSession, principal: Principal, *, user_id: uuid.UUID, role: Role
) -> Member:
    """Give member ``user_id`` the role ``role``; needs admin (owner when owners are involved).

    Raises:
        Forbidden: the principal may not make this change.
        NotFound: the user is not a member of the organization.
        Conflict: it would demote the last owner.
    """
    principal.require(Role.ADMIN)
    await _lock_organization(session, principal)
    membership, user = await _member(session, principal, user_id)
    _check_may_manage(principal, membership.role, role)
    if (
        membership.role is Role.OWNER
        and role is not Role.OWNER
        and await _owner_count(session, principal) <= 1
    ):
        raise Conflict("an organization must keep at least one owner; make someone else owner first")
    membership.role = role
    await session.flush()
    return membership, user


async def remove_member(session: AsyncSession, principal: Principal, *, user_id: uuid.UUID) -> Member:
    """Remove member ``user_id``; needs admin (owner to remove an owner), except that any member
    may remove themselves.

    Returns the removed membership and its user, as they were.

    Raises:
        Forbidden: the principal may not remove this member.
        NotFound: the user is not a member of the organization.
        Conflict: it would remove the last owner.
    """
    leaving = principal.identity.user_id == user_id
    if not leaving:
        principal.require(Role.ADMIN)
    await _lock_organization(session, principal)
    membership, user = await _member(session, principal, user_id)
    if not leaving:
        _check_may_manage(principal, membership.role)
    if membership.role is Role.OWNER and await _owner_count(session, principal) <= 1:
        raise Conflict("an organization must keep at least one owner; make someone else owner first")
    await session.delete(membership)
    await session.flush()
    return membership, user


def check_max_concurrent_executions(limit: object) -> None:
    """Check a concurrency limit (an organization's or a DAG's): ``None`` (no limit) or an
    integer from 1 to :data:`MAX_CONCURRENT_EXECUTIONS_LIMIT`.

    Raises:
        ValidationFailed: anything else (``details["field"]`` is ``maxConcurrentExecutions``,
            with ``min`` and ``max``).
    """
    if limit is not None and (
        not isinstance(limit, int)
        or isinstance(limit, bool)
        or not 1 <= limit <= MAX_CONCURRENT_EXECUTIONS_LIMIT
    ):
        raise ValidationFailed(
            f"maxConcurrentExecutions must be null (no limit) or an integer from 1 to "
            f"{MAX_CONCURRENT_EXECUTIONS_LIMIT}, got {limit!r}",
            {"field": "maxConcurrentExecutions", "min": 1, "max": MAX_CONCURRENT_EXECUTIONS_LIMIT},
        )


async def set_max_concurrent_executions(
    session: AsyncSession, principal: Principal, limit: int | None
) -> Organization:
    """Limit the organization's executions running at once to ``limit`` (``None``: no limit);
    needs admin. Executions already running go on; the limit applies to the next claims, and
    executions over it wait ``queued``.

    Raises:
        Forbidden: the principal is below admin.
        ValidationFailed: ``limit`` is not ``None`` nor an integer from 1 to
            :data:`MAX_CONCURRENT_EXECUTIONS_LIMIT` (``details["field"]``).
        NotFound: the organization no longer exists.
    """
    principal.require(Role.ADMIN)
    check_max_concurrent_executions(limit)
    organization = await session.get(Organization, principal.organization_id, with_for_update=True)
    if organization is None:
        raise NotFound("no such organization")
    organization.max_concurrent_executions = limit
    await session.flush()
    return organization
