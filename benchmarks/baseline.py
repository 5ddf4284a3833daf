"""The raw-asyncio baseline: the least a DAG can cost on asyncio, with no engine at all.

One task per node, all created up front; a node's task awaits its upstream nodes' futures,
awaits the trivial coroutine and sets its own future. No events, no state, no retries, no
validation: the engine's numbers are read against these.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

AsyncTask = Callable[..., Coroutine[Any, Any, None]]


async def _node(fn: AsyncTask, upstream: list[asyncio.Future[None]], own: asyncio.Future[None]) -> None:
    for fut in upstream:
        await fut
    await fn()
    own.set_result(None)


async def run_dag(upstream: Sequence[Sequence[int]], fn: AsyncTask) -> None:
    """Run a DAG given as upstream index lists (``upstream[i]``: nodes ``i`` waits for).

    Returns when every node has run ``fn()``; an exception in ``fn`` propagates.
    """
    loop = asyncio.get_running_loop()
    futures: list[asyncio.Future[None]] = [loop.create_future() for _ in upstream]
    tasks = [
        loop.create_task(_node(fn, [futures[u] for u in ups], futures[i])) for i, ups in enumerate(upstream)
    ]
    for task in tasks:
        await task


async def start_waiters(n: int, fn: AsyncTask) -> list[asyncio.Task[None]]:
    """Start ``n`` tasks running ``fn()`` (e.g. each awaiting one shared event) and return them."""
    loop = asyncio.get_running_loop()
    return [loop.create_task(fn()) for _ in range(n)]
