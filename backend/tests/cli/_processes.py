"""``openctl`` as a real process: the console script installed next to the test's Python."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path


def openctl() -> str:
    """The path of the installed ``openctl`` script of this environment."""
    path = shutil.which("openctl", path=str(Path(sys.executable).parent))
    assert path is not None, "the openctl console script is not installed in this environment"
    return path


def process_env(**values: str | None) -> dict[str, str]:
    """This process's environment without any OPEN configuration, plus ``values`` (``None``
    leaves a variable out)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"} and not key.startswith("OPEN_")
    }
    env.update({key: value for key, value in values.items() if value is not None})
    return env


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
