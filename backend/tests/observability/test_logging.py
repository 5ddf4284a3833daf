"""Logs: JSON lines (production) or readable text (development), each carrying the execution id
and the trace and span ids of the code that logged it."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import ValidationError

from open_backend.observability import tracing
from open_backend.observability.logging import (
    ContextFilter,
    LogFormat,
    execution_context,
    make_formatter,
    uvicorn_log_config,
)
from open_backend.settings import Settings

from .conftest import Collector, StackFactory, WorkerFactory

HERE = Path(__file__).parent


def _record(log_format: LogFormat, message: str = "hello %s", *args: object) -> str:
    """What one WARNING record logged now looks like in ``log_format``."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(make_formatter(log_format))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger(f"open_test.logging.{uuid.uuid4().hex[:8]}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.warning(message, *args)
    return out.getvalue()


def test_a_json_line_outside_any_run_has_the_standard_fields_and_no_ids() -> None:
    line = json.loads(_record(LogFormat.JSON, "hello %s", "world"))
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["logger"].startswith("open_test.logging.")
    assert line["timestamp"]
    assert not {"execution_id", "trace_id", "span_id"} & line.keys()


def test_a_json_line_in_a_run_and_a_span_carries_their_ids(spans: InMemorySpanExporter) -> None:
    with execution_context("e" * 32), tracing.tracer().start_as_current_span("work") as span:
        line = json.loads(_record(LogFormat.JSON))
    context = span.get_span_context()
    assert line["execution_id"] == "e" * 32
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")


def test_a_text_line_is_readable_and_names_the_execution() -> None:
    with execution_context("f" * 32):
        tagged = _record(LogFormat.TEXT, "run %d", 7)
    plain = _record(LogFormat.TEXT, "plain")
    assert " WARNING open_test.logging." in tagged
    assert tagged.rstrip("\n").endswith(f"run 7 [execution={'f' * 32}]")
    assert plain.rstrip("\n").endswith(": plain")


def test_the_log_format_defaults_to_json_in_production_and_text_elsewhere() -> None:
    assert Settings(env="development").log_format is LogFormat.TEXT
    assert Settings(env="test").log_format is LogFormat.TEXT
    production = Settings(env="production", secret_key="p" * 48)
    assert production.log_format is LogFormat.JSON
    assert Settings(env="production", secret_key="p" * 48, log_format="text").log_format is LogFormat.TEXT
    assert Settings(log_level="debug").log_level == "DEBUG"


def test_an_unknown_log_format_or_level_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="OPEN_LOG_FORMAT"):
        Settings(OPEN_LOG_FORMAT="xml")
    with pytest.raises(ValidationError, match="OPEN_LOG_LEVEL"):
        Settings(OPEN_LOG_LEVEL="loud")


def test_the_uvicorn_log_config_is_accepted_by_dict_config() -> None:
    import logging.config

    config = uvicorn_log_config(LogFormat.JSON, "warning")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)
        assert logging.getLogger("uvicorn.access").propagate
        assert root.level == logging.WARNING
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def _json_lines(lines: list[str]) -> list[dict[str, Any]]:
    out = []
    for line in lines:
        assert line.startswith("{"), f"not a JSON line: {line!r}"
        out.append(json.loads(line))
    return out


async def test_a_worker_in_json_mode_logs_a_task_line_with_its_execution_and_trace_ids(
    stack: StackFactory, worker_process: WorkerFactory, collector: Collector
) -> None:
    allowed = {"allowed_callable_modules": "logging_callables"}
    async with stack(redis=True, **allowed) as served:
        worker = await worker_process(
            served.settings,
            OPEN_LOG_FORMAT="json",
            OPEN_ALLOWED_CALLABLE_MODULES="logging_callables",
            PYTHONPATH=os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p),
            OTEL_EXPORTER_OTLP_ENDPOINT=collector.endpoint,
            OTEL_BSP_SCHEDULE_DELAY="50",
        )
        raw = {
            "schema_version": 1,
            "name": "logs",
            "params": {},
            "nodes": [
                {"id": "say", "task": {"callable": "logging_callables:say"}, "params": {"message": "hi"}}
            ],
        }
        execution_id = await served.execute(await served.dag(raw))
        assert await served.finished(execution_id) == "SUCCEEDED"
        end = time.monotonic() + 10
        while not any('"hi"' in line for line in worker.lines):
            assert time.monotonic() < end, worker.log()
            await asyncio.sleep(0.05)
    run = (await collector.wait_for("execution.run"))[0]
    lines = _json_lines(worker.lines)
    started = next(line for line in lines if "started on queue" in line["message"])
    assert started["level"] == "INFO" and "execution_id" not in started
    said = next(line for line in lines if line["message"] == "hi")
    assert said["logger"] == "open_test.task"
    assert said["trace_id"] == run.trace_id.hex()
    assert said["span_id"] == run.span_id.hex()
    assert uuid.UUID(hex=said["execution_id"]) == uuid.UUID(run_attribute(run, "open.execution_id"))


def run_attribute(span: Any, key: str) -> str:
    value: str = next(a.value.string_value for a in span.attributes if a.key == key)
    return value
