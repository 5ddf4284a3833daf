"""DAG files for the ``check`` and ``run`` tests. Write them with :func:`write_dag`: file stems
carry a random suffix, so no two tests share a module name in ``sys.modules``."""

from __future__ import annotations

import json
import textwrap
import uuid
from pathlib import Path
from typing import Any

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

# ``boom`` fails and ``after`` depends on it.
FAILING = """\
from core_engine import DAGBuilder, task


@task
def boom() -> int:
    raise ValueError("kaput")


@task
def after(x: int) -> int:
    return x


with DAGBuilder("failing") as failing:
    after(x=boom())
"""

TWO = """\
from core_engine import DAGBuilder, task


@task
def one() -> int:
    return 1


with DAGBuilder("first") as first:
    one()

with DAGBuilder("second") as second:
    one()
"""

# A JSON definition whose node ``b`` depends on a node that does not exist, and ``a`` on itself.
BROKEN_JSON: dict[str, Any] = {
    "schema_version": 1,
    "name": "broken",
    "nodes": [
        {"id": "a", "task": {"type": "noop", "config": {}}, "depends_on": ["a"]},
        {"id": "b", "task": {"type": "noop", "config": {}}, "depends_on": ["nowhere"]},
    ],
}

TYPED_JSON: dict[str, Any] = {
    "schema_version": 1,
    "name": "typed",
    "nodes": [
        {"id": "first", "task": {"type": "noop", "config": {"result": 1}}},
        {"id": "second", "task": {"type": "sleep", "config": {"seconds": 0.01}}, "depends_on": ["first"]},
    ],
}


def write_dag(folder: Path, stem: str, content: str | dict[str, Any]) -> Path:
    """``content`` (Python source, or a definition to write as JSON) in ``folder``, named
    ``<stem>_<random>.py`` or ``.json``."""
    name = f"{stem}_{uuid.uuid4().hex[:8]}"
    if isinstance(content, dict):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(content), encoding="utf-8")
    else:
        path = folder / f"{name}.py"
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return path
