"""``openctl`` itself: the installed console script, the command list and each command's help."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ._cli import invoke

COMMANDS = [
    "demo",
    "server",
    "worker",
    "migrate",
    "check",
    "run",
    "replay",
    "projections",
    "deploy",
    "execute",
    "executions",
]
REPOSITORY = Path(__file__).resolve().parents[3]


def test_uv_run_openctl_help_lists_the_commands() -> None:
    uv = shutil.which("uv")
    assert uv is not None, "uv must be installed"
    done = subprocess.run(
        [uv, "run", "--frozen", "openctl", "--help"],
        cwd=REPOSITORY,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "Usage: openctl [OPTIONS] COMMAND [ARGS]..." in out
    assert all(f" {command} " in out for command in COMMANDS)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["server"], "--port"),
        (["worker"], "REDIS_URL"),
        (["migrate"], "--status"),
        (["check"], "FILE"),
        (["run"], "--max-concurrency"),
        (["replay"], "EXECUTION_ID"),
        (["projections"], "rebuild"),
        (["projections", "rebuild"], "--check"),
    ],
)
def test_each_command_has_help(args: list[str], expected: str) -> None:
    result = invoke(*args, "--help")
    assert result.exit_code == 0
    assert expected in result.stdout
    assert "``" not in result.stdout


def test_openctl_without_a_command_shows_the_help() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert "Commands" in result.output


def test_an_unknown_command_is_a_usage_error() -> None:
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "No such command" in result.stderr
