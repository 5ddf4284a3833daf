from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import Dag, DagStatus, DagVersion
from open_backend.db.types import utcnow

from ._factory import Factory


async def test_a_new_dag_is_a_draft_with_an_empty_description(session: AsyncSession) -> None:
    dag = await Factory(session).dag(await Factory(session).organization())
    session.expunge_all()
    loaded = await session.get_one(Dag, dag.id)
    assert (loaded.status, loaded.description, loaded.deleted_at, loaded.active_version_id) == (
        DagStatus.DRAFT,
        "",
        None,
        None,
    )


async def test_two_live_dags_of_an_organization_cannot_share_a_name(session: AsyncSession) -> None:
    factory = Factory(session)
    organization = await factory.organization()
    dag = await factory.dag(organization)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(Dag(organization_id=organization.id, name=dag.name))


async def test_dags_of_different_organizations_may_share_a_name(session: AsyncSession) -> None:
    factory = Factory(session)
    dag = await factory.dag(await factory.organization())
    other = await factory.dag(await factory.organization(), name=dag.name)
    assert other.name == dag.name


async def test_a_soft_deleted_dags_name_can_be_reused_again_and_again(session: AsyncSession) -> None:
    factory = Factory(session)
    organization = await factory.organization()
    first = await factory.dag(organization, deleted_at=utcnow())
    await factory.dag(organization, name=first.name, deleted_at=utcnow())
    live = await factory.dag(organization, name=first.name)

    names = await session.exec(
        select(Dag.id).where(col(Dag.organization_id) == organization.id, col(Dag.name) == first.name)
    )
    assert len(names.all()) == 3
    assert live.deleted_at is None


async def test_updating_a_dag_moves_its_updated_at_forward(session: AsyncSession) -> None:
    dag = await Factory(session).dag(await Factory(session).organization())
    created_at, updated_at = dag.created_at, dag.updated_at
    await asyncio.sleep(0.01)
    dag.status = DagStatus.ARCHIVED
    await session.flush()
    session.expunge_all()
    loaded = await session.get_one(Dag, dag.id)
    assert loaded.updated_at > updated_at
    assert loaded.created_at == created_at


async def test_version_numbers_are_unique_per_dag(session: AsyncSession) -> None:
    factory = Factory(session)
    dag = await factory.dag(await factory.organization())
    await factory.version(dag, 1)
    await factory.version(dag, 2)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(DagVersion(dag_id=dag.id, version=2, definition={}, content_hash="sha256:x"))


async def test_version_numbers_start_at_one(session: AsyncSession) -> None:
    factory = Factory(session)
    dag = await factory.dag(await factory.organization())
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(DagVersion(dag_id=dag.id, version=0, definition={}, content_hash="sha256:x"))


async def test_a_stored_version_cannot_be_changed(session: AsyncSession) -> None:
    factory = Factory(session)
    version = await factory.version(await factory.dag(await factory.organization()))
    with pytest.raises(IntegrityError, match="immutable"):
        async with session.begin_nested():
            version.definition = {"name": "changed", "nodes": []}
            session.add(version)


async def test_deleting_a_versions_author_keeps_the_version(session: AsyncSession) -> None:
    factory = Factory(session)
    author = await factory.user()
    version = await factory.version(await factory.dag(await factory.organization()), created_by_id=author.id)
    await session.delete(author)
    await session.flush()
    session.expunge_all()
    assert (await session.get_one(DagVersion, version.id)).created_by_id is None


async def test_the_active_version_must_be_a_version_of_the_same_dag(session: AsyncSession) -> None:
    factory = Factory(session)
    organization = await factory.organization()
    dag, other = await factory.dag(organization), await factory.dag(organization)
    foreign_version = await factory.version(other)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            dag.active_version_id = foreign_version.id
            session.add(dag)


async def test_the_active_version_cannot_be_deleted_on_its_own(session: AsyncSession) -> None:
    factory = Factory(session)
    dag = await factory.dag(await factory.organization())
    version = await factory.version(dag)
    dag.active_version_id = version.id
    await session.flush()
    table = DagVersion.metadata.tables["dag_versions"]
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.exec(sa.delete(table).where(table.c.id == version.id))


async def test_deleting_a_dag_deletes_its_versions(session: AsyncSession) -> None:
    factory = Factory(session)
    dag = await factory.dag(await factory.organization())
    version = await factory.version(dag)
    dag.active_version_id = version.id
    await session.flush()
    await session.delete(dag)
    await session.flush()
    session.expunge_all()
    assert await session.get(DagVersion, version.id) is None
