from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from core_engine import DAG, NodeState, event_from_dict, execute, replay
from open_backend.db.models import ExecutionStatus
from open_backend.executions import service
from open_backend.executions.runner import run_execution

if TYPE_CHECKING:
    from conftest import World

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def start(world: World, raw: dict, params: dict | None = None) -> tuple:
    principal = await world.principal()
    dag = await world.dag(principal, raw)
    async with world.sessions() as session:
        row = await service.execute_dag(
            session,
            principal,
            dag_id=dag.id,
            version=None,
            params=params or {},
            idempotency_key=None,
            now=NOW,
        )
        await session.commit()
    await world.executor.submit(row.id, row.dispatch_job_id or "")
    return principal, row


async def test_a_run_stores_every_event_with_consecutive_sequences(world: World) -> None:
    raw = world.definition(world.node("a"), world.node("b", "sleep", ("a",), seconds=0.01))
    _, row = await start(world, raw)
    finished = await world.finished(row.id)
    events = await world.events(row.id)
    assert finished.status is ExecutionStatus.SUCCEEDED
    assert [e.sequence for e in events] == list(range(len(events)))
    assert (events[0].kind, events[-1].kind) == ("run_started", "run_finished")
    assert all(e.payload["seq"] == e.sequence and e.payload["kind"] == e.kind for e in events)
    assert all(e.ts.tzinfo is not None for e in events)


async def test_projections_equal_the_engine_state_of_the_same_dag(world: World) -> None:
    raw = world.definition(
        world.node("a", result={"rows": 3}),
        world.node("b", depends_on=("a",), result=[1, 2]),
        world.node("c"),
    )
    _, row = await start(world, raw)
    finished = await world.finished(row.id)
    engine_state = (await execute(DAG.from_dict(raw))).state
    stored_state = replay(event_from_dict(e.payload) for e in await world.events(row.id))
    nodes = await world.nodes(row.id)
    assert finished.status.value == engine_state.status.value == stored_state.status.value
    assert {key[0]: (n.status, n.attempts, n.result) for key, n in nodes.items()} == {
        node_id: (run.state, run.attempts, run.result) for node_id, run in engine_state.nodes.items()
    }
    assert finished.started_at is not None and finished.finished_at is not None
    assert all(n.started_at is not None and n.finished_at is not None for n in nodes.values())


async def test_events_are_flushed_while_the_run_is_still_going(world: World) -> None:
    raw = world.definition(world.node("slow", "sleep", seconds=3.0))
    _, row = await start(world, raw)
    # Poll (no fixed delay: a cold machine may take a while to claim the run) until the node's
    # start is stored; the node sleeps 3 s, so the run cannot have ended by then.
    deadline = asyncio.get_running_loop().time() + 2.5
    events_mid_run: list[str] = []
    while "node_started" not in events_mid_run:
        assert asyncio.get_running_loop().time() < deadline, f"no node_started stored: {events_mid_run}"
        await asyncio.sleep(0.02)
        events_mid_run = [e.kind for e in await world.events(row.id)]
    running = await world.execution(row.id)
    assert "run_finished" not in events_mid_run
    assert running.status is ExecutionStatus.RUNNING
    assert (await world.nodes(row.id))[("slow", None)].status is NodeState.RUNNING


async def test_the_last_events_are_flushed_when_the_run_ends(world: World) -> None:
    raw = world.definition(world.node("a"))
    principal = await world.principal()
    dag = await world.dag(principal, raw)
    async with world.sessions() as session:
        row = await service.execute_dag(
            session, principal, dag_id=dag.id, version=None, params={}, idempotency_key=None, now=NOW
        )
        await session.commit()
    await run_execution(world.deps, row.id)  # returns only after the final flush
    events = await world.events(row.id)
    assert events[-1].kind == "run_finished"
    assert (await world.execution(row.id)).status is ExecutionStatus.SUCCEEDED


async def test_a_finished_execution_is_not_run_twice(world: World) -> None:
    raw = world.definition(world.node("a"))
    _, row = await start(world, raw)
    await world.finished(row.id)
    before = len(await world.events(row.id))
    await run_execution(world.deps, row.id)
    assert len(await world.events(row.id)) == before


async def test_a_callable_outside_the_allow_list_fails_naming_module_and_setting(world: World) -> None:
    raw = world.definition(world.node("evil", "os:getcwd"))
    _, row = await start(world, raw)
    finished = await world.finished(row.id)
    error = (await world.nodes(row.id))[("evil", None)].error
    assert finished.status is ExecutionStatus.FAILED
    assert error is not None and error["type"] == "CallableNotAllowed"
    assert "'os'" in error["message"] and "OPEN_ALLOWED_CALLABLE_MODULES" in error["message"]


async def test_a_callable_of_an_allowed_module_runs(world: World, tmp_path: object) -> None:
    world.deps.settings = world.settings.model_copy(update={"allowed_callable_modules": "json"})
    raw = world.definition(world.node("dump", "json:dumps"))
    raw["nodes"][0]["params"] = {"obj": [1, 2]}
    _, row = await start(world, raw)
    finished = await world.finished(row.id)
    assert finished.status is ExecutionStatus.SUCCEEDED
    assert (await world.nodes(row.id))[("dump", None)].result == "[1, 2]"


async def test_a_large_result_goes_to_an_artifact_and_the_row_keeps_its_reference(world: World) -> None:
    big = {"blob": "x" * 4000}  # the fixture's limit is 1024 bytes
    raw = world.definition(world.node("big", result=big), world.node("small", result="ok"))
    _, row = await start(world, raw)
    await world.finished(row.id)
    nodes = await world.nodes(row.id)
    ref = nodes[("big", None)].result_ref
    assert ref is not None and nodes[("big", None)].result is None
    assert world.deps.artifacts.load(ref) == big
    assert (nodes[("small", None)].result, nodes[("small", None)].result_ref) == ("ok", None)


async def test_a_mapped_node_gets_a_row_per_instance(world: World) -> None:
    raw = world.definition(world.node("list", result=[1, 2, 3]), world.node("each", result="x"))
    each = next(n for n in raw["nodes"] if n["id"] == "each")
    each.update(params={"item": {"$ref": "list"}}, map_over="item")
    _, row = await start(world, raw)
    await world.finished(row.id)
    nodes = await world.nodes(row.id)
    assert {key: (n.status.value, n.attempts, n.result) for key, n in nodes.items() if key[0] == "each"} == {
        ("each", None): ("succeeded", 0, ["x", "x", "x"]),
        ("each", 0): ("succeeded", 1, "x"),
        ("each", 1): ("succeeded", 1, "x"),
        ("each", 2): ("succeeded", 1, "x"),
    }


async def test_results_json_cannot_hold_are_stored_as_their_repr_and_the_run_ends(world: World) -> None:
    world.deps.settings = world.settings.model_copy(update={"allowed_callable_modules": "json,decimal"})
    nan = world.node("nan", "json:loads")
    nan["params"] = {"s": "NaN"}
    money = world.node("money", "decimal:Decimal")
    money["params"] = {"value": "1.50"}
    nul = world.node("nul", "json:loads")
    nul["params"] = {"s": '"a\\u0000b"'}  # the string a, NUL, b: jsonb cannot store it
    _, row = await start(world, world.definition(nan, money, nul))
    finished = await asyncio.wait_for(world.finished(row.id), 30)
    assert finished.status is ExecutionStatus.SUCCEEDED
    nodes = await world.nodes(row.id)
    assert nodes[("nan", None)].result == {"$repr": "nan"}
    assert nodes[("money", None)].result == {"$repr": "Decimal('1.50')"}
    assert nodes[("nul", None)].result == {"$repr": repr("a\x00b")}


async def test_nul_in_log_lines_and_errors_is_stored_escaped_and_the_run_ends(world: World) -> None:
    script = "import sys\nsys.stderr.write('a\\x00b\\n')\nsys.stderr.flush()\nraise SystemExit('c\\x00d')"
    raw = world.definition(world.node("noisy", "command", argv=[sys.executable, "-I", "-c", script]))
    _, row = await start(world, raw)
    finished = await asyncio.wait_for(world.finished(row.id), 30)
    assert finished.status is ExecutionStatus.FAILED
    payloads = [event.payload for event in await world.events(row.id)]
    assert [p["line"] for p in payloads if p["kind"] == "node_log"] == ["a\\x00b", "c\\x00d"]
    [failed] = [p for p in payloads if p["kind"] == "node_failed"]
    assert "c\\x00d" in failed["error"]["message"] + failed["error"]["traceback"]
    assert "\x00" not in json.dumps(payloads)
    error = (await world.nodes(row.id))[("noisy", None)].error
    assert error is not None and "\x00" not in json.dumps(error)
