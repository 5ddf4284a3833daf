"""Task callables that block, for the worker processes of ``test_blocking_tasks.py``.

The tests put this folder on the workers' ``PYTHONPATH`` and allow the module with
``OPEN_ALLOWED_CALLABLE_MODULES=blocking_callables``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def block(seconds: float) -> str:
    """Block the calling thread for ``seconds`` (``time.sleep``, no ``await``)."""
    time.sleep(seconds)
    return "woke up"


def pid_and_sleep(marker: str, seconds: float) -> int:
    """Write this process's pid to the file ``marker``, then block for ``seconds``."""
    Path(marker).write_text(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()


def block_first_time(marker: str, seconds: float) -> int:
    """Like :func:`pid_and_sleep` the first time; once ``marker`` exists, return the pid at once."""
    if Path(marker).exists():
        return os.getpid()
    return pid_and_sleep(marker, seconds)
