"""Run one measurement in a fresh Python process and get its JSON result back.

``run_isolated("benchmarks.overhead:measure", {"shape": "chain", "n": 1000, "reps": 5})``
starts ``python -m benchmarks.isolate benchmarks.overhead:measure '{"shape": ...}'`` from the
repository root; the child imports the function, calls it with the arguments and prints its
JSON-ready result as the last line of stdout. A fresh process per measurement keeps heaps,
allocator arenas and caches of one measurement out of the next.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: The repository root: the child's working directory, so ``benchmarks`` is importable.
ROOT = Path(__file__).resolve().parent.parent

#: Seconds one isolated measurement may take before it is killed.
TIMEOUT_SECONDS = 900.0


class IsolatedError(RuntimeError):
    """A measurement process failed; carries the target, its arguments and its stderr tail."""

    def __init__(self, target: str, args: dict[str, Any], detail: str) -> None:
        detail = detail.replace(str(ROOT), "<repo>")  # reports must not carry machine paths
        super().__init__(f"{target}({args}) failed: {detail}")
        self.target = target
        self.args_ = args
        self.detail = detail


def run_isolated(target: str, args: dict[str, Any]) -> Any:
    """Call ``target`` (``"module:function"``) with keyword ``args`` in a fresh process.

    Returns the function's JSON-decoded result. Raises :class:`IsolatedError` when the child
    exits non-zero, prints no JSON or runs past :data:`TIMEOUT_SECONDS`.
    """
    cmd = [sys.executable, "-m", "benchmarks.isolate", target, json.dumps(args)]
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise IsolatedError(target, args, f"timed out after {TIMEOUT_SECONDS:g} s") from None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-5:]
        raise IsolatedError(target, args, f"exit code {proc.returncode}: " + " | ".join(tail))
    return json.loads(lines[-1])


def main(argv: list[str]) -> None:
    """Child side: ``TARGET JSON_ARGS``; prints the result as one JSON line and exits at once.

    The exit skips interpreter teardown (``os._exit``): freeing a million-task heap object by
    object takes seconds and measures nothing.
    """
    target, raw_args = argv
    module_name, _, func_name = target.partition(":")
    func = getattr(importlib.import_module(module_name), func_name)
    result = func(**json.loads(raw_args))
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
