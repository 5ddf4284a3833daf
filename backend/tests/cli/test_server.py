"""``openctl server`` as a real process: with no configuration it serves the app on the
embedded SQLite database (migrated at startup) and in-process executions; SIGTERM shuts it
down gracefully, after which it exits by that signal (as uvicorn does)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from ._cli import invoke, invoke_async
from ._processes import free_port, openctl, process_env


def _wait_for(url: str, process: subprocess.Popen[bytes], deadline_s: float = 60.0) -> httpx.Response:
    end = time.monotonic() + deadline_s
    while True:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            return httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            assert time.monotonic() < end, f"nothing answered at {url} after {deadline_s} s"
            time.sleep(0.1)


def test_server_serves_healthz_on_the_embedded_sqlite_database_and_shuts_down_on_sigterm(
    tmp_path: Path,
) -> None:
    port = free_port()
    data = tmp_path / "data"
    process = subprocess.Popen(
        [openctl(), "server", "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"],
        env=process_env(OPEN_DATA_DIR=str(data), OPEN_ENV="test"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5.0)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert health.status_code == 200
    assert ready.status_code == 200  # the database is at the head revision: migrated at startup
    assert (data / "open.db").is_file()
    assert "Application shutdown complete." in stderr.decode()
    assert process.returncode == -signal.SIGTERM, stderr.decode()


def test_in_json_mode_every_line_uvicorn_access_and_startup_included_is_a_json_object(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [openctl(), "server", "--host", "127.0.0.1", "--port", str(port)],
        env=process_env(
            OPEN_DATA_DIR=str(tmp_path / "data"),
            OPEN_ENV="test",
            OPEN_LOG_FORMAT="json",
            OPEN_LOG_LEVEL="INFO",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/healthz", process).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    records = []
    for line in lines:
        assert line.startswith("{"), f"not a JSON line: {line!r}"
        records.append(json.loads(line))
    by_logger = {(r["logger"], r["message"]) for r in records}
    assert ("uvicorn.error", "Application startup complete.") in by_logger
    assert any(name == "uvicorn.access" and "/healthz" in message for name, message in by_logger)
    assert all(r["level"] in {"INFO", "WARNING", "ERROR"} for r in records)


async def test_server_refuses_an_unmigrated_postgresql_database_before_serving(
    make_postgres_database: Callable[[], Awaitable[str]],
) -> None:
    url = await make_postgres_database()
    result = await invoke_async("server", "--port", str(free_port()), env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert "is at no revision" in result.stderr and "run `openctl migrate` first" in result.stderr


def test_a_bad_port_is_a_usage_error() -> None:
    assert invoke("server", "--port", "70000").exit_code == 2
