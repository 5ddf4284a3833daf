"""Backend API latency: GraphQL operations through the ASGI app on a real PostgreSQL database.

One fresh process creates a temporary database on the server of ``OPEN_BENCH_POSTGRES_URL``
(default ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``; its role must be allowed to
create databases), migrates it, starts the app's lifespan and sends requests in-process through
``httpx.ASGITransport``: the whole stack (HTTP parsing, authentication with a JWT, GraphQL,
services, SQL, commit) but no network. The database is dropped at the end.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Final

from benchmarks.api_harness import (
    DEFAULT_SERVER_URL,
    SERVER_URL_VARIABLE,
    latency_section,
    post,
    signed_in_app,
    timed,
)
from benchmarks.report import Section, count_label

#: Requests per operation (after a warm-up of :data:`WARMUP` requests), full run and ``--quick``.
FULL_REQUESTS: Final = 200
QUICK_REQUESTS: Final = 40
WARMUP: Final = 20

#: DAGs in the organization when the first page of ``dags`` is timed.
LISTED_DAGS: Final = 1_000

#: Nodes of the definitions created and updated (a chain of ``noop`` tasks).
DEFINITION_NODES: Final = 10

#: Median latency targets, milliseconds.
TARGETS_MS: Final = {"createDag": 15.0, "updateDag": 15.0, "dags": 50.0}

CREATE: Final = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } version { version } } }"
UPDATE: Final = "mutation($i: UpdateDagInput!) { updateDag(input: $i) { version { version } } }"
LIST: Final = """
query { dags(first: 20) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id name status updatedAt latestVersion { version contentHash } } }
} }
"""


def definition(name: str, variant: int = 0) -> dict[str, Any]:
    """A chain of :data:`DEFINITION_NODES` ``noop`` nodes; ``variant`` changes its content hash."""
    nodes = [
        {
            "id": f"n{i:02d}",
            "task": {"type": "noop", "config": {"result": variant if i == 0 else i}},
            "depends_on": [f"n{i - 1:02d}"] if i else [],
        }
        for i in range(DEFINITION_NODES)
    ]
    return {"schema_version": 1, "name": name, "nodes": nodes}


async def _seed(app: Any, user_id: str, organization_id: str, count: int) -> None:
    """Create ``count`` DAGs directly through the service, in one transaction."""
    from open_backend.auth.principal import Identity, Principal
    from open_backend.db.models import Role
    from open_backend.db.types import utcnow
    from open_backend.services import dags

    principal = Principal(Identity(user_id=uuid.UUID(user_id)), uuid.UUID(organization_id), Role.OWNER)
    limits = dags.DefinitionLimits(max_bytes=1 << 20, max_nodes=100)
    async with app.state.sessions() as session:
        for i in range(count):
            now = utcnow()
            await dags.create_dag(
                session,
                principal,
                name=f"seeded-{i:04d}",
                description="",
                definition=definition(f"seeded-{i:04d}"),
                message="",
                limits=limits,
                now=now,
            )
        await session.commit()


async def _measure(server_url: str, requests: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"createDag": [], "updateDag": [], "dags": []}
    async with signed_in_app(server_url) as api:
        client, headers = api.client, api.headers
        for i in range(WARMUP + requests):
            elapsed = await timed(client, headers, CREATE, i={"name": f"d{i}", "definition": definition("d")})
            if i >= WARMUP:
                times["createDag"].append(elapsed)
        target = await post(client, headers, CREATE, i={"name": "target", "definition": definition("t")})
        dag_id = target["createDag"]["dag"]["id"]
        for i in range(WARMUP + requests):
            update = {"id": dag_id, "definition": definition("t", variant=i + 1), "message": str(i)}
            elapsed = await timed(client, headers, UPDATE, i=update)
            if i >= WARMUP:
                times["updateDag"].append(elapsed)
        existing = WARMUP + requests + 1
        await _seed(api.app, api.user_id, api.organization_id, max(0, LISTED_DAGS - existing))
        listed = await post(client, headers, LIST)
        if listed["dags"]["totalCount"] < LISTED_DAGS:
            raise RuntimeError(f"expected {LISTED_DAGS} DAGs, found {listed['dags']['totalCount']}")
        for i in range(WARMUP + requests):
            elapsed = await timed(client, headers, LIST)
            if i >= WARMUP:
                times["dags"].append(elapsed)
    return times


def measure(server_url: str, requests: int) -> dict[str, list[float]]:
    """Child side: ``{"createDag": [s, ...], "updateDag": [...], "dags": [...]}``, seconds per request."""
    return asyncio.run(_measure(server_url, requests))


def _method(requests: int) -> str:
    return f"""
Each request goes through the whole backend in-process: `httpx.ASGITransport` into the Starlette
app (lifespan started), JWT authentication and the membership lookup, Strawberry, the services,
SQL on a fresh PostgreSQL database (server from `{SERVER_URL_VARIABLE}`, default
`{DEFAULT_SERVER_URL}`) and the commit. No network. One signed-up user (owner of its
organization) sends every request, one at a time.

- **createDag**: a new DAG whose definition is a {DEFINITION_NODES}-node chain of `noop` tasks.
- **updateDag**: a new definition of one DAG each time, so every request creates the next version.
- **dags**: the first page (`first: 20`, with `totalCount` and each DAG's latest version) of an
  organization holding {count_label(LISTED_DAGS)} DAGs.

{WARMUP} untimed warm-up requests, then {requests} timed ones per operation; wall time per
request with `time.perf_counter`. Targets on the median: createDag and updateDag <=
{TARGETS_MS["createDag"]:g} ms, dags <= {TARGETS_MS["dags"]:g} ms.
"""


def run(quick: bool) -> Section:
    """Measure in a fresh process; one table, a target per operation."""
    requests = QUICK_REQUESTS if quick else FULL_REQUESTS
    return latency_section(
        "backend_api",
        "Backend API latency",
        _method(requests),
        "benchmarks.backend_api:measure",
        requests,
        TARGETS_MS,
    )
