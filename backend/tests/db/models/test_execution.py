from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core_engine.state import NodeState
from open_backend.db.models import Execution, ExecutionEvent, ExecutionStatus, NodeExecution

from ._factory import Factory


async def test_a_new_execution_is_queued_with_empty_params(session: AsyncSession) -> None:
    _, _, _, execution = await Factory(session).executed_dag()
    session.expunge_all()
    loaded = await session.get_one(Execution, execution.id)
    assert (loaded.status, loaded.params, loaded.lease_owner, loaded.retry_of_id) == (
        ExecutionStatus.QUEUED,
        {},
        None,
        None,
    )


async def test_an_execution_must_run_a_version_of_its_own_dag(session: AsyncSession) -> None:
    factory = Factory(session)
    organization, dag, _, _ = await factory.executed_dag()
    other_version = await factory.version(await factory.dag(organization))
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(
                Execution(organization_id=organization.id, dag_id=dag.id, dag_version_id=other_version.id)
            )


async def test_an_execution_must_belong_to_the_organization_of_its_dag(session: AsyncSession) -> None:
    factory = Factory(session)
    _, dag, version, _ = await factory.executed_dag()
    stranger = await factory.organization()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(Execution(organization_id=stranger.id, dag_id=dag.id, dag_version_id=version.id))


async def test_an_idempotency_key_is_unique_within_an_organization(session: AsyncSession) -> None:
    factory = Factory(session)
    organization, dag, version, _ = await factory.executed_dag()
    await factory.execution(version, dag, idempotency_key="request-1")
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(
                Execution(
                    organization_id=organization.id,
                    dag_id=dag.id,
                    dag_version_id=version.id,
                    idempotency_key="request-1",
                )
            )


async def test_the_same_idempotency_key_is_free_in_another_organization(session: AsyncSession) -> None:
    factory = Factory(session)
    _, dag, version, _ = await factory.executed_dag()
    _, other_dag, other_version, _ = await factory.executed_dag()
    await factory.execution(version, dag, idempotency_key="request-1")
    again = await factory.execution(other_version, other_dag, idempotency_key="request-1")
    assert again.idempotency_key == "request-1"


async def test_executions_without_idempotency_key_are_unlimited(session: AsyncSession) -> None:
    factory = Factory(session)
    organization, dag, version, _ = await factory.executed_dag()
    await factory.execution(version, dag)
    await factory.execution(version, dag)
    rows = await session.exec(select(Execution.id).where(col(Execution.organization_id) == organization.id))
    assert len(rows.all()) == 3


async def test_deleting_the_retried_execution_clears_retry_of(session: AsyncSession) -> None:
    factory = Factory(session)
    _, dag, version, first = await factory.executed_dag()
    retry = await factory.execution(version, dag, retry_of_id=first.id)
    await session.delete(first)
    await session.flush()
    session.expunge_all()
    assert (await session.get_one(Execution, retry.id)).retry_of_id is None


async def test_a_node_has_one_unmapped_record_per_execution(session: AsyncSession) -> None:
    _, _, _, execution = await Factory(session).executed_dag()
    session.add(NodeExecution(execution_id=execution.id, node_id="extract"))
    await session.flush()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(NodeExecution(execution_id=execution.id, node_id="extract"))


async def test_a_mapped_node_has_one_record_per_map_index(session: AsyncSession) -> None:
    _, _, _, execution = await Factory(session).executed_dag()
    session.add(NodeExecution(execution_id=execution.id, node_id="fan", map_index=None))
    session.add(NodeExecution(execution_id=execution.id, node_id="fan", map_index=0))
    session.add(NodeExecution(execution_id=execution.id, node_id="fan", map_index=1))
    await session.flush()
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(NodeExecution(execution_id=execution.id, node_id="fan", map_index=1))


async def test_a_node_record_keeps_its_state_result_and_error(session: AsyncSession) -> None:
    _, _, _, execution = await Factory(session).executed_dag()
    record = NodeExecution(
        execution_id=execution.id,
        node_id="load",
        status=NodeState.FAILED,
        attempts=3,
        duration_s=0.25,
        result=[1, "two", {"three": 3.0}],
        error={"type": "ValueError", "message": "bad row", "traceback": "..."},
    )
    session.add(record)
    await session.flush()
    session.expunge_all()
    loaded = await session.get_one(NodeExecution, record.id)
    assert (loaded.status, loaded.attempts, loaded.duration_s, loaded.result, loaded.error) == (
        NodeState.FAILED,
        3,
        0.25,
        [1, "two", {"three": 3.0}],
        {"type": "ValueError", "message": "bad row", "traceback": "..."},
    )


async def test_a_missing_result_is_sql_null(session: AsyncSession) -> None:
    _, _, _, execution = await Factory(session).executed_dag()
    session.add(NodeExecution(execution_id=execution.id, node_id="a", result=None))
    await session.flush()
    found = await session.exec(
        select(NodeExecution.node_id).where(
            col(NodeExecution.execution_id) == execution.id, col(NodeExecution.result).is_(None)
        )
    )
    assert found.all() == ["a"]


async def test_two_events_of_an_execution_cannot_share_a_sequence_number(session: AsyncSession) -> None:
    factory = Factory(session)
    _, _, _, execution = await factory.executed_dag()
    await factory.event(execution, 0)
    await factory.event(execution, 1)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await factory.event(execution, 1)


async def test_events_of_different_executions_may_share_a_sequence_number(session: AsyncSession) -> None:
    factory = Factory(session)
    _, dag, version, execution = await factory.executed_dag()
    other = await factory.execution(version, dag)
    await factory.event(execution, 0)
    assert (await factory.event(other, 0)).sequence == 0


async def test_a_stored_event_cannot_be_changed(session: AsyncSession) -> None:
    factory = Factory(session)
    _, _, _, execution = await factory.executed_dag()
    event = await factory.event(execution, 0)
    table = ExecutionEvent.metadata.tables["execution_events"]
    with pytest.raises(IntegrityError, match="immutable"):
        async with session.begin_nested():
            await session.exec(sa.update(table).where(table.c.id == event.id).values(kind="node_failed"))


async def test_events_are_listed_in_sequence_order(session: AsyncSession) -> None:
    factory = Factory(session)
    _, _, _, execution = await factory.executed_dag()
    for sequence in (2, 0, 1):
        await factory.event(execution, sequence)
    listed = await session.exec(
        select(ExecutionEvent.sequence)
        .where(col(ExecutionEvent.execution_id) == execution.id)
        .order_by(col(ExecutionEvent.sequence))
    )
    assert listed.all() == [0, 1, 2]
