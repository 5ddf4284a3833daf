from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.ids import new_id
from open_backend.db.models import (
    ApiKey,
    Dag,
    DagVersion,
    Execution,
    ExecutionEvent,
    Membership,
    NodeExecution,
    Organization,
    Role,
    metadata,
)
from open_backend.db.types import utcnow

from ._factory import Factory, unique


async def test_a_second_organization_with_the_same_slug_is_refused(session: AsyncSession) -> None:
    factory = Factory(session)
    first = await factory.organization()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(Organization(name="other", slug=first.slug))


async def test_organization_settings_round_trip_as_json(session: AsyncSession) -> None:
    factory = Factory(session)
    organization = await factory.organization(settings={"retention_days": 30, "tags": ["a", "b"]})
    session.expunge_all()
    loaded = await session.get_one(Organization, organization.id)
    assert loaded.settings == {"retention_days": 30, "tags": ["a", "b"]}


async def test_a_user_has_at_most_one_membership_per_organization(session: AsyncSession) -> None:
    factory = Factory(session)
    organization, user = await factory.organization(), await factory.user()
    await factory.membership(user, organization, Role.EDITOR)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(Membership(user_id=user.id, organization_id=organization.id, role=Role.ADMIN))


async def test_a_user_can_be_member_of_several_organizations(session: AsyncSession) -> None:
    factory = Factory(session)
    user = await factory.user()
    await factory.membership(user, await factory.organization(), Role.OWNER)
    await factory.membership(user, await factory.organization(), Role.VIEWER)
    count = await session.exec(select(func.count()).where(col(Membership.user_id) == user.id))
    assert count.one() == 2


async def test_membership_roles_outside_the_enum_are_refused_by_the_database(session: AsyncSession) -> None:
    factory = Factory(session)
    organization, user = await factory.organization(), await factory.user()
    insert = sa.insert(metadata.tables["memberships"]).values(
        id=new_id(),
        user_id=user.id,
        organization_id=organization.id,
        role=sa.literal_column("'superuser'"),  # raw SQL: bypasses the Python-side enum check
        created_at=utcnow(),
    )
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.exec(insert)


async def test_membership_role_is_stored_as_its_value(session: AsyncSession) -> None:
    factory = Factory(session)
    membership = await factory.membership(await factory.user(), await factory.organization(), Role.EDITOR)
    stored = await (await session.connection()).execute(
        sa.text("SELECT role FROM memberships WHERE id = :id").bindparams(
            sa.bindparam("id", membership.id, type_=sa.Uuid)
        )
    )
    assert stored.scalar_one() == "editor"


async def test_deleting_an_organization_deletes_everything_it_owns(session: AsyncSession) -> None:
    factory = Factory(session)
    organization, dag, version, execution = await factory.executed_dag()
    await factory.event(execution, 0)
    session.add(NodeExecution(execution_id=execution.id, node_id="a"))
    await factory.membership(await factory.user(), organization)
    session.add(
        ApiKey(
            organization_id=organization.id,
            role=Role.VIEWER,
            name="ci",
            prefix=unique("k")[:32],
            secret_hash="h",
        )
    )
    dag.active_version_id = version.id
    await session.flush()

    await session.delete(organization)
    await session.flush()
    session.expunge_all()

    for model, column in [
        (Dag, Dag.organization_id),
        (Execution, Execution.organization_id),
        (Membership, Membership.organization_id),
        (ApiKey, ApiKey.organization_id),
    ]:
        remaining = await session.exec(
            select(func.count()).select_from(model).where(col(column) == organization.id)
        )
        assert remaining.one() == 0, model.__name__
    for model, column, value in [
        (DagVersion, DagVersion.dag_id, dag.id),
        (NodeExecution, NodeExecution.execution_id, execution.id),
        (ExecutionEvent, ExecutionEvent.execution_id, execution.id),
    ]:
        remaining = await session.exec(select(func.count()).select_from(model).where(col(column) == value))
        assert remaining.one() == 0, model.__name__
