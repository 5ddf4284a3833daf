"""``sleep`` and ``noop``: task types that do nothing useful, for tests and simulations."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from core_engine.limits import MAX_TIMEOUT_SECONDS
from core_engine.tasktypes.checks import is_number, unknown_fields
from core_engine.tasktypes.protocol import TaskCallable


class SleepTask:
    """``sleep``: wait ``seconds`` on the event loop, return ``None``. For simulations."""

    name = "sleep"
    description = "Wait a number of seconds without blocking, then succeed with no result."
    config_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {
            "seconds": {
                "type": "number",
                "minimum": 0,
                "maximum": MAX_TIMEOUT_SECONDS,
                "description": "How long to wait, in seconds.",
            }
        },
        "required": ["seconds"],
        "additionalProperties": False,
    }

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = unknown_fields(config, ("seconds",), self.name)
        seconds = config.get("seconds")
        if not is_number(seconds) or not 0 <= seconds <= MAX_TIMEOUT_SECONDS:
            out.append(("seconds", f"must be a number of seconds in [0, {MAX_TIMEOUT_SECONDS:g}]"))
        return out

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        seconds = float(config["seconds"])

        async def sleep(**_params: Any) -> None:
            await asyncio.sleep(seconds)

        return sleep


class NoopTask:
    """``noop``: succeed at once with the configured ``result`` (default ``None``)."""

    name = "noop"
    description = "Do nothing and succeed, returning the configured result."
    config_schema: Mapping[str, Any] = {
        "type": "object",
        "properties": {"result": {"description": "The value the node returns."}},
        "additionalProperties": False,
    }

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return unknown_fields(config, ("result",), self.name)

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        result = config.get("result")

        async def noop(**_params: Any) -> Any:
            return result

        return noop
