"""Worker processes run queued executions; duplicates and races never run one twice at once."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from open_backend.executions import service

from .conftest import definition, node

if TYPE_CHECKING:
    from .conftest import Platform


async def test_a_worker_runs_a_queued_execution_to_its_end(platform: Platform) -> None:
    await platform.worker()
    principal, dag = await platform.dag(
        definition(node("a"), node("b", "sleep", ("a",), seconds=0.05), node("c", depends_on=("b",)))
    )
    row = await platform.execute(principal, dag)
    finished = await platform.finished(row.id)
    events = await platform.events(row.id)
    assert finished.status.value == "succeeded"
    assert [e.sequence for e in events] == list(range(len(events)))
    assert {n: r.status.value for n, r in (await platform.nodes(row.id)).items()} == dict.fromkeys(
        "abc", "succeeded"
    )
    assert finished.lease_owner is not None and f"/{platform.workers[0].pid}/" in finished.lease_owner


async def test_two_jobs_for_one_execution_on_two_workers_run_it_once(platform: Platform) -> None:
    await asyncio.gather(platform.worker(), platform.worker())
    principal, dag = await platform.dag(
        definition(node("a", "sleep", seconds=0.3), node("b", depends_on=("a",)))
    )
    row = await platform.execute(principal, dag)
    for _ in range(3):  # a redelivered job, a racing reconciler: the same execution, more jobs
        await platform.dispatcher.submit(row.id, f"dup-{_}-{row.id.hex}")
    finished = await platform.finished(row.id)
    started = Counter(e.payload["node_id"] for e in await platform.events(row.id) if e.kind == "node_started")
    assert finished.status.value == "succeeded"
    assert started == {"a": 1, "b": 1}


async def test_a_job_lost_by_the_queue_is_dispatched_again_by_the_reconciler(platform: Platform) -> None:
    await platform.worker(OPEN_REDISPATCH_AFTER_S="0.5")
    principal, dag = await platform.dag(definition(node("a")))
    row = await platform.execute(principal, dag, submit=False)  # committed, but its job never reached Redis
    finished = await platform.finished(row.id, deadline_s=10)
    assert finished.status.value == "succeeded"
    assert finished.dispatch_job_id != row.dispatch_job_id


async def test_a_dag_never_runs_more_than_its_max_concurrent_executions(platform: Platform) -> None:
    await asyncio.gather(platform.worker(), platform.worker())
    principal, dag = await platform.dag(
        definition(node("nap", "sleep", seconds=0.4)), max_concurrent_executions=1
    )
    rows = [await platform.execute(principal, dag) for _ in range(3)]
    seen_running: list[int] = []

    async def all_ended() -> bool:
        statuses = [(await platform.execution(row.id)).status.value for row in rows]
        seen_running.append(statuses.count("running"))
        return all(status == "succeeded" for status in statuses)

    await platform.until(all_ended, 15.0, "all three executions succeeded")
    assert max(seen_running) == 1
    spans = []
    for row in rows:
        ended = await platform.execution(row.id)
        assert ended.started_at is not None and ended.finished_at is not None
        spans.append((ended.started_at, ended.finished_at))
    spans.sort()
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans))


async def test_cancelling_a_run_held_by_a_worker_stops_it_within_a_second(platform: Platform) -> None:
    await platform.worker()
    principal, dag = await platform.dag(definition(node("nap", "sleep", seconds=30)))
    row = await platform.execute(principal, dag)
    await platform.node_started(row.id, "nap", 1)
    loop = asyncio.get_running_loop()
    asked = loop.time()
    async with platform.sessions() as session:
        await service.cancel_execution(session, principal, row.id, now=datetime.now(UTC))
        await session.commit()
    finished = await platform.finished(row.id, deadline_s=5)
    assert finished.status.value == "cancelled"
    assert loop.time() - asked < 1.0
    assert (await platform.nodes(row.id))["nap"].status.value == "cancelled"
