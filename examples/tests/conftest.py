"""Fixtures shared by the examples' tests."""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest


@pytest.fixture
def process_pool() -> Iterator[ProcessPoolExecutor]:
    """A two-process pool for ``run_in="process"`` nodes, shut down (waiting) after the test."""
    pool = ProcessPoolExecutor(2)
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)
