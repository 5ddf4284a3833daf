"""executeDag latency: request to response through the ASGI app on a real PostgreSQL database.

Like :mod:`benchmarks.backend_api` (same server variable, fresh database dropped at the end,
in-process HTTP through ``httpx.ASGITransport``), with the app's in-process executor on: each
timed ``executeDag`` creates and commits a queued execution and hands it to the executor, whose
runs of earlier requests go on in the background meanwhile. Only the request is timed, not the run.
"""

from __future__ import annotations

import asyncio
import time
from typing import Final

import httpx

from benchmarks.api_harness import (
    DEFAULT_SERVER_URL,
    SERVER_URL_VARIABLE,
    latency_section,
    post,
    signed_in_app,
    timed,
)
from benchmarks.backend_api import definition
from benchmarks.report import Section

#: Requests (after :data:`WARMUP` untimed ones), full run and ``--quick``.
FULL_REQUESTS: Final = 200
QUICK_REQUESTS: Final = 40
WARMUP: Final = 20

#: Median latency target of ``executeDag``, milliseconds.
TARGET_MS: Final = 20.0

#: Seconds to wait for the background runs to end before shutting down.
DRAIN_S: Final = 30.0

CREATE: Final = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
EXECUTE: Final = "mutation($i: ExecuteDagInput!) { executeDag(input: $i) { id status } }"
QUEUED: Final = "{ executions(first: 1, status: QUEUED) { totalCount } }"
RUNNING: Final = "{ executions(first: 1, status: RUNNING) { totalCount } }"


async def _drain(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    end = time.monotonic() + DRAIN_S
    while time.monotonic() < end:
        queued = (await post(client, headers, QUEUED))["executions"]["totalCount"]
        running = (await post(client, headers, RUNNING))["executions"]["totalCount"]
        if queued == running == 0:
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"executions still going after {DRAIN_S} s")


async def _measure(server_url: str, requests: int) -> list[float]:
    times: list[float] = []
    async with signed_in_app(server_url) as api:
        client, headers = api.client, api.headers
        created = await post(client, headers, CREATE, i={"name": "run", "definition": definition("run")})
        dag_id = created["createDag"]["dag"]["id"]
        for i in range(WARMUP + requests):
            elapsed = await timed(client, headers, EXECUTE, i={"dagId": dag_id})
            if i >= WARMUP:
                times.append(elapsed)
        await _drain(client, headers)
    return times


def measure(server_url: str, requests: int) -> dict[str, list[float]]:
    """Child side: ``{"executeDag": [s, ...]}``, seconds per request."""
    return {"executeDag": asyncio.run(_measure(server_url, requests))}


def _method(requests: int) -> str:
    return f"""
One signed-up user (owner of its organization) sends `executeDag` for a DAG of 10 chained `noop`
tasks, one request at a time, through the whole backend in-process (`httpx.ASGITransport`, JWT
authentication, Strawberry, parameter check, insert and commit, hand-off to the in-process
executor) on a fresh PostgreSQL database (server from `{SERVER_URL_VARIABLE}`, default
`{DEFAULT_SERVER_URL}`). The runs of earlier requests go on in the background meanwhile, writing
their events; only the request is timed. {WARMUP} untimed warm-up requests, then {requests} timed
ones; wall time with `time.perf_counter`. Target on the median: <= {TARGET_MS:g} ms.
"""


def run(quick: bool) -> Section:
    """Measure in a fresh process; one table with the ``executeDag`` target."""
    requests = QUICK_REQUESTS if quick else FULL_REQUESTS
    return latency_section(
        "executions_api",
        "Executions API latency",
        _method(requests),
        "benchmarks.executions_api:measure",
        requests,
        {"executeDag": TARGET_MS},
    )
