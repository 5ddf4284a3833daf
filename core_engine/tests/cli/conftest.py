"""DAG files for the CLI tests, written into each test's ``tmp_path``.

Module stems carry a random suffix so no two tests share a module name in ``sys.modules``.
"""

from __future__ import annotations

import json
import sys
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

NUMBERS = """\
import asyncio

from core_engine import DAGBuilder, Param, ParamSpec, task


@task
def extract(n: int) -> list[int]:
    return list(range(n))


@task
def total(xs: list[int]) -> int:
    return sum(xs)


@task
async def greet(who: str) -> str:
    await asyncio.sleep(0.01)
    return f"hello {who}"


with DAGBuilder(
    "numbers",
    params={"n": ParamSpec("integer", default=3), "who": ParamSpec("string", default="you")},
) as numbers:
    total(xs=extract(n=Param("n")))
    greet(who=Param("who"))
"""

# One valid DAG and one with two problems: a missing argument and an undeclared run parameter.
MIXED = """\
from core_engine import DAGBuilder, Param, task


@task
def extract(n: int) -> list[int]:
    return list(range(n))


@task
def total(xs: list[int]) -> int:
    return sum(xs)


with DAGBuilder("good") as good:
    total(xs=extract(n=2))

with DAGBuilder("bad") as bad:
    extract(n=Param("m"))
    total()
"""

# ``boom`` fails, ``after`` depends on it, ``slow`` is independent and sleeps ``seconds``.
FAILING = """\
import asyncio

from core_engine import DAGBuilder, Param, ParamSpec, task


@task
def boom() -> int:
    raise ValueError("kaput")


@task
def after(x: int) -> int:
    return x


@task
async def slow(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done"


with DAGBuilder("failing", params={"seconds": ParamSpec("number", default=0.01)}) as failing:
    after(x=boom())
    slow(seconds=Param("seconds"))
"""

TYPED_JSON = {
    "schema_version": 1,
    "name": "typed",
    "nodes": [
        {"id": "first", "task": {"type": "noop", "config": {"result": 1}}},
        {"id": "second", "task": {"type": "sleep", "config": {"seconds": 0.01}}, "depends_on": ["first"]},
    ],
}


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI puts each file's directory on sys.path; give it back after every test."""
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write("name.py", text)``: the file in ``tmp_path``, dedented; ``{uid}`` in the name
    becomes a random suffix."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name.format(uid=uuid.uuid4().hex[:8])
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def numbers_py(write: Callable[[str, str], Path]) -> Path:
    return write("numbers_{uid}.py", NUMBERS)


@pytest.fixture
def mixed_py(write: Callable[[str, str], Path]) -> Path:
    return write("mixed_{uid}.py", MIXED)


@pytest.fixture
def failing_py(write: Callable[[str, str], Path]) -> Path:
    return write("failing_{uid}.py", FAILING)


@pytest.fixture
def typed_json(write: Callable[[str, str], Path]) -> Path:
    return write("typed.json", json.dumps(TYPED_JSON))
