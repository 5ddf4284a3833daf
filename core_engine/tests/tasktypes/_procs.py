"""Helpers of the ``command`` tests: Python scripts as argv, and whether a process is gone."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
import time
from pathlib import Path


def py(script: str, *args: str) -> list[str]:
    """argv running ``script`` (dedented) with this interpreter, isolated from the user's site."""
    return [sys.executable, "-I", "-c", textwrap.dedent(script), *args]


def is_gone(pid: int) -> bool:
    """Whether ``pid`` has exited: no such process, or a zombie nobody has reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    state = stat.rpartition(")")[2].split()[0]
    return state in ("Z", "X")


def wait_gone(pid: int, within: float = 3.0) -> bool:
    """Whether ``pid`` is gone within ``within`` seconds (signals are delivered asynchronously)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if is_gone(pid):
            return True
        time.sleep(0.01)
    return is_gone(pid)


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


async def read_pids(path: Path, count: int, within: float = 5.0) -> list[int]:
    """The ``count`` pids a test program writes to ``path``, one a line, once all are there."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        pids = _pids(path)
        if len(pids) >= count:
            return pids[:count]
        await asyncio.sleep(0.01)
    raise AssertionError(f"{path} did not get {count} pids within {within} s")


def kill(pid: int) -> None:
    """Clean up after a failed test: kill ``pid`` if it still exists."""
    if not is_gone(pid):
        os.kill(pid, 9)
