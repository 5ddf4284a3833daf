from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core_engine import DAG
from open_backend.db.models import Role

if TYPE_CHECKING:
    from conftest import Api

CREATE = """
mutation Create($input: CreateDagInput!) {
  createDag(input: $input) {
    dag { id name description status activeVersion { version } latestVersion { version } }
    version { id version contentHash message nodeCount definition createdBy { id } }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateDagInput!) {
  updateDag(input: $input) {
    dag { id name description latestVersion { version } }
    version { version message }
  }
}
"""

DAG_QUERY = """
query Dag($id: ID!) {
  dag(id: $id) {
    id name status
    activeVersion { version }
    latestVersion { version contentHash }
    versions(first: 10) { totalCount edges { node { version message } } pageInfo { hasNextPage } }
  }
}
"""

DAGS_QUERY = """
query Dags($first: Int, $after: String, $search: String, $status: DagStatus) {
  dags(first: $first, after: $after, search: $search, status: $status) {
    totalCount
    edges { cursor node { name latestVersion { version } } }
    nodes { name }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def create(api: Api, caller: Any, name: str = "etl", **fields: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {"name": name, "definition": fields.pop("definition", None), **fields}
    if variables["definition"] is None:
        variables["definition"] = {
            "schema_version": 1,
            "name": name,
            "nodes": [{"id": "a", "task": {"type": "noop", "config": {}}}],
        }
    result: dict[str, Any] = (await api.run(CREATE, caller, input=variables)).ok()["createDag"]
    return result


async def test_create_dag_returns_a_draft_with_version_1(api: Api, make_definition: Any) -> None:
    editor = await api.member()
    raw = make_definition(("a", "b"))
    created = await create(api, editor, definition=raw, description="nightly", message="first")
    built = DAG.from_dict(raw)
    assert created["dag"]["status"] == "DRAFT"
    assert (created["dag"]["activeVersion"], created["dag"]["latestVersion"]) == (None, {"version": 1})
    assert created["version"]["contentHash"] == built.content_hash
    assert created["version"]["definition"] == built.to_dict()
    assert (created["version"]["nodeCount"], created["version"]["message"]) == (2, "first")
    assert created["version"]["createdBy"] == {"id": str(editor.identity.user_id)}


async def test_an_invalid_definition_fails_with_per_node_issues(api: Api, make_definition: Any) -> None:
    broken = make_definition(("a", "b"))
    broken["nodes"][1]["depends_on"] = ["nope"]
    result = await api.run(CREATE, await api.member(), input={"name": "etl", "definition": broken})
    [error] = result.errors
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    [issue] = error["extensions"]["details"]["issues"]
    assert (issue["code"], issue["node_id"], issue["field"]) == ("unknown_dependency", "b", "depends_on")
    assert result.data is None


async def test_a_definition_over_the_node_limit_is_refused(api: Api, make_definition: Any) -> None:
    limit = api.settings.max_dag_nodes
    big = make_definition(nodes=tuple(f"n{i}" for i in range(limit + 1)))
    result = await api.run(CREATE, await api.member(), input={"name": "etl", "definition": big})
    assert result.codes == ["VALIDATION_FAILED"]
    assert result.errors[0]["extensions"]["details"]["issues"][0]["code"] == "too_many_nodes"


async def test_a_definition_over_the_byte_limit_is_refused(api: Api, make_definition: Any) -> None:
    big = make_definition()
    big["description"] = "x" * api.settings.max_definition_bytes
    result = await api.run(CREATE, await api.member(), input={"name": "etl", "definition": big})
    assert result.errors[0]["extensions"]["details"]["issues"][0]["code"] == "definition_too_large"


async def test_a_taken_name_is_a_conflict(api: Api) -> None:
    editor = await api.member()
    await create(api, editor, name="etl")
    valid = {"schema_version": 1, "name": "etl", "nodes": []}
    result = await api.run(CREATE, editor, input={"name": "etl", "definition": valid})
    assert result.codes == ["CONFLICT"]
    assert result.errors[0]["extensions"]["details"] == {"field": "name"}


async def test_update_with_a_new_definition_creates_the_next_version(api: Api, make_definition: Any) -> None:
    editor = await api.member()
    created = await create(api, editor)
    changed = await api.run(
        UPDATE,
        editor,
        input={"id": created["dag"]["id"], "definition": make_definition(("a", "b")), "message": "b"},
    )
    payload = changed.ok()["updateDag"]
    assert payload["version"] == {"version": 2, "message": "b"}
    assert payload["dag"]["latestVersion"] == {"version": 2}


async def test_update_with_the_same_definition_creates_no_version(api: Api) -> None:
    editor = await api.member()
    created = await create(api, editor)
    same = created["version"]["definition"]
    payload = (await api.run(UPDATE, editor, input={"id": created["dag"]["id"], "definition": same})).ok()
    assert payload["updateDag"]["version"] is None
    assert payload["updateDag"]["dag"]["latestVersion"] == {"version": 1}


async def test_update_of_name_and_description_only(api: Api) -> None:
    editor = await api.member()
    created = await create(api, editor)
    payload = (
        await api.run(
            UPDATE, editor, input={"id": created["dag"]["id"], "name": "renamed", "description": "d"}
        )
    ).ok()["updateDag"]
    assert (payload["dag"]["name"], payload["dag"]["description"], payload["version"]) == (
        "renamed",
        "d",
        None,
    )


async def test_activate_archive_and_delete_change_the_status(api: Api) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor))["dag"]["id"]
    activated = await api.run(
        "mutation($id: ID!) { activateDag(input: {id: $id}) { status activeVersion { version } } }",
        editor,
        id=dag_id,
    )
    assert activated.ok()["activateDag"] == {"status": "ACTIVE", "activeVersion": {"version": 1}}
    archived = await api.run("mutation($id: ID!) { archiveDag(id: $id) { status } }", editor, id=dag_id)
    assert archived.ok()["archiveDag"] == {"status": "ARCHIVED"}
    deleted = await api.run("mutation($id: ID!) { deleteDag(id: $id) { deletedDagId } }", editor, id=dag_id)
    assert deleted.ok()["deleteDag"] == {"deletedDagId": dag_id}
    assert (await api.run(DAG_QUERY, editor, id=dag_id)).codes == ["NOT_FOUND"]


async def test_activating_a_missing_version_is_not_found(api: Api) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor))["dag"]["id"]
    result = await api.run(
        "mutation($id: ID!) { activateDag(input: {id: $id, version: 3}) { status } }", editor, id=dag_id
    )
    assert result.codes == ["NOT_FOUND"]


async def test_dag_query_shows_versions_newest_first(api: Api, make_definition: Any) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor, message="one"))["dag"]["id"]
    await api.run(
        UPDATE, editor, input={"id": dag_id, "definition": make_definition(("a", "b")), "message": "two"}
    )
    dag = (await api.run(DAG_QUERY, editor, id=dag_id)).ok()["dag"]
    assert [edge["node"] for edge in dag["versions"]["edges"]] == [
        {"version": 2, "message": "two"},
        {"version": 1, "message": "one"},
    ]
    assert (dag["versions"]["totalCount"], dag["versions"]["pageInfo"]["hasNextPage"]) == (2, False)


async def test_a_viewer_reads_the_dags_of_their_organization(api: Api) -> None:
    organization = await api.organization()
    dag_id = (await create(api, await api.member(organization)))["dag"]["id"]
    viewer = await api.member(organization, Role.VIEWER)
    assert (await api.run(DAG_QUERY, viewer, id=dag_id)).ok()["dag"]["id"] == dag_id


async def test_a_malformed_id_is_not_found(api: Api) -> None:
    assert (await api.run(DAG_QUERY, await api.member(), id="not-a-uuid")).codes == ["NOT_FOUND"]


async def test_dags_pages_through_the_list_by_name(api: Api) -> None:
    editor = await api.member()
    for name in ["c", "a", "e", "b", "d"]:
        await create(api, editor, name=name)
    first = (await api.run(DAGS_QUERY, editor, first=2)).ok()["dags"]
    second = (await api.run(DAGS_QUERY, editor, first=2, after=first["pageInfo"]["endCursor"])).ok()["dags"]
    third = (await api.run(DAGS_QUERY, editor, first=2, after=second["pageInfo"]["endCursor"])).ok()["dags"]
    assert [n["name"] for page in (first, second, third) for n in page["nodes"]] == ["a", "b", "c", "d", "e"]
    assert [p["pageInfo"]["hasNextPage"] for p in (first, second, third)] == [True, True, False]
    assert first["totalCount"] == 5
    assert first["edges"][1]["cursor"] == first["pageInfo"]["endCursor"]
    assert first["edges"][0]["node"]["latestVersion"] == {"version": 1}


async def test_dags_filters_by_search_and_status(api: Api) -> None:
    editor = await api.member()
    nightly = (await create(api, editor, name="Nightly load"))["dag"]["id"]
    await create(api, editor, name="hourly")
    await api.run("mutation($id: ID!) { activateDag(input: {id: $id}) { status } }", editor, id=nightly)
    by_search = (await api.run(DAGS_QUERY, editor, search="NIGHT")).ok()["dags"]
    by_status = (await api.run(DAGS_QUERY, editor, status="ACTIVE")).ok()["dags"]
    drafts = (await api.run(DAGS_QUERY, editor, status="DRAFT")).ok()["dags"]
    assert [n["name"] for n in by_search["nodes"]] == ["Nightly load"]
    assert [n["name"] for n in by_status["nodes"]] == ["Nightly load"]
    assert [n["name"] for n in drafts["nodes"]] == ["hourly"]


async def test_a_page_size_over_the_maximum_is_refused(api: Api) -> None:
    result = await api.run(DAGS_QUERY, await api.member(), first=101)
    assert result.codes == ["VALIDATION_FAILED"]
    assert result.errors[0]["extensions"]["details"] == {"field": "first"}


async def test_a_forged_cursor_is_refused(api: Api) -> None:
    result = await api.run(DAGS_QUERY, await api.member(), after="Zm9yZ2Vk")
    assert result.codes == ["VALIDATION_FAILED"]


async def test_dag_version_returns_one_version(api: Api) -> None:
    editor = await api.member()
    created = await create(api, editor)
    query = "query($d: ID!, $v: Int!) { dagVersion(dagId: $d, version: $v) { version contentHash dagId } }"
    version = (await api.run(query, editor, d=created["dag"]["id"], v=1)).ok()["dagVersion"]
    assert version == {
        "version": 1,
        "contentHash": created["version"]["contentHash"],
        "dagId": created["dag"]["id"],
    }
    assert (await api.run(query, editor, d=created["dag"]["id"], v=2)).codes == ["NOT_FOUND"]


DIFF = """
query($d: ID!, $from: Int!, $to: Int!) {
  dagVersionDiff(dagId: $d, from: $from, to: $to) {
    from to nodesAdded nodesRemoved
    nodesChanged { nodeId fields }
    edgesAdded { upstream downstream }
    edgesRemoved { upstream downstream }
    fieldsChanged
  }
}
"""


async def test_dag_version_diff_reports_nodes_edges_and_fields(api: Api, make_definition: Any) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor, definition=make_definition(("a", "b"))))["dag"]["id"]
    new = make_definition(("a", "c"), nodes=("a",))
    new["nodes"][0]["tags"] = ["core"]
    new["description"] = "v2"
    await api.run(UPDATE, editor, input={"id": dag_id, "definition": new})
    diff = (await api.run(DIFF, editor, d=dag_id, **{"from": 1, "to": 2})).ok()["dagVersionDiff"]
    assert diff == {
        "from": 1,
        "to": 2,
        "nodesAdded": ["c"],
        "nodesRemoved": ["b"],
        "nodesChanged": [{"nodeId": "a", "fields": ["tags"]}],
        "edgesAdded": [{"upstream": "a", "downstream": "c"}],
        "edgesRemoved": [{"upstream": "a", "downstream": "b"}],
        "fieldsChanged": ["description"],
    }


VALIDATE = """
mutation($definition: JSON!) {
  validateDefinition(definition: $definition) {
    valid contentHash nodeCount
    issues { code message nodeId field suggestion path }
  }
}
"""


async def test_validate_definition_returns_every_issue_and_saves_nothing(
    api: Api, make_definition: Any
) -> None:
    viewer = await api.member(role=Role.VIEWER)
    cyclic = make_definition(("a", "b"), ("b", "a"))
    result = (await api.run(VALIDATE, viewer, definition=cyclic)).ok()["validateDefinition"]
    assert (result["valid"], result["contentHash"], result["nodeCount"]) == (False, None, None)
    assert {issue["code"] for issue in result["issues"]} == {"cycle"}
    assert all(set(issue["path"]) == {"a", "b"} for issue in result["issues"])
    listed = (await api.run(DAGS_QUERY, viewer)).ok()["dags"]
    assert listed["totalCount"] == 0


async def test_validate_definition_of_a_valid_definition(api: Api, make_definition: Any) -> None:
    raw = make_definition(("a", "b"))
    result = (await api.run(VALIDATE, await api.member(), definition=raw)).ok()["validateDefinition"]
    assert result == {
        "valid": True,
        "contentHash": DAG.from_dict(raw).content_hash,
        "nodeCount": 2,
        "issues": [],
    }


async def test_validate_definition_needs_credentials(api: Api, make_definition: Any) -> None:
    result = await api.run(VALIDATE, None, definition=make_definition())
    assert result.codes == ["UNAUTHENTICATED"]


async def test_task_types_lists_the_builtin_types_with_their_config_schema(api: Api) -> None:
    query = "{ taskTypes { name description configSchema } }"
    types = (await api.run(query, await api.member(role=Role.VIEWER))).ok()["taskTypes"]
    assert [t["name"] for t in types] == ["command", "http", "noop", "python", "sleep"]
    [sleep] = [t for t in types if t["name"] == "sleep"]
    assert sleep["configSchema"]["required"] == ["seconds"]
    assert sleep["description"]


async def test_the_latest_versions_of_a_page_cost_one_query(api: Api) -> None:
    editor = await api.member()
    for i in range(5):
        await create(api, editor, name=f"dag-{i}")
    async with api.recorded_statements() as statements:
        page = (await api.run("{ dags { nodes { latestVersion { version } } } }", editor)).ok()
    assert [node["latestVersion"] for node in page["dags"]["nodes"]] == [{"version": 1}] * 5
    assert len([s for s in statements if "FROM dag_versions" in s]) == 1


LIMITED = """
mutation Update($input: UpdateDagInput!) {
  updateDag(input: $input) { dag { id maxConcurrentExecutions } }
}
"""


async def limit_of(api: Api, caller: Any, dag_id: str) -> int | None:
    query = "query Dag($id: ID!) { dag(id: $id) { maxConcurrentExecutions } }"
    limit: int | None = (await api.run(query, caller, id=dag_id)).ok()["dag"]["maxConcurrentExecutions"]
    return limit


async def test_create_dag_sets_max_concurrent_executions(api: Api) -> None:
    editor = await api.member()
    created = await create(api, editor, maxConcurrentExecutions=3)
    assert await limit_of(api, editor, created["dag"]["id"]) == 3


async def test_a_dag_created_without_a_limit_has_none(api: Api) -> None:
    editor = await api.member()
    created = await create(api, editor)
    assert await limit_of(api, editor, created["dag"]["id"]) is None


async def test_update_dag_changes_the_limit_and_null_clears_it(api: Api) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor, maxConcurrentExecutions=3))["dag"]["id"]
    changed = await api.run(LIMITED, editor, input={"id": dag_id, "maxConcurrentExecutions": 10_000})
    assert changed.ok()["updateDag"]["dag"]["maxConcurrentExecutions"] == 10_000
    cleared = await api.run(LIMITED, editor, input={"id": dag_id, "maxConcurrentExecutions": None})
    assert cleared.ok()["updateDag"]["dag"]["maxConcurrentExecutions"] is None
    assert await limit_of(api, editor, dag_id) is None


async def test_an_update_omitting_the_limit_keeps_it(api: Api) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor, maxConcurrentExecutions=2))["dag"]["id"]
    renamed = await api.run(LIMITED, editor, input={"id": dag_id, "name": "renamed"})
    assert renamed.ok()["updateDag"]["dag"]["maxConcurrentExecutions"] == 2


async def test_a_limit_outside_1_to_10000_is_refused_naming_the_field(api: Api) -> None:
    editor = await api.member()
    dag_id = (await create(api, editor, name="kept"))["dag"]["id"]
    valid = {"schema_version": 1, "name": "etl", "nodes": []}
    for bad in (0, -1, 10_001):
        refused = await api.run(
            CREATE, editor, input={"name": f"etl{bad}", "definition": valid, "maxConcurrentExecutions": bad}
        )
        assert refused.codes == ["VALIDATION_FAILED"], bad
        assert refused.errors[0]["extensions"]["details"]["field"] == "maxConcurrentExecutions"
        updated = await api.run(LIMITED, editor, input={"id": dag_id, "maxConcurrentExecutions": bad})
        assert updated.codes == ["VALIDATION_FAILED"], bad
        assert updated.errors[0]["extensions"]["details"]["field"] == "maxConcurrentExecutions"
    assert await limit_of(api, editor, dag_id) is None


async def test_a_viewer_cannot_set_the_limit(api: Api) -> None:
    organization = await api.organization()
    editor = await api.member(organization)
    dag_id = (await create(api, editor))["dag"]["id"]
    viewer = await api.member(organization, Role.VIEWER)
    refused = await api.run(LIMITED, viewer, input={"id": dag_id, "maxConcurrentExecutions": 1})
    assert refused.codes == ["FORBIDDEN"]
    assert await limit_of(api, editor, dag_id) is None
