"""The browser tests (e2e/run.mjs: playwright-core driving Debian's headless Chromium) against
the real stack: sign-up, API keys with the CLI, organization isolation, the editor (a DAG drawn
with the mouse, saved and run), the live monitor with retry and cancel. The Node runner prints
one line per scenario; any failure fails this test with its whole output (screenshots are in
e2e/artifacts/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from .conftest import ROOT, Stack  # type: ignore[import-not-found]

#: Where the browser is; Debian's package installs it here (`apt-get install -y chromium`).
CHROMIUM: Final = os.environ.get("OPEN_E2E_CHROMIUM", "/usr/bin/chromium")

#: Seconds the whole browser run may take.
RUN_TIMEOUT_S: Final = 600


def test_every_browser_scenario_passes_against_the_real_stack(stack: Stack) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (20.19 or later) must be installed to run the browser tests")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set OPEN_E2E_CHROMIUM)")
    openctl = [sys.executable, "-c", "from open_backend.cli import main; main()"]
    env = {
        **os.environ,
        "OPEN_E2E_BASE_URL": stack.base_url,
        "OPEN_E2E_CHROMIUM": CHROMIUM,
        "OPEN_E2E_OPENCTL": json.dumps(openctl),
    }
    try:
        run = subprocess.run(
            [node, str(ROOT / "e2e" / "run.mjs")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        output = f"{exc.stdout!s}\n{exc.stderr!s}"
        pytest.fail(f"the browser run took over {RUN_TIMEOUT_S} s:\n{output}\n{stack.logs()}")
    print(run.stdout)
    assert run.returncode == 0, f"browser scenarios failed:\n{run.stdout}\n{run.stderr}\n{stack.logs()}"
    assert "0 failed" in run.stdout
