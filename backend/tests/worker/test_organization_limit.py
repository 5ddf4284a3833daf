"""An organization's ``max_concurrent_executions`` holds across its DAGs and worker processes."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from typing import TYPE_CHECKING

from open_backend.auth.principal import Identity, Principal
from open_backend.db.models import Dag, DagStatus, DagVersion, Organization, Role

from .conftest import definition, node

if TYPE_CHECKING:
    from .conftest import Platform


async def organization_with_dags(platform: Platform, limit: int, dags: int) -> tuple[Principal, list[Dag]]:
    """A new organization limited to ``limit`` running executions, with ``dags`` active DAGs
    that each sleep 0.4 s."""
    slug = f"org-{uuid.uuid4().hex[:12]}"
    made = []
    async with platform.sessions() as session:
        org = Organization(name=slug, slug=slug, max_concurrent_executions=limit)
        session.add(org)
        await session.flush()
        for n in range(dags):
            dag = Dag(organization_id=org.id, name=f"flow-{n}", status=DagStatus.ACTIVE)
            session.add(dag)
            await session.flush()
            raw = definition(node("nap", "sleep", seconds=0.4))
            version = DagVersion(dag_id=dag.id, version=1, definition=raw, content_hash="sha256:test")
            session.add(version)
            await session.flush()
            dag.active_version_id = version.id
            made.append(dag)
        await session.commit()
    return Principal(Identity(user_id=uuid.uuid4()), org.id, Role.EDITOR), made


async def test_an_organization_limited_to_one_never_runs_two_executions_at_once(platform: Platform) -> None:
    await asyncio.gather(platform.worker(), platform.worker())
    principal, dags = await organization_with_dags(platform, limit=1, dags=2)
    rows = [await platform.execute(principal, dag) for dag in (*dags, *dags)]  # two DAGs, two runs each
    seen_running: list[int] = []

    async def all_ended() -> bool:
        statuses = [(await platform.execution(row.id)).status.value for row in rows]
        seen_running.append(statuses.count("running"))
        return all(status == "succeeded" for status in statuses)

    await platform.until(all_ended, 30.0, "all four executions succeeded")
    assert max(seen_running) == 1
    spans = []
    for row in rows:
        ended = await platform.execution(row.id)
        assert ended.started_at is not None and ended.finished_at is not None
        spans.append((ended.started_at, ended.finished_at))
    spans.sort()
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans))
