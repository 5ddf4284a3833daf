"""Blocking task code on a real worker: a sync task blocking its thread does not stop the
lease's heartbeat, and a process-run task blocking past its timeout is killed."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core_engine import DAG
from open_backend.tasktypes.registry import registry_for

if TYPE_CHECKING:
    from .conftest import Platform

HERE = Path(__file__).parent
#: Short leases, so a block of a few seconds spans several of them.
FAST_LEASES = {
    "OPEN_LEASE_TTL_S": "1",
    "OPEN_HEARTBEAT_INTERVAL_S": "0.2",
    "OPEN_RECONCILE_INTERVAL_S": "0.2",
    "OPEN_ALLOWED_CALLABLE_MODULES": "blocking_callables",
    "PYTHONPATH": os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p),
}


def flow(*nodes: dict[str, Any]) -> dict[str, Any]:
    """The canonical definition of ``nodes`` (their callables are not imported here)."""
    raw = {"schema_version": 1, "name": "flow", "nodes": list(nodes)}
    return DAG.from_dict(
        raw, resolve_callables=False, registry=registry_for(("blocking_callables",))
    ).to_dict()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def read_pid(marker: Path) -> int | None:
    text = marker.read_text() if marker.exists() else ""
    return int(text) if text else None


async def pid_in(marker: Path) -> int:
    end = time.monotonic() + 20
    while (pid := read_pid(marker)) is None:
        assert time.monotonic() < end, "the process task did not start"
        await asyncio.sleep(0.02)
    return pid


async def gone(pid: int, deadline_s: float = 10.0) -> bool:
    end = time.monotonic() + deadline_s
    while alive(pid):
        if time.monotonic() > end:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_a_sync_task_blocking_its_thread_keeps_the_lease_renewed_and_is_not_taken_over(
    platform: Platform,
) -> None:
    await asyncio.gather(platform.worker(**FAST_LEASES), platform.worker(**FAST_LEASES))
    raw = flow(
        {
            "id": "block",
            "task": {"callable": "blocking_callables:block"},
            "run_in": "thread",
            "params": {"seconds": 4},
        },
    )
    principal, dag = await platform.dag(raw)
    row = await platform.execute(principal, dag)
    await platform.node_started(row.id, "block", 1)
    expiries, owners = [], set()
    end = time.monotonic() + 3  # inside the 4 s block: three lease lifetimes
    while time.monotonic() < end:
        now = await platform.execution(row.id)
        if now.status.value != "running":
            break
        expiries.append(now.lease_expires_at)
        owners.add(now.lease_owner)
        await asyncio.sleep(0.1)
    finished = await platform.finished(row.id, deadline_s=20)
    assert finished.status.value == "succeeded"
    assert expiries == sorted(expiries) and len(set(expiries)) >= 6  # renewed every ~0.2 s
    assert (expiries[-1] - expiries[0]).total_seconds() >= 2  # the lease outlived its 1 s TTL twice
    assert len(owners) == 1 and finished.lease_owner in owners  # one holder: never taken over
    events = await platform.events(row.id)
    assert [e.payload["attempt"] for e in events if e.kind == "node_started"] == [1]
    assert (await platform.nodes(row.id))["block"].result == "woke up"


async def test_a_process_task_blocking_past_its_timeout_is_killed_and_fails_with_a_timeout(
    platform: Platform, tmp_path: Path
) -> None:
    await platform.worker(**FAST_LEASES)
    marker = tmp_path / "pid"
    raw = flow(
        {
            "id": "stuck",
            "task": {"callable": "blocking_callables:pid_and_sleep"},
            "run_in": "process",
            "timeout": 1.5,
            "params": {"marker": str(marker), "seconds": 600},
        },
    )
    principal, dag = await platform.dag(raw)
    row = await platform.execute(principal, dag)
    pid = await pid_in(marker)
    finished = await platform.finished(row.id, deadline_s=20)
    node = (await platform.nodes(row.id))["stuck"]
    assert finished.status.value == "failed"
    assert node.status.value == "failed" and node.attempts == 1
    assert node.error is not None and node.error["type"] == "NodeTimeoutError"
    assert await gone(pid), f"the task's process {pid} still runs after its timeout"
    await platform.check_log(row.id)


async def test_a_process_task_killed_on_timeout_is_retried_in_a_new_process(
    platform: Platform, tmp_path: Path
) -> None:
    await platform.worker(**FAST_LEASES)
    marker = tmp_path / "pid"
    raw = flow(
        {
            "id": "stuck",
            "task": {"callable": "blocking_callables:block_first_time"},
            "run_in": "process",
            "timeout": 1.5,
            "retry": {"max_attempts": 2, "backoff_base": 0},
            "params": {"marker": str(marker), "seconds": 600},
        },
    )
    principal, dag = await platform.dag(raw)
    row = await platform.execute(principal, dag)
    pid = await pid_in(marker)
    finished = await platform.finished(row.id, deadline_s=20)
    node = (await platform.nodes(row.id))["stuck"]
    assert finished.status.value == "succeeded"
    assert node.attempts == 2 and node.result != pid
    assert await gone(pid)
    retrying = [e.payload for e in await platform.events(row.id) if e.kind == "node_retrying"]
    assert [r["error"]["type"] for r in retrying] == ["NodeTimeoutError"]
