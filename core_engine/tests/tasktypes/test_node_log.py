"""``node_log`` events: a ``command`` program's stderr lines and lines task types give
:func:`core_engine.node_log`, attributed to their attempt, within the documented limits."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core_engine import (
    DAG,
    DAGBuilder,
    EventKind,
    NodeState,
    digest,
    event_from_dict,
    event_to_dict,
    node_log,
    replay,
    run,
    task,
)
from core_engine.events import NodeLog
from core_engine.nodelog import DROPPED_LINE, MAX_BYTES_PER_ATTEMPT, MAX_LINE_CHARS, MAX_LINES_PER_ATTEMPT
from core_engine.tasktypes import TaskCallable, TaskTypeRegistry

from ._procs import py


class Emitting:
    """A task type whose nodes call ``emit(**params)``: a test hook for log lines."""

    description = "test"
    config_schema: Mapping[str, Any] = {"type": "object"}

    def __init__(self, name: str, emit: TaskCallable) -> None:
        self.name = name
        self._emit = emit

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return []

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        return self._emit


def command_dag(name: str, argv: list[str], **node: Any) -> DAG:
    return DAG.from_dict(
        {
            "schema_version": 1,
            "name": name,
            "nodes": [{"id": "prog", "task": {"type": "command", "config": {"argv": argv}}, **node}],
        }
    )


def logs(events: list[Any]) -> list[NodeLog]:
    return [event for event in events if isinstance(event, NodeLog)]


def test_stderr_lines_of_a_command_become_node_log_events_of_its_attempt() -> None:
    script = """
        import sys
        for word in ("alpha", "beta", "gamma"):
            print(word, file=sys.stderr, flush=True)
        print('{"ok": true}')
    """
    result = run(command_dag("logging", py(script)))
    assert result.state.nodes["prog"].state is NodeState.SUCCEEDED
    lines = logs(result.events)
    assert [(e.node_id, e.map_index, e.attempt, e.line) for e in lines] == [
        ("prog", None, 1, "alpha"),
        ("prog", None, 1, "beta"),
        ("prog", None, 1, "gamma"),
    ]
    kinds = [e.kind for e in result.events]
    started, succeeded = kinds.index(EventKind.NODE_STARTED), kinds.index(EventKind.NODE_SUCCEEDED)
    assert all(started < e.seq < succeeded for e in lines)
    assert [e.seq for e in result.events] == list(range(len(result.events)))


def test_log_lines_change_no_state_replay_and_digest_skip_them() -> None:
    script = "import sys; print('one', file=sys.stderr); print('two', file=sys.stderr); print(7)"
    result = run(command_dag("replayed", py(script)))
    assert len(logs(result.events)) == 2
    without = [e for e in result.events if not isinstance(e, NodeLog)]
    # Renumber the rest as if the lines had never been logged: the same nodes and status.
    renumbered = [e._replace(seq=i) for i, e in enumerate(without)]
    replayed, bare = replay(result.events), replay(renumbered)
    assert digest(replayed) == digest(result.state)
    assert (replayed.nodes, replayed.status) == (bare.nodes, bare.status)
    assert replayed.last_seq == bare.last_seq + 2


def test_each_attempt_logs_under_its_own_number(tmp_path: Path) -> None:
    marker = tmp_path / "failed-once"
    script = f"""
        import os, sys
        first = not os.path.exists({str(marker)!r})
        print("attempt says first" if first else "attempt says again", file=sys.stderr)
        if first:
            open({str(marker)!r}, "w").close()
            sys.exit(1)
        print(1)
    """
    result = run(command_dag("retried", py(script), retry={"max_attempts": 2, "backoff_base": 0.01}))
    assert result.state.nodes["prog"].state is NodeState.SUCCEEDED
    assert [(e.attempt, e.line) for e in logs(result.events)] == [
        (1, "attempt says first"),
        (2, "attempt says again"),
    ]


def test_node_log_events_round_trip_through_json() -> None:
    event = NodeLog(4, 1_700_000_000.25, "prog", 3, 2, "hello é")
    data = event_to_dict(event)
    assert data == {
        "kind": "node_log",
        "seq": 4,
        "ts": 1_700_000_000.25,
        "node_id": "prog",
        "map_index": 3,
        "attempt": 2,
        "line": "hello é",
    }
    assert event_from_dict(data) == event


def registry_with(name: str, emit: TaskCallable) -> TaskTypeRegistry:
    registry = TaskTypeRegistry.builtin()
    registry.register(Emitting(name, emit))  # type: ignore[arg-type]
    return registry


def run_one(name: str, emit: TaskCallable, extra_nodes: list[dict[str, Any]] | None = None) -> Any:
    registry = registry_with(name, emit)
    definition = {
        "schema_version": 1,
        "name": name,
        "nodes": [{"id": "n", "task": {"type": name}}, *(extra_nodes or [])],
    }
    return run(DAG.from_dict(definition, registry=registry), registry=registry)


def test_lines_past_the_line_limit_end_with_one_dropped_marker() -> None:
    async def chatty(**_: Any) -> int:
        for i in range(MAX_LINES_PER_ATTEMPT + 50):
            assert node_log(f"line {i}")  # accepted (and dropped past the limit) inside a run
        return 0

    lines = [e.line for e in logs(run_one("chatty", chatty).events)]
    assert len(lines) == MAX_LINES_PER_ATTEMPT + 1
    assert lines[:MAX_LINES_PER_ATTEMPT] == [f"line {i}" for i in range(MAX_LINES_PER_ATTEMPT)]
    assert lines[-1] == DROPPED_LINE


def test_long_lines_are_cut_and_the_byte_limit_holds() -> None:
    long = "x" * (MAX_LINE_CHARS * 2)

    async def wide(**_: Any) -> int:
        for _ in range(200):
            node_log(long)
        return 0

    lines = [e.line for e in logs(run_one("wide", wide).events)]
    assert lines[-1] == DROPPED_LINE
    kept = lines[:-1]
    assert all(line.startswith("x" * MAX_LINE_CHARS) and line.endswith(" [line cut]") for line in kept)
    assert sum(len(line.encode()) for line in kept) <= MAX_BYTES_PER_ATTEMPT
    assert len(kept) == MAX_BYTES_PER_ATTEMPT // len(kept[0].encode())


def test_lines_from_a_worker_thread_are_recorded_in_order() -> None:
    def in_thread() -> None:
        for i in range(5):
            node_log(f"from thread {i} {threading.current_thread().name != 'MainThread'}")

    async def threaded(**_: Any) -> int:
        await asyncio.to_thread(in_thread)  # to_thread copies the context, attempt log included
        await asyncio.sleep(0.05)  # lines from the thread reach the loop before the attempt ends
        return 1

    lines = [e.line for e in logs(run_one("threaded", threaded).events)]
    assert lines == [f"from thread {i} True" for i in range(5)]


def test_a_line_given_after_its_attempt_ended_is_dropped() -> None:
    late = threading.Event()
    done = threading.Event()

    def later() -> None:
        late.wait(5)
        node_log("too late")
        done.set()

    async def quick(**_: Any) -> int:
        node_log("in time")
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        threading.Thread(target=ctx.run, args=(later,), daemon=True).start()
        loop.call_later(0.05, late.set)  # the thread writes after this attempt has returned
        return 1

    async def slow(**_: Any) -> int:
        await asyncio.to_thread(done.wait, 5)  # keeps the run going until the late line was given
        await asyncio.sleep(0.05)
        return 2

    registry = registry_with("quick", quick)
    registry.register(Emitting("slow", slow))  # type: ignore[arg-type]
    definition = {
        "schema_version": 1,
        "name": "late",
        "nodes": [{"id": "n", "task": {"type": "quick"}}, {"id": "s", "task": {"type": "slow"}}],
    }
    result = run(DAG.from_dict(definition, registry=registry), registry=registry)
    assert done.is_set()
    assert [(e.node_id, e.line) for e in logs(result.events)] == [("n", "in time")]


SEEN: list[bool] = []


@task
async def plain() -> int:
    SEEN.append(node_log("from a plain callable"))
    return 3


def test_outside_a_run_and_in_plain_callable_tasks_node_log_records_nothing() -> None:
    assert node_log("nobody listens") is False
    SEEN.clear()
    with DAGBuilder("plain") as b:
        plain()
    result = run(b.build())
    assert SEEN == [False]
    assert logs(result.events) == []
