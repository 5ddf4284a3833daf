"""CI's short load test: the real stack (PostgreSQL, Redis, the API served by uvicorn, a worker
process) under a few seconds of locust load, with no failed request and every operation done.

The run goes through the command line ``python -m loadtests --short --json`` in a child process:
locust monkey-patches its process with gevent, which must not reach pytest's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Every operation of the scenario, by the name its statistics are kept under.
OPERATIONS = {
    "signUp",
    "createDag",
    "signIn",
    "dags",
    "updateDag (new version)",
    "executeDag",
    "websocket connect + connection_ack",
    "executionEvents (subscribe to complete)",
}


def test_a_short_load_run_has_no_failed_request_and_exercises_every_operation() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "loadtests", "--short", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, f"exit code {run.returncode}: {run.stderr[-3000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    operations = {operation["name"]: operation for operation in result["operations"]}

    assert result["errors"] == []
    assert result["exceptions"] == []
    assert {name: op["failures"] for name, op in operations.items() if op["failures"]} == {}
    exercised = {name for name, op in operations.items() if op["requests"] > 0}
    assert OPERATIONS - exercised == set()
    assert 0 < result["duration_s"] < 60
