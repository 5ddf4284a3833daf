"""The shared set-up of the API benchmarks: a fresh database, the app, and a signed-in owner.

:func:`signed_in_app` creates a temporary database on the PostgreSQL server of
``OPEN_BENCH_POSTGRES_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``;
its role must be allowed to create databases), migrates it, runs the app's lifespan, signs one
user up (the owner of its personal organization) and yields an HTTP client that talks to the
app in-process through ``httpx.ASGITransport``: the whole stack but no network. The database is
dropped at the end, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Final

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.isolate import IsolatedError, run_isolated
from benchmarks.report import NONE, Section, Table

#: The PostgreSQL server to create the temporary database on, and its default.
SERVER_URL_VARIABLE: Final = "OPEN_BENCH_POSTGRES_URL"
DEFAULT_SERVER_URL: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True, slots=True)
class ApiSession:
    """A running app and a client signed in as the owner of organization ``organization_id``."""

    app: Any
    client: httpx.AsyncClient
    headers: dict[str, str]
    user_id: str
    organization_id: str


async def admin(url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE) on the server at ``url``."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


async def drop_database(server_url: str, name: str) -> None:
    """Drop database ``name`` of the server at ``server_url``, ending its sessions first."""
    await admin(
        server_url,
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
        "AND pid <> pg_backend_pid()",
    )
    await admin(server_url, f'DROP DATABASE IF EXISTS "{name}"')


async def post(client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    """POST a GraphQL operation; its ``data``. Raises ``RuntimeError`` on any error."""
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    answer = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise RuntimeError(f"request failed: {response.status_code} {answer}")
    return answer["data"]


async def timed(client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> float:
    """Seconds one :func:`post` takes (``time.perf_counter``)."""
    t0 = time.perf_counter()
    await post(client, headers, query, **variables)
    return time.perf_counter() - t0


@contextlib.asynccontextmanager
async def signed_in_app(server_url: str) -> AsyncIterator[ApiSession]:
    """See the module docstring."""
    from open_backend.app import create_app
    from open_backend.db.migrate import upgrade_database
    from open_backend.settings import Environment, Settings

    name = f"open_bench_{uuid.uuid4().hex[:12]}"
    await admin(server_url, f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await upgrade_database(url)
        app = create_app(Settings(env=Environment.TEST, database_url=url))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:
                signed_up = await post(
                    client,
                    {},
                    "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken user { id } } }",
                    i={
                        "email": f"bench-{uuid.uuid4().hex[:8]}@example.org",
                        "password": "x" * 16,
                        "name": "b",
                    },
                )
                headers = {"Authorization": f"Bearer {signed_up['signUp']['accessToken']}"}
                me = await post(client, headers, "{ me { activeOrganizationId } }")
                yield ApiSession(
                    app, client, headers, signed_up["signUp"]["user"]["id"], me["me"]["activeOrganizationId"]
                )
    finally:
        await drop_database(server_url, name)


def latency_section(
    name: str, title: str, method: str, measure: str, requests: int, targets_ms: dict[str, float]
) -> Section:
    """Run ``measure`` (``"module:function"``, returning seconds per request by operation) in a
    fresh process and report median, p95 and max per operation against its median target (ms)."""
    server_url = os.environ.get(SERVER_URL_VARIABLE) or DEFAULT_SERVER_URL
    table = Table(
        f"{title} through the ASGI app, PostgreSQL (ms)",
        ("operation", "requests", "median", "p95", "max", "target (median)", "met"),
    )
    print(f"  {name}: {requests} requests per operation ...", file=sys.stderr, flush=True)
    try:
        times = run_isolated(measure, {"server_url": server_url, "requests": requests})
    except IsolatedError as exc:
        table.error(str(exc).replace(server_url, f"${SERVER_URL_VARIABLE}"))
        for operation, target in targets_ms.items():
            table.add(operation, str(requests), "error", "error", "error", f"<= {target:g}", NONE)
        return Section(name, title, method, [table])
    for operation, target in targets_ms.items():
        samples = sorted(times[operation])
        median_ms = statistics.median(samples) * 1e3
        p95_ms = samples[min(len(samples) - 1, int(len(samples) * 0.95))] * 1e3
        verdict = table.judge(
            f"{operation} median {median_ms:.1f} ms (target <= {target:g} ms)", median_ms <= target
        )
        table.add(
            operation,
            str(len(samples)),
            f"{median_ms:.1f}",
            f"{p95_ms:.1f}",
            f"{samples[-1] * 1e3:.1f}",
            f"<= {target:g}",
            verdict,
        )
    return Section(name, title, method, [table])
