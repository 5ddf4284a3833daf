"""The authorization matrix: tenants never see or touch each other's objects, and roles bound writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from sqlmodel import col, select

from open_backend.auth.principal import Authenticated, Identity
from open_backend.db.models import ApiKey, Dag, Membership, Organization, Role

if TYPE_CHECKING:
    from conftest import Api

CREATE_DAG = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }"
CREATE_KEY = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }"


@dataclass
class Tenant:
    """An organization with a member of each role, a DAG and an API key."""

    organization_id: str
    callers: dict[Role, Authenticated]
    dag_id: str
    key_id: str
    member_id: str  # a user who is an editor here


async def tenant(api: Api, make_definition: Any) -> Tenant:
    organization = await api.organization()
    callers = {role: await api.member(organization, role) for role in Role}
    dag = await api.run(
        CREATE_DAG, callers[Role.EDITOR], i={"name": "etl", "definition": make_definition(("a", "b"))}
    )
    key = await api.run(CREATE_KEY, callers[Role.ADMIN], i={"name": "ci", "role": "VIEWER"})
    editor_id = callers[Role.EDITOR].identity.user_id
    return Tenant(
        organization_id=str(organization.id),
        callers=callers,
        dag_id=dag.ok()["createDag"]["dag"]["id"],
        key_id=key.ok()["createApiKey"]["apiKey"]["id"],
        member_id=str(editor_id),
    )


def operations_on(target: Tenant, definition: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every operation naming one of ``target``'s objects by id."""
    dag, key, member = target.dag_id, target.key_id, target.member_id
    return {
        "dag": ("query($id: ID!) { dag(id: $id) { id } }", {"id": dag}),
        "dagVersion": ("query($id: ID!) { dagVersion(dagId: $id, version: 1) { id } }", {"id": dag}),
        "dagVersionDiff": (
            "query($id: ID!) { dagVersionDiff(dagId: $id, from: 1, to: 1) { from } }",
            {"id": dag},
        ),
        "updateDag": (
            "mutation($i: UpdateDagInput!) { updateDag(input: $i) { dag { id } } }",
            {"i": {"id": dag, "name": "stolen", "definition": definition}},
        ),
        "activateDag": ("mutation($id: ID!) { activateDag(input: {id: $id}) { id } }", {"id": dag}),
        "archiveDag": ("mutation($id: ID!) { archiveDag(id: $id) { id } }", {"id": dag}),
        "deleteDag": ("mutation($id: ID!) { deleteDag(id: $id) { deletedDagId } }", {"id": dag}),
        "revokeApiKey": ("mutation($id: ID!) { revokeApiKey(id: $id) { id } }", {"id": key}),
        "changeMemberRole": (
            "mutation($i: ChangeMemberRoleInput!) { changeMemberRole(input: $i) { id } }",
            {"i": {"userId": member, "role": "VIEWER"}},
        ),
        "removeMember": (
            "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { id } }",
            {"i": {"userId": member}},
        ),
    }


OPERATIONS = list(operations_on(Tenant("", {}, "", "", ""), {}))


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_an_owner_of_another_organization_gets_not_found(
    api: Api, make_definition: Any, operation: str
) -> None:
    mine, theirs = await tenant(api, make_definition), await tenant(api, make_definition)
    query, variables = operations_on(theirs, make_definition(("x", "y")))[operation]
    result = await api.run(query, mine.callers[Role.OWNER], **variables)
    assert result.codes == ["NOT_FOUND"]
    assert result.data is None


async def test_attempts_on_another_organization_leave_its_objects_untouched(
    api: Api, make_definition: Any
) -> None:
    mine, theirs = await tenant(api, make_definition), await tenant(api, make_definition)
    for query, variables in operations_on(theirs, make_definition(("x", "y"))).values():
        await api.run(query, mine.callers[Role.OWNER], **variables)
    session, organization_id = api.session, uuid.UUID(theirs.organization_id)
    dag = (await session.exec(select(Dag).where(col(Dag.organization_id) == organization_id))).one()
    key = (await session.exec(select(ApiKey).where(col(ApiKey.organization_id) == organization_id))).one()
    membership = (
        await session.exec(select(Membership).where(col(Membership.user_id) == uuid.UUID(theirs.member_id)))
    ).one()
    assert (dag.name, dag.deleted_at, dag.status.value) == ("etl", None, "draft")
    assert key.revoked_at is None
    assert membership.role is Role.EDITOR


async def test_an_api_key_of_another_organization_gets_not_found(api: Api, make_definition: Any) -> None:
    mine, theirs = await tenant(api, make_definition), await tenant(api, make_definition)
    key = await api.api_key(
        await api.session.get_one(Organization, uuid.UUID(mine.organization_id)), Role.OWNER
    )
    for name in ("dag", "dagVersion", "updateDag", "deleteDag"):
        query, variables = operations_on(theirs, make_definition())[name]
        assert (await api.run(query, key, **variables)).codes == ["NOT_FOUND"], name


LISTINGS = {
    "dags": ("{ dags(first: 100) { nodes { id } } }", lambda data: [n["id"] for n in data["dags"]["nodes"]]),
    "members": (
        "{ members(first: 100) { nodes { user { id } } } }",
        lambda data: [n["user"]["id"] for n in data["members"]["nodes"]],
    ),
    "apiKeys": ("{ apiKeys { id } }", lambda data: [k["id"] for k in data["apiKeys"]]),
    "organizations": ("{ organizations { id } }", lambda data: [o["id"] for o in data["organizations"]]),
}


@pytest.mark.parametrize("listing", list(LISTINGS))
async def test_listings_never_show_another_organizations_objects(
    api: Api, make_definition: Any, listing: str
) -> None:
    mine, theirs = await tenant(api, make_definition), await tenant(api, make_definition)
    query, ids_of = LISTINGS[listing]
    ids = ids_of((await api.run(query, mine.callers[Role.OWNER])).ok())
    foreign = {theirs.organization_id, theirs.dag_id, theirs.key_id, theirs.member_id} | {
        str(caller.identity.user_id) for caller in theirs.callers.values()
    }
    assert ids, "the caller's own objects are listed"
    assert not foreign & set(ids)


WRITES = ["updateDag", "activateDag", "archiveDag", "deleteDag"]


@pytest.mark.parametrize("operation", [*WRITES, "createDag"])
async def test_a_viewer_cannot_write_dags(api: Api, make_definition: Any, operation: str) -> None:
    mine = await tenant(api, make_definition)
    if operation == "createDag":
        query, variables = CREATE_DAG, {"i": {"name": "new", "definition": make_definition()}}
    else:
        query, variables = operations_on(mine, make_definition(("x", "y")))[operation]
    result = await api.run(query, mine.callers[Role.VIEWER], **variables)
    assert result.codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "operation",
    ["changeMemberRole", "removeMember", "revokeApiKey", "inviteMember", "createApiKey", "apiKeys"],
)
async def test_an_editor_cannot_manage_members_or_keys(
    api: Api, make_definition: Any, operation: str
) -> None:
    mine = await tenant(api, make_definition)
    others = {
        "inviteMember": (
            "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }",
            {"i": {"email": (await api.user()).email, "role": "VIEWER"}},
        ),
        "createApiKey": (CREATE_KEY, {"i": {"name": "mine", "role": "VIEWER"}}),
        "apiKeys": ("{ apiKeys { id } }", {}),
    }
    viewer_id = str(mine.callers[Role.VIEWER].identity.user_id)
    target = Tenant(mine.organization_id, mine.callers, mine.dag_id, mine.key_id, viewer_id)
    query, variables = {**operations_on(target, make_definition()), **others}[operation]
    result = await api.run(query, mine.callers[Role.EDITOR], **variables)
    assert result.codes == ["FORBIDDEN"]


async def test_an_editor_writes_dags(api: Api, make_definition: Any) -> None:
    mine = await tenant(api, make_definition)
    for operation in WRITES:
        query, variables = operations_on(mine, make_definition(("x", "y")))[operation]
        assert not (await api.run(query, mine.callers[Role.EDITOR], **variables)).errors, operation


async def test_a_user_without_organization_is_forbidden_org_scoped_fields(api: Api) -> None:
    user = await api.user()
    lonely = Authenticated(Identity(user_id=user.id), None)
    assert (await api.run("{ dags { totalCount } }", lonely)).codes == ["FORBIDDEN"]
    assert (await api.run("{ organizations { id } }", lonely)).ok() == {"organizations": []}
