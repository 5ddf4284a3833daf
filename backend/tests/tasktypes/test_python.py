"""The ``python`` task type: the allow-list (allowed, refused without importing, nested
packages), sync functions in a thread, coroutines on the loop, config checks."""

from __future__ import annotations

import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core_engine import DAG, NodeState, run
from open_backend.executions.callables import CallableNotAllowed
from open_backend.settings import Environment, Settings
from open_backend.tasktypes import PythonTask, platform_registry

JOBS = """
    import asyncio
    import threading


    def add(a, b=10):
        return {"sum": a + b, "thread": threading.get_ident()}


    async def slow_double(x):
        await asyncio.sleep(0)
        return {"double": 2 * x, "thread": threading.get_ident()}


    def fail(reason):
        raise RuntimeError(reason)


    class Tools:
        @staticmethod
        def shout(text):
            return text.upper()
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh importable package ``<name>`` with ``jobs`` and ``nested.deep`` (same functions)."""
    name = f"open_tt_{uuid.uuid4().hex[:10]}"
    root = tmp_path / name
    (root / "nested").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "nested" / "__init__.py").write_text("")
    (root / "jobs.py").write_text(textwrap.dedent(JOBS))
    (root / "nested" / "deep.py").write_text(textwrap.dedent(JOBS))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def bound(allowed: list[str], function: str) -> Any:
    task = PythonTask(allowed)
    assert task.config_problems({"function": function}) == []
    return task.bind({"function": function})


async def test_an_allowed_sync_function_gets_the_parameters_and_runs_in_a_thread(package: str) -> None:
    result = await bound([package], f"{package}.jobs:add")(a=1, b=2)
    assert result["sum"] == 3
    assert result["thread"] != threading.get_ident()


async def test_an_allowed_coroutine_function_is_awaited_on_the_loop(package: str) -> None:
    result = await bound([package], f"{package}.jobs:slow_double")(x=21)
    assert result == {"double": 42, "thread": threading.get_ident()}


async def test_a_package_entry_allows_its_nested_modules_and_qualified_names(package: str) -> None:
    assert (await bound([package], f"{package}.nested.deep:add")(a=1))["sum"] == 11
    assert await bound([f"{package}.nested"], f"{package}.nested.deep:Tools.shout")(text="hi") == "HI"


async def test_a_refused_module_fails_naming_it_and_the_setting_and_is_never_imported(package: str) -> None:
    refused = bound([f"{package}.nested", "json"], f"{package}.jobs:add")
    with pytest.raises(CallableNotAllowed) as caught:
        await refused(a=1)
    assert str(caught.value) == (
        f"python task '{package}.jobs:add': module '{package}.jobs' is not allowed on this server; add it "
        "(or a package holding it) to OPEN_ALLOWED_CALLABLE_MODULES to run it"
    )
    assert f"{package}.jobs" not in sys.modules
    assert package not in sys.modules


async def test_a_module_sharing_only_a_name_prefix_is_refused(package: str) -> None:
    with pytest.raises(CallableNotAllowed):
        await bound([package[:-1]], f"{package}.jobs:add")(a=1)
    assert package not in sys.modules


async def test_an_empty_allow_list_refuses_everything() -> None:
    with pytest.raises(CallableNotAllowed, match="module 'json' is not allowed"):
        await bound([], "json:dumps")(obj=1)


async def test_binding_imports_nothing_the_first_call_does(package: str) -> None:
    call = bound([package], f"{package}.jobs:add")
    assert f"{package}.jobs" not in sys.modules
    await call(a=1)
    assert f"{package}.jobs" in sys.modules


async def test_an_allowed_path_that_does_not_resolve_fails_with_import_error(package: str) -> None:
    with pytest.raises(ImportError, match=f"module '{package}.jobs' has no attribute 'missing'"):
        await bound([package], f"{package}.jobs:missing")()
    with pytest.raises(ImportError, match=f"cannot import module '{package}.absent'"):
        await bound([package], f"{package}.absent:f")()


async def test_the_functions_exception_fails_the_call(package: str) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        await bound([package], f"{package}.jobs:fail")(reason="boom")


async def test_a_wrong_argument_is_a_type_error(package: str) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'c'"):
        await bound([package], f"{package}.jobs:add")(a=1, c=2)


def test_python_nodes_run_in_a_dag_with_the_platform_registry(package: str) -> None:
    settings = Settings(env=Environment.TEST, allowed_callable_modules=f"{package}.jobs")
    registry = platform_registry(settings)
    definition = {
        "schema_version": 1,
        "name": "python-nodes",
        "nodes": [
            {
                "id": "add",
                "task": {"type": "python", "config": {"function": f"{package}.jobs:add"}},
                "params": {"a": 2},
            },
            {
                "id": "refused",
                "task": {"type": "python", "config": {"function": f"{package}.nested.deep:add"}},
                "params": {"a": 1},
            },
        ],
    }
    result = run(DAG.from_dict(definition, registry=registry), registry=registry)
    assert result.results["add"]["sum"] == 12
    refused = result.state.nodes["refused"]
    assert refused.state is NodeState.FAILED
    assert refused.error is not None and refused.error.type == "CallableNotAllowed"


@pytest.mark.parametrize(
    "function",
    ["json:dumps", "os.path:join", "pkg.mod:Class.method", "_private:_f", "a1.b_2:c3"],
)
def test_well_formed_paths_are_accepted_by_the_check_and_the_schema(function: str) -> None:
    assert PythonTask([]).config_problems({"function": function}) == []
    assert list(Draft202012Validator(PythonTask.config_schema).iter_errors({"function": function})) == []


@pytest.mark.parametrize(
    "function",
    [
        None,
        3,
        "",
        "json",
        "json.dumps",
        "json:",
        ":dumps",
        "json::dumps",
        "a b:c",
        "json:dumps()",
        "1json:f",
        "a..b:c",
    ],
)
def test_malformed_paths_are_refused_by_the_check_and_the_schema(function: Any) -> None:
    config = {} if function is None else {"function": function}
    [(field, message)] = PythonTask([]).config_problems(config)
    assert field == "function"
    assert message.startswith("must be an import path 'package.module:function'")
    assert list(Draft202012Validator(PythonTask.config_schema).iter_errors(config)) != []


def test_unknown_config_fields_are_refused() -> None:
    problems = PythonTask([]).config_problems({"function": "json:dumps", "run_in": "process"})
    assert problems == [("run_in", "is not a config field of 'python'")]
