"""Where node callables run: the loop, a thread, inline, another process; task types; imports."""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from core_engine import (
    CallableTask,
    DAGBuilder,
    EventKind,
    NodeState,
    RunStatus,
    TaskTypeRegistry,
    TypedTask,
    execute,
)
from core_engine.tasktypes import NoopTask

from ._support import one


async def test_async_callable_runs_on_the_loop_thread() -> None:
    async def where() -> int:
        return threading.get_ident()

    b = DAGBuilder("loop")
    b.add_node("where", where)
    result = await execute(b.build())
    assert result.results["where"] == threading.get_ident()


async def test_sync_callable_runs_in_another_thread() -> None:
    def where() -> int:
        return threading.get_ident()

    b = DAGBuilder("thread")
    b.add_node("where", where)
    result = await execute(b.build())
    assert result.status is RunStatus.SUCCEEDED
    assert result.results["where"] != threading.get_ident()


async def test_sync_callable_with_run_in_loop_runs_inline_on_the_loop_thread() -> None:
    def where() -> int:
        return threading.get_ident()

    b = DAGBuilder("inline")
    b.add_node("where", where, run_in="loop")
    result = await execute(b.build())
    assert result.results["where"] == threading.get_ident()


async def test_inline_callable_that_raises_fails_its_node() -> None:
    def broken() -> int:
        raise ValueError("inline boom")

    b = DAGBuilder("inline")
    b.add_node("broken", broken, run_in="loop")
    result = await execute(b.build())
    assert result.status is RunStatus.FAILED
    assert result.state.nodes["broken"].error is not None
    assert result.state.nodes["broken"].error.message == "inline boom"


async def test_sync_callable_uses_the_thread_pool_given_in_the_options_and_leaves_it_open() -> None:
    def thread_name() -> str:
        return threading.current_thread().name

    b = DAGBuilder("pool")
    b.add_node("name", thread_name)
    with ThreadPoolExecutor(2, thread_name_prefix="given-pool") as pool:
        result = await execute(b.build(), thread_pool=pool)
        assert result.results["name"].startswith("given-pool")
        assert pool.submit(lambda: 7).result(timeout=1) == 7  # the run did not shut it down


async def test_process_callable_runs_in_another_process() -> None:
    b = DAGBuilder("process")
    b.add_node("pid", CallableTask("os:getpid", os.getpid), run_in="process")
    result = await execute(b.build(), max_processes=1)
    assert result.status is RunStatus.SUCCEEDED
    assert isinstance(result.results["pid"], int)
    assert result.results["pid"] != os.getpid()


async def test_process_callable_receives_upstream_results_and_reports_its_errors() -> None:
    async def payload() -> dict[str, list[int]]:
        return {"xs": [1, 2]}

    b = DAGBuilder("process-io")
    p = b.add_node("payload", payload)
    b.add_node("dump", CallableTask("json:dumps", json.dumps), {"obj": p}, run_in="process")
    b.add_node("parse", CallableTask("json:loads", json.loads), {"s": "not json"}, run_in="process")
    result = await execute(b.build(), max_processes=1)
    assert result.results["dump"] == '{"xs": [1, 2]}'
    error = result.state.nodes["parse"].error
    assert error is not None
    assert error.type == "JSONDecodeError"
    assert "Expecting value" in error.message


async def test_callable_known_only_by_path_is_imported_when_the_node_runs() -> None:
    b = DAGBuilder("by-path")
    b.add_node("dump", CallableTask("json:dumps"), {"obj": [1, 2]})
    result = await execute(b.build())
    assert result.results == {"dump": "[1, 2]"}


async def test_callable_path_that_cannot_be_imported_fails_its_node_with_import_error() -> None:
    async def fine() -> int:
        return 1

    b = DAGBuilder("by-path")
    b.add_node("missing", CallableTask("no_such_module_here:fn"))
    b.add_node("fine", fine)
    result = await execute(b.build())
    node = result.state.nodes["missing"]
    assert node.state is NodeState.FAILED
    assert node.error is not None
    assert node.error.type == "ImportError"
    assert "no_such_module_here" in node.error.message
    assert result.results == {"fine": 1}


async def test_typed_task_runs_the_registered_implementation() -> None:
    b = DAGBuilder("typed")
    b.add_node("noop", TypedTask("noop", {"result": {"answer": 42}}))
    b.add_node("sleep", TypedTask("sleep", {"seconds": 0.01}))
    result = await execute(b.build())
    assert result.results == {"noop": {"answer": 42}, "sleep": None}


async def test_typed_task_missing_from_the_run_registry_fails_with_lookup_error() -> None:
    class Echo(NoopTask):
        name = "echo"

    registry = TaskTypeRegistry({"echo": Echo()})
    b = DAGBuilder("typed")
    b.add_node("echo", TypedTask("echo", {"result": 5}))
    dag = b.build(registry=registry)

    with_registry = await execute(dag, registry=registry)
    assert with_registry.results == {"echo": 5}

    without = await execute(dag)
    failed = one(without.events, EventKind.NODE_FAILED, "echo")
    assert failed.error.type == "LookupError"
    assert "'echo'" in failed.error.message


async def test_coroutine_function_with_run_in_thread_runs_on_its_own_loop_in_a_thread() -> None:
    import asyncio as _asyncio

    loop_thread = threading.get_ident()
    outer_loop = _asyncio.get_running_loop()
    seen: dict[str, object] = {}

    async def blocking_coroutine() -> str:
        seen["thread"] = threading.get_ident()
        seen["loop"] = _asyncio.get_running_loop()
        return "done"

    with DAGBuilder("async-in-thread") as b:
        b.add_node("n", blocking_coroutine, run_in="thread")
    result = await execute(b.build())
    assert result.results["n"] == "done"
    assert seen["thread"] != loop_thread
    assert seen["loop"] is not outer_loop
