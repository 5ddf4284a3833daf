"""``Dag.lastExecution``: each DAG's newest execution, batched over a page of DAGs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from open_backend.auth.principal import Authenticated
from open_backend.db.models import Execution, ExecutionStatus
from open_backend.executions import service

if TYPE_CHECKING:
    from conftest import Api

CREATE = """
mutation Create($input: CreateDagInput!) {
  createDag(input: $input) { dag { id } version { id } }
}
"""

LAST = """
query Last($id: ID!) {
  dag(id: $id) { lastExecution { id dagId status createdAt } }
}
"""

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def create_dag(api: Api, caller: Authenticated, name: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A new DAG of one ``noop`` node: its id and its version 1's id."""
    definition = {
        "schema_version": 1,
        "name": name,
        "nodes": [{"id": "a", "task": {"type": "noop", "config": {}}}],
    }
    created = (await api.run(CREATE, caller, input={"name": name, "definition": definition})).ok()[
        "createDag"
    ]
    return uuid.UUID(created["dag"]["id"]), uuid.UUID(created["version"]["id"])


async def add_execution(
    api: Api,
    caller: Authenticated,
    dag: tuple[uuid.UUID, uuid.UUID],
    created_at: datetime,
    status: ExecutionStatus = ExecutionStatus.SUCCEEDED,
) -> Execution:
    assert caller.principal is not None
    row = Execution(
        organization_id=caller.principal.organization_id,
        dag_id=dag[0],
        dag_version_id=dag[1],
        status=status,
        created_at=created_at,
    )
    api.session.add(row)
    await api.session.flush()
    return row


async def last_of(api: Api, caller: Authenticated, dag_id: uuid.UUID) -> dict[str, Any] | None:
    last: dict[str, Any] | None = (await api.run(LAST, caller, id=str(dag_id))).ok()["dag"]["lastExecution"]
    return last


async def test_a_dag_never_run_has_no_last_execution(api: Api) -> None:
    editor = await api.member()
    dag = await create_dag(api, editor, "never-run")
    assert await last_of(api, editor, dag[0]) is None


async def test_the_last_execution_is_the_newest_of_that_dag(api: Api) -> None:
    editor = await api.member()
    dag = await create_dag(api, editor, "etl")
    other = await create_dag(api, editor, "other")
    await add_execution(api, editor, dag, T0)
    newest = await add_execution(api, editor, dag, T0 + timedelta(minutes=2), ExecutionStatus.FAILED)
    await add_execution(api, editor, dag, T0 + timedelta(minutes=1))
    await add_execution(api, editor, other, T0 + timedelta(minutes=5))
    last = await last_of(api, editor, dag[0])
    assert last == {
        "id": str(newest.id),
        "dagId": str(dag[0]),
        "status": "FAILED",
        "createdAt": (T0 + timedelta(minutes=2)).isoformat(),
    }


async def test_a_tie_on_creation_time_is_broken_as_the_executions_list_does(api: Api) -> None:
    editor = await api.member()
    dag = await create_dag(api, editor, "tied")
    for _ in range(4):
        await add_execution(api, editor, dag, T0)
    query = "query($d: ID!) { executions(dagId: $d, first: 1) { nodes { id } } }"
    [first] = (await api.run(query, editor, d=str(dag[0]))).ok()["executions"]["nodes"]
    last = await last_of(api, editor, dag[0])
    assert last is not None
    assert last["id"] == first["id"]


async def test_the_last_executions_of_a_page_cost_one_query(api: Api) -> None:
    editor = await api.member()
    expected: dict[str, str | None] = {}
    for i in range(6):
        dag = await create_dag(api, editor, f"dag-{i}")
        newest: Execution | None = None
        for minute in range(i % 3):  # DAGs with 0, 1 and 2 executions
            newest = await add_execution(api, editor, dag, T0 + timedelta(minutes=minute))
        expected[f"dag-{i}"] = None if newest is None else str(newest.id)
    async with api.recorded_statements() as statements:
        page = (await api.run("{ dags(first: 10) { nodes { name lastExecution { id } } } }", editor)).ok()
    found = {
        node["name"]: None if node["lastExecution"] is None else node["lastExecution"]["id"]
        for node in page["dags"]["nodes"]
    }
    assert found == expected
    assert len([s for s in statements if "FROM executions" in s]) == 1


async def test_the_batched_lookup_ignores_dags_of_another_organization(api: Api) -> None:
    editor = await api.member()
    dag = await create_dag(api, editor, "theirs")
    await add_execution(api, editor, dag, T0)
    outsider = await api.member()
    assert outsider.principal is not None and editor.principal is not None
    assert await service.latest_executions(api.session, outsider.principal, [dag[0]]) == {}
    assert list(await service.latest_executions(api.session, editor.principal, [dag[0]])) == [dag[0]]


async def test_the_batched_lookup_of_no_dags_runs_no_query(api: Api) -> None:
    editor = await api.member()
    assert editor.principal is not None
    async with api.recorded_statements() as statements:
        assert await service.latest_executions(api.session, editor.principal, []) == {}
    assert statements == []
