"""``openctl demo --no-wait``: the whole product in one command, as a real process.

Embedded (SQLite, in-process executor) and on the production stack (PostgreSQL, Redis queue,
arq worker), each run of the wine pipeline checked through its report and its event log.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

from open_backend.cli.demo import EXAMPLES_PACKAGE, demo_settings
from open_backend.settings import Settings

OPENCTL = Path(sys.executable).with_name("openctl")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment() -> dict[str, str]:
    """This process's environment without any OPEN setting: the demo's defaults apply."""
    prefixes = ("OPEN_", "DATABASE_URL", "REDIS_URL")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def run_demo(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = environment() | {"OPEN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "120", **env}
    return subprocess.run(
        [str(OPENCTL), "demo", "--no-wait", "--port", str(free_port())],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def check_report(tmp_path: Path, output: str) -> None:
    report = tmp_path / "data" / "artifacts" / "examples" / "wine_pipeline" / "wine_report.md"
    assert report.is_file(), output
    text = report.read_text()
    assert "178" in text and "class_0" in text  # the wine data set's rows and first class
    assert str(report) in output.replace("\n", "")


def test_the_embedded_demo_deploys_the_examples_and_runs_the_wine_pipeline(tmp_path: Path) -> None:
    done = run_demo(tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "sqlite database, executions by the in-process executor" in output
    for dag in ("wine_pipeline", "ml_search", "native_primes", "wfcommons"):
        assert dag in output
    assert "SUCCEEDED" in output and "FAILED" not in output
    check_report(tmp_path, output)
    again = run_demo(tmp_path)  # same data folder: the user signs in, nothing is deployed twice
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("unchanged") == 4


async def test_the_demo_on_postgresql_and_redis_runs_through_the_queue_and_a_worker(
    tmp_path: Path, make_postgres_database: object
) -> None:
    url = await make_postgres_database()  # type: ignore[operator]
    queue = f"open-demo-test:{uuid.uuid4().hex}"
    done = run_demo(tmp_path, DATABASE_URL=url, REDIS_URL="redis://127.0.0.1:6379/0", OPEN_QUEUE_NAME=queue)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "postgresql database, executions by an arq worker on Redis" in output
    check_report(tmp_path, output)


def test_the_demo_adds_the_examples_package_to_the_allowed_modules_once() -> None:
    plain = demo_settings(Settings(allowed_callable_modules="etl"))
    assert plain.callable_module_allow_list == ("etl", EXAMPLES_PACKAGE)
    assert demo_settings(plain).callable_module_allow_list == ("etl", EXAMPLES_PACKAGE)


def test_a_port_in_use_is_a_readable_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        clean = {
            k: v for k, v in os.environ.items() if not k.startswith(("OPEN_", "DATABASE_URL", "REDIS_URL"))
        }
        done = subprocess.run(
            [str(OPENCTL), "demo", "--no-wait", "--port", str(port)],
            env=clean | {"OPEN_DATA_DIR": str(tmp_path / "data")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "pass another --port" in done.stderr
    assert "Traceback" not in done.stderr
