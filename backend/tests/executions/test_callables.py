from __future__ import annotations

import pytest

from core_engine import DAG, RunIn, execute
from core_engine.tasktypes import TaskTypeRegistry
from open_backend.executions.callables import CallableNotAllowed, guard_callables, is_allowed


def test_a_module_is_allowed_by_its_name_or_a_parent_package() -> None:
    allowed = ("json", "mycompany.tasks")
    assert is_allowed("json:dumps", allowed)
    assert is_allowed("mycompany.tasks.etl:load", allowed)
    assert not is_allowed("jsonschema:validate", allowed)  # a prefix of the name is not a package
    assert not is_allowed("mycompany:run", allowed)
    assert not is_allowed("os:getcwd", ())


def definition(path: str, run_in: str = "auto") -> dict[str, object]:
    return {
        "schema_version": 1,
        "name": "c",
        "nodes": [{"id": "c", "task": {"callable": path}, "run_in": run_in}],
    }


async def test_a_refused_callable_fails_when_run_without_being_imported() -> None:
    registry = TaskTypeRegistry.builtin()
    dag = DAG.from_dict(definition("not_a_real_module_xyz:fn"), resolve_callables=False)
    guarded = guard_callables(dag, (), registry)
    result = await execute(guarded)
    error = result.state.nodes["c"].error
    assert error is not None and error.type == CallableNotAllowed.__name__
    assert "'not_a_real_module_xyz'" in error.message and "OPEN_ALLOWED_CALLABLE_MODULES" in error.message


def test_a_refused_process_callable_runs_on_the_loop_instead() -> None:
    dag = DAG.from_dict(definition("os:getcwd", run_in="process"), resolve_callables=False)
    guarded = guard_callables(dag, (), TaskTypeRegistry.builtin())
    assert guarded.node("c").run_in is RunIn.LOOP


def test_a_dag_without_refused_callables_is_returned_unchanged() -> None:
    dag = DAG.from_dict(definition("json:dumps"), resolve_callables=False)
    assert guard_callables(dag, ("json",), TaskTypeRegistry.builtin()) is dag


@pytest.mark.parametrize("path", ["os:system", "subprocess:run"])
def test_dangerous_modules_are_refused_by_default(path: str) -> None:
    assert not is_allowed(path, ())
