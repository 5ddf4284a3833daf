"""``python``: call a function by import path, from the modules the deployment allows.

A node ``{"type": "python", "config": {"function": "package.module:qualname"}}`` calls that
function with the node's parameters as keyword arguments; its return value is the node's
result. Only modules in ``OPEN_ALLOWED_CALLABLE_MODULES`` (or inside an allowed package) may be
called: the allow-list is checked when the node is bound, and a refused module is never
imported; the node fails with :class:`~open_backend.executions.callables.CallableNotAllowed`.

The module is imported on the node's first call, in a worker thread. Coroutine functions are
awaited on the event loop (a node timeout cancels them); plain functions run in a worker thread
(``asyncio.to_thread``), where a timeout cannot stop them: they run on and their result is
dropped.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from core_engine.definition import resolve_callable
from core_engine.tasktypes import TaskCallable
from core_engine.tasktypes.checks import unknown_fields
from open_backend.executions.callables import CallableNotAllowed, is_allowed, module_of

_IDENTIFIERS: Final = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"

#: What ``function`` must look like: dotted module, a colon, a dotted qualified name.
FUNCTION_PATTERN: Final = re.compile(f"{_IDENTIFIERS}:{_IDENTIFIERS}")


def _refusal(path: str) -> TaskCallable:
    module = module_of(path)

    async def refuse(**_params: Any) -> Any:
        raise CallableNotAllowed(
            f"python task {path!r}: module {module!r} is not allowed on this server; add it (or a "
            "package holding it) to OPEN_ALLOWED_CALLABLE_MODULES to run it"
        )

    return refuse


def _caller(path: str) -> TaskCallable:
    resolved: list[Callable[..., Any]] = []  # the function, once imported

    async def call(**params: Any) -> Any:
        if not resolved:
            resolved.append(await asyncio.to_thread(resolve_callable, path))
        fn = resolved[0]
        if inspect.iscoroutinefunction(fn):
            return await fn(**params)
        result = await asyncio.to_thread(fn, **params)
        if inspect.isawaitable(result):  # a plain callable that returns a coroutine
            return await result
        return result

    return call


class PythonTask:
    """``python``: call ``function`` with the node's parameters as keyword arguments.

    Args:
        allowed_modules: modules (and packages, submodules included) whose functions may be
            called: ``Settings.callable_module_allow_list``.
    """

    name = "python"
    description = (
        "Call a Python function by import path (package.module:function) with the node's "
        "inputs as keyword arguments; only modules the server allows can be called."
    )
    config_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {
            "function": {
                "type": "string",
                "pattern": f"^{FUNCTION_PATTERN.pattern}$",
                "description": (
                    "Import path 'package.module:function' (or 'module:Class.method'); the module "
                    "must be in the server's OPEN_ALLOWED_CALLABLE_MODULES."
                ),
                "examples": ["statistics:mean"],
            }
        },
        "required": ["function"],
        "additionalProperties": False,
    }

    def __init__(self, allowed_modules: Sequence[str]) -> None:
        self.allowed_modules = tuple(allowed_modules)

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = unknown_fields(config, ("function",), self.name)
        function = config.get("function")
        if not isinstance(function, str) or not FUNCTION_PATTERN.fullmatch(function):
            out.append(
                (
                    "function",
                    "must be an import path 'package.module:function' (dotted names, one colon), "
                    f"got {function!r}",
                )
            )
        return out

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        """The node's coroutine function; one that refuses to run when the module is not allowed."""
        path: str = config["function"]
        if not is_allowed(path, self.allowed_modules):
            return _refusal(path)
        return _caller(path)
