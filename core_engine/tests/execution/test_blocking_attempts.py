"""Attempts that block past their timeout: process attempts are killed, thread attempts are
abandoned without holding up the run.

The process callables here are module functions: the pool's worker processes are forked on
Linux, so they resolve this module by the name pytest gave it.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

from core_engine import CallableTask, DAGBuilder, NodeState, RetryPolicy, RunStatus, execute, start
from core_engine.execution.processes import ProcessPool, WorkerDied, WorkerKilled


def block_first_time(marker: str, seconds: float) -> int:
    """Write this process's pid to ``marker`` and sleep ``seconds``; once ``marker`` exists,
    return the pid at once."""
    path = Path(marker)
    if path.exists():
        return os.getpid()
    path.write_text(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()


def pid_and_sleep(marker: str, seconds: float) -> int:
    """Write this process's pid to ``marker``, then sleep ``seconds``."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()


def exit_now() -> None:
    os._exit(3)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_file(path: Path) -> int:
    while not path.exists() or not path.read_text():
        time.sleep(0.01)
    return int(path.read_text())


def task_of(fn: object) -> CallableTask:
    return CallableTask(f"{__name__}:{fn.__name__}", fn)  # type: ignore[attr-defined, arg-type]


async def test_a_process_attempt_past_its_timeout_is_killed_and_its_retry_runs_in_a_new_process(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "pid"
    b = DAGBuilder("stuck")
    b.add_node(
        "stuck",
        task_of(block_first_time),
        {"marker": str(marker), "seconds": 600},
        run_in="process",
        timeout=2,
        retry=RetryPolicy(max_attempts=2, backoff_base=0),
    )
    result = await execute(b.build(), max_processes=1)  # one worker: the retry needs it back
    stuck_pid = int(marker.read_text())
    assert result.status is RunStatus.SUCCEEDED
    assert result.state.nodes["stuck"].attempts == 2
    assert result.results["stuck"] != stuck_pid
    assert not alive(stuck_pid)  # killed and reaped before the slot started the next process


async def test_a_process_node_timing_out_fails_with_a_timeout_and_the_next_node_still_runs(
    tmp_path: Path,
) -> None:
    b = DAGBuilder("stuck-then-next")
    stuck = b.add_node(
        "stuck",
        task_of(pid_and_sleep),
        {"marker": str(tmp_path / "pid"), "seconds": 600},
        run_in="process",
        timeout=2,
    )
    b.add_node(
        "after",
        CallableTask("os:getpid", os.getpid),
        run_in="process",
        depends_on=[stuck],
        trigger="all_done",
    )
    result = await execute(b.build(), max_processes=1)
    stuck_pid = int((tmp_path / "pid").read_text())
    error = result.state.nodes["stuck"].error
    assert result.status is RunStatus.FAILED
    assert error is not None and error.type == "NodeTimeoutError"
    assert result.state.nodes["after"].state is NodeState.SUCCEEDED
    assert result.results["after"] != stuck_pid
    assert not alive(stuck_pid)


async def test_cancelling_a_run_kills_its_running_process_attempts(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    b = DAGBuilder("cancel")
    b.add_node("nap", task_of(pid_and_sleep), {"marker": str(marker), "seconds": 600}, run_in="process")
    pool = ProcessPool(1)
    try:
        handle = start(b.build(), process_pool=pool)
        pid = wait_for_file(marker)
        handle.cancel()
        result = await handle.wait()
        assert result.state.nodes["nap"].state is NodeState.CANCELLED
        assert await asyncio.wrap_future(pool.submit(os.getpid)) != pid  # the slot started a fresh process
        assert not alive(pid)
    finally:
        pool.shutdown()


async def test_a_timed_out_thread_attempt_is_abandoned_and_the_run_ends_without_waiting_for_it() -> None:
    release = threading.Event()
    returned = threading.Event()

    def blocked() -> None:
        release.wait()
        returned.set()

    b = DAGBuilder("thread-stuck")
    b.add_node("blocked", blocked, timeout=0.2)
    try:
        result = await execute(b.build())
        assert result.status is RunStatus.FAILED
        assert result.state.nodes["blocked"].error is not None
        assert result.state.nodes["blocked"].error.type == "NodeTimeoutError"
        assert not returned.is_set()  # the run ended while its thread was still blocked
    finally:
        release.set()
    assert returned.wait(60)


def test_cancelling_a_running_call_of_the_pool_kills_only_its_process(tmp_path: Path) -> None:
    with ProcessPool(2) as pool:
        stuck = pool.submit(pid_and_sleep, str(tmp_path / "pid"), 600)
        pid = wait_for_file(tmp_path / "pid")
        other = pool.submit(block_first_time, str(tmp_path / "pid"), 600)  # the marker exists: returns
        assert isinstance(other.result(timeout=60), int)
        assert stuck.cancel() is False  # it was running: not cancelled, killed
        assert isinstance(stuck.exception(timeout=60), WorkerKilled)
        assert pool.submit(os.getpid).result(timeout=60) != pid


def test_a_pending_call_of_the_pool_is_cancelled_without_running(tmp_path: Path) -> None:
    with ProcessPool(1) as pool:
        first = pool.submit(pid_and_sleep, str(tmp_path / "pid"), 600)
        wait_for_file(tmp_path / "pid")
        waiting = pool.submit(os.getpid)
        assert waiting.cancel() is True
        first.cancel()
        assert isinstance(first.exception(timeout=60), WorkerKilled)
        assert waiting.cancelled()


def test_a_worker_process_that_dies_by_itself_fails_its_call_and_is_replaced() -> None:
    with ProcessPool(1) as pool:
        error = pool.submit(exit_now).exception(timeout=60)
        assert isinstance(error, WorkerDied) and "exit code 3" in str(error)
        assert isinstance(pool.submit(os.getpid).result(timeout=60), int)


def test_an_exception_in_the_pool_comes_back_with_its_remote_traceback() -> None:
    with ProcessPool(1) as pool:
        error = pool.submit(int, "not a number").exception(timeout=60)
    assert isinstance(error, ValueError) and "not a number" in str(error)
    assert "Traceback" in str(error.__cause__)


def test_the_pool_refuses_calls_after_shutdown() -> None:
    pool = ProcessPool(1)
    pool.shutdown()
    try:
        pool.submit(os.getpid)
    except RuntimeError as exc:
        assert "shutdown" in str(exc)
    else:
        raise AssertionError("submit after shutdown did not raise")
