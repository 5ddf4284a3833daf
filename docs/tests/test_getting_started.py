"""docs/getting-started.md works: its files and commands, run in order, as real processes.

The guide's commands start with ``uv run``; here they run from this environment's ``bin`` folder
(first on ``PATH``), which is what ``uv run`` does in the repository. The server listens on a free
port instead of 8000 (``OPEN_SERVER_URL`` points at it, as the guide says it may), and
``EXECUTION_ID`` is replaced by the id of the execution the guide started. Everything happens in
a fresh folder, so the server's ``.data`` is the test's own.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ._markdown import Block, blocks, commands, read

GUIDE = read("getting-started.md")
BIN = Path(sys.executable).parent
TIMEOUT_S = 180


def section(title: str) -> list[Block]:
    found = [block for block in blocks(GUIDE) if block.section.endswith(title)]
    assert found, f"no code in the section {title!r} of getting-started.md"
    return found


def section_commands(title: str) -> list[str]:
    return [line for block in section(title) if block.lang == "bash" for line in commands(block)]


def local(line: str) -> str:
    assert line.startswith("uv run ") or " uv run " in line, line
    return line.replace("uv run ", "", 1)


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without OPEN configuration, ``BIN`` first on ``PATH``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PYTHONPATH"} and not key.startswith("OPEN_")
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "160"
    return env | values


def shell(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", local(line)],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


def save_files(folder: Path) -> None:
    for block in blocks(GUIDE):
        if block.file is not None:
            (folder / block.file).write_text(block.code, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def served(line: str, cwd: Path, env: dict[str, str], port: int) -> Iterator[None]:
    """Run the guide's server command (on ``port``) until the block ends."""
    log = cwd / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "-c", f"{local(line)} --port {port}"],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start:\n" + log.read_text()
            time.sleep(0.2)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_the_demo_command_is_the_readme_s_first_command() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (demo,) = section_commands("The demo")
    assert demo in readme.split("\n```", 2)[1]  # `openctl demo` itself: backend/tests/cli/test_demo.py


def test_the_guide_saves_the_dag_and_the_key_script() -> None:
    assert [block.file for block in blocks(GUIDE) if block.file] == ["hello.py", "make_key.py"]


def test_the_dag_checks_and_runs_locally(tmp_path: Path) -> None:
    save_files(tmp_path)
    env = clean_env()
    check, run = section_commands("Check it, run it locally")
    checked = shell(check, tmp_path, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("OK    hello: 3 nodes, 2 edges, 3 levels, sha256:")
    shown = next(block.code for block in section("Check it, run it locally") if block.lang == "text")
    assert shown.split("...")[0] in checked.stdout  # the hash the guide shows is the real one

    ran = shell(run, tmp_path, env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "'hello': succeeded" in ran.stdout
    as_json = shell(f"{run} --json", tmp_path, env)
    results = {node["id"]: node["result"] for node in json.loads(as_json.stdout)["nodes"]}
    assert results == {"numbers": [1, 2, 3, 4, 5], "square": [1, 4, 9, 16, 25], "total": 55}


def test_the_server_walkthrough_deploys_executes_shows_and_replays(tmp_path: Path) -> None:
    save_files(tmp_path)
    port = free_port()
    env = clean_env(OPEN_SERVER_URL=f"http://127.0.0.1:{port}")
    (server,) = section_commands("Start a server")
    (make_key,) = section_commands("Create an API key")
    deploy, execute = section_commands("Deploy and execute")
    look = section_commands("Look at the execution")
    (replay,) = section_commands("Replay it")

    with served(server, tmp_path, env, port):
        name, _, command = make_key.removeprefix("export ").partition("=")
        assert command.startswith("$(") and command.endswith(")"), make_key
        key = shell(command[2:-1], tmp_path, env)
        assert key.returncode == 0, key.stdout + key.stderr
        assert key.stdout.startswith("open_")
        env[name] = key.stdout.strip()

        deployed = shell(deploy, tmp_path, env)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert "created" in deployed.stdout
        again = shell(deploy, tmp_path, env)
        assert "unchanged" in again.stdout  # as the guide promises

        executed = shell(execute, tmp_path, env)
        output = executed.stdout + executed.stderr
        assert executed.returncode == 0, output
        assert "SUCCEEDED" in executed.stdout and "square[4]" in executed.stdout

        listed = shell(f"{look[0]} --json", tmp_path, env)
        assert listed.returncode == 0, listed.stdout + listed.stderr
        (execution,) = json.loads(listed.stdout)["executions"]
        assert execution["id"] in output  # the guide says to take it from execute's output
        for line in look[1:]:
            looked = shell(line.replace("EXECUTION_ID", execution["id"]), tmp_path, env)
            assert looked.returncode == 0, looked.stdout + looked.stderr
            assert "SUCCEEDED" in looked.stdout or "run_finished" in looked.stdout

        replayed = shell(replay.replace("EXECUTION_ID", execution["id"]), tmp_path, env)
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert "match: the rows agree with the event log" in replayed.stdout


@pytest.mark.parametrize("title", ["Check it, run it locally", "Deploy and execute", "Replay it"])
def test_every_command_of_the_guide_is_an_openctl_command_run_by_uv(title: str) -> None:
    assert all(line.startswith("uv run openctl ") for line in section_commands(title))
