"""The callable allow-list: definitions are user data, so ``{"callable": "module:fn"}`` tasks run
only when their module is allowed by ``OPEN_ALLOWED_CALLABLE_MODULES``.

:func:`guard_callables` gives every other callable node a stand-in function that fails with a
:class:`CallableNotAllowed` naming the module and the setting; its module is never imported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from core_engine import DAG, CallableTask, RunIn
from core_engine.tasktypes import TaskTypeRegistry


class CallableNotAllowed(PermissionError):
    """A callable task's module is not in ``OPEN_ALLOWED_CALLABLE_MODULES``."""


def module_of(path: str) -> str:
    """The module part of the import path ``"module:qualname"``."""
    return path.partition(":")[0]


def is_allowed(path: str, allowed: Sequence[str]) -> bool:
    """Whether ``path``'s module is an allowed module or inside an allowed package."""
    module = module_of(path)
    return any(module == entry or module.startswith(entry + ".") for entry in allowed)


def _refusal(path: str) -> Callable[..., Any]:
    module = module_of(path)

    async def refuse(**_params: Any) -> Any:
        raise CallableNotAllowed(
            f"callable tasks of module {module!r} are not allowed on this server; add it to "
            "OPEN_ALLOWED_CALLABLE_MODULES to run it"
        )

    return refuse


def guard_callables(dag: DAG, allowed: Sequence[str], registry: TaskTypeRegistry) -> DAG:
    """``dag`` with every callable node outside ``allowed`` replaced by one that fails when run.

    Such a node keeps its import path but runs on the event loop (a process pool would import
    the module). ``dag`` itself is returned when nothing needs replacing.
    """
    nodes = []
    replaced = False
    for node in dag.nodes:
        task = node.task
        if isinstance(task, CallableTask) and not is_allowed(task.path, allowed):
            run_in = RunIn.LOOP if node.run_in is RunIn.PROCESS else node.run_in
            refusing = CallableTask(task.path, fn=_refusal(task.path))
            nodes.append(dataclasses.replace(node, task=refusing, run_in=run_in))
            replaced = True
        else:
            nodes.append(node)
    if not replaced:
        return dag
    return DAG.create(dag.name, nodes, dag.description, dag.params, registry=registry)
