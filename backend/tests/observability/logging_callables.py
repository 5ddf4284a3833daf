"""A task callable that logs, for the worker processes of ``test_logging.py``.

The tests put this folder on the workers' ``PYTHONPATH`` and allow the module with
``OPEN_ALLOWED_CALLABLE_MODULES=logging_callables``.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("open_test.task")


async def say(message: str) -> str:
    """Log ``message`` at WARNING from inside the run, and return it."""
    logger.warning(message)
    return message
