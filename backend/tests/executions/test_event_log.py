from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.exc import IntegrityError

from core_engine.events import NodeQueued, RunStarted
from open_backend.db.models import Execution, ExecutionStatus
from open_backend.executions.event_log import EventLog

if TYPE_CHECKING:
    from conftest import World


async def queued_execution(world: World) -> uuid.UUID:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    async with world.sessions() as session:
        row = Execution(
            organization_id=principal.organization_id,
            dag_id=dag.id,
            dag_version_id=dag.active_version_id,
            status=ExecutionStatus.RUNNING,
        )
        session.add(row)
        await session.commit()
        return row.id


#: The organization the logs announce on (a null bus: nobody listens).
ORG = uuid.UUID(int=1)


def started(seq: int = 0) -> RunStarted:
    return RunStarted(seq, 1_800_000_000.0, "run", "flow", "sha256:x", 1, {})


async def test_buffered_events_are_written_within_100_ms_while_the_log_is_open(world: World) -> None:
    execution_id = await queued_execution(world)
    log = EventLog(world.sessions, execution_id, world.deps.artifacts, interval_s=0.1, organization_id=ORG)
    async with log:
        log.append(started())
        await asyncio.sleep(0.25)  # at least two flush periods
        visible = [e.kind for e in await world.events(execution_id)]
        log.append(NodeQueued(1, 1_800_000_000.5, "a", None))
    assert visible == ["run_started"]
    assert [e.sequence for e in await world.events(execution_id)] == [0, 1]


async def test_closing_the_log_writes_what_is_left_at_once(world: World) -> None:
    execution_id = await queued_execution(world)
    log = EventLog(world.sessions, execution_id, world.deps.artifacts, interval_s=0.1, organization_id=ORG)
    async with log:
        log.append(started())
        log.append(NodeQueued(1, 1_800_000_000.5, "a", None))
    assert [e.kind for e in await world.events(execution_id)] == ["run_started", "node_queued"]
    node = (await world.nodes(execution_id))[("a", None)]
    assert node.status.value == "queued"


async def test_a_failed_batch_stays_buffered_and_is_written_by_the_next_flush(world: World) -> None:
    principal = await world.principal()
    dag = await world.dag(principal, world.definition(world.node("a")))
    execution_id = uuid.uuid4()  # no row yet: the events' foreign key refuses the batch
    log = EventLog(world.sessions, execution_id, world.deps.artifacts, interval_s=0.1, organization_id=ORG)
    log.append(started())
    with pytest.raises(IntegrityError):
        await log.flush()
    async with world.sessions() as session:
        session.add(
            Execution(
                id=execution_id,
                organization_id=principal.organization_id,
                dag_id=dag.id,
                dag_version_id=dag.active_version_id,
            )
        )
        await session.commit()
    await log.flush()
    assert [e.kind for e in await world.events(execution_id)] == ["run_started"]
    assert (await world.execution(execution_id)).status is ExecutionStatus.RUNNING
