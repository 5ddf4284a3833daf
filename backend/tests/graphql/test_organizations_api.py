from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from open_backend.db.models import Role

if TYPE_CHECKING:
    from conftest import Api

ME = """
{ me { user { id email name } activeOrganizationId
       memberships { role organization { id name slug role } } } }
"""

MEMBERS = """
query($first: Int, $after: String, $search: String, $role: Role) {
  members(first: $first, after: $after, search: $search, role: $role) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { role user { id email } }
  }
}
"""


async def test_me_returns_the_user_and_their_memberships(api: Api) -> None:
    first, second = await api.organization(), await api.organization()
    user = await api.user()
    caller = await api.join(user, first, Role.ADMIN)
    await api.join(user, second, Role.VIEWER)
    me = (await api.run(ME, caller)).ok()["me"]
    assert me["user"] == {"id": str(user.id), "email": user.email, "name": user.name}
    assert me["activeOrganizationId"] == str(first.id)
    assert {(m["organization"]["id"], m["role"]) for m in me["memberships"]} == {
        (str(first.id), "ADMIN"),
        (str(second.id), "VIEWER"),
    }
    assert all(m["organization"]["role"] == m["role"] for m in me["memberships"])


async def test_me_is_refused_to_an_api_key(api: Api) -> None:
    key = await api.api_key(await api.organization())
    assert (await api.run(ME, key)).codes == ["FORBIDDEN"]


async def test_me_without_credentials_is_unauthenticated(api: Api) -> None:
    assert (await api.run(ME)).codes == ["UNAUTHENTICATED"]


async def test_organizations_lists_the_callers_organizations_with_roles(api: Api) -> None:
    first, second = await api.organization(), await api.organization()
    await api.organization()  # not a member
    user = await api.user()
    caller = await api.join(user, first, Role.OWNER)
    await api.join(user, second, Role.EDITOR)
    listed = (await api.run("{ organizations { id role } }", caller)).ok()["organizations"]
    assert sorted((o["id"], o["role"]) for o in listed) == sorted(
        [(str(first.id), "OWNER"), (str(second.id), "EDITOR")]
    )


async def test_an_api_key_lists_only_its_organization(api: Api) -> None:
    organization = await api.organization()
    key = await api.api_key(organization, Role.VIEWER)
    listed = (await api.run("{ organizations { id role } }", key)).ok()["organizations"]
    assert listed == [{"id": str(organization.id), "role": "VIEWER"}]


async def test_create_organization_makes_the_caller_owner(api: Api) -> None:
    caller = await api.member()
    query = "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { name slug role } }"
    created = (await api.run(query, caller, i={"name": "Data Team", "slug": None})).ok()["createOrganization"]
    assert (created["name"], created["role"]) == ("Data Team", "OWNER")
    assert created["slug"].startswith("data-team")
    assert len((await api.run(ME, caller)).ok()["me"]["memberships"]) == 2


async def test_an_api_key_cannot_create_an_organization(api: Api) -> None:
    key = await api.api_key(await api.organization(), Role.OWNER)
    query = 'mutation { createOrganization(input: {name: "x"}) { id } }'
    assert (await api.run(query, key)).codes == ["FORBIDDEN"]


async def test_members_lists_and_filters_the_organizations_members(api: Api) -> None:
    organization = await api.organization()
    viewer = await api.member(organization, Role.VIEWER)
    for role in (Role.EDITOR, Role.EDITOR, Role.ADMIN):
        await api.member(organization, role)
    everyone = (await api.run(MEMBERS, viewer)).ok()["members"]
    editors = (await api.run(MEMBERS, viewer, role="EDITOR")).ok()["members"]
    page = (await api.run(MEMBERS, viewer, first=3)).ok()["members"]
    rest = (await api.run(MEMBERS, viewer, first=3, after=page["pageInfo"]["endCursor"])).ok()["members"]
    assert everyone["totalCount"] == 4
    assert [m["role"] for m in editors["nodes"]] == ["EDITOR", "EDITOR"]
    assert len(page["nodes"]) + len(rest["nodes"]) == 4
    assert (page["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)


async def test_members_search_matches_the_email(api: Api) -> None:
    organization = await api.organization()
    caller = await api.member(organization, Role.VIEWER)
    target = await api.user()
    await api.join(target, organization, Role.EDITOR)
    found = (await api.run(MEMBERS, caller, search=target.email.upper())).ok()["members"]
    assert [m["user"]["id"] for m in found["nodes"]] == [str(target.id)]


INVITE = "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { role user { id } } }"
CHANGE = "mutation($i: ChangeMemberRoleInput!) { changeMemberRole(input: $i) { role user { id } } }"
REMOVE = "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role user { id } } }"


async def test_an_admin_invites_changes_and_removes_a_member(api: Api) -> None:
    organization = await api.organization()
    admin = await api.member(organization, Role.ADMIN)
    invitee = await api.user()
    invited = (await api.run(INVITE, admin, i={"email": invitee.email, "role": "VIEWER"})).ok()[
        "inviteMember"
    ]
    assert invited == {"role": "VIEWER", "user": {"id": str(invitee.id)}}
    changed = (await api.run(CHANGE, admin, i={"userId": str(invitee.id), "role": "EDITOR"})).ok()
    assert changed["changeMemberRole"]["role"] == "EDITOR"
    removed = (await api.run(REMOVE, admin, i={"userId": str(invitee.id)})).ok()
    assert removed["removeMember"] == {"role": "EDITOR", "user": {"id": str(invitee.id)}}
    members = (await api.run(MEMBERS, admin)).ok()["members"]
    assert str(invitee.id) not in {m["user"]["id"] for m in members["nodes"]}


async def test_inviting_an_unknown_email_is_not_found(api: Api) -> None:
    admin = await api.member(role=Role.ADMIN)
    result = await api.run(INVITE, admin, i={"email": "nobody-here@example.org", "role": "VIEWER"})
    assert result.codes == ["NOT_FOUND"]


async def test_the_last_owner_cannot_be_demoted(api: Api) -> None:
    owner = await api.member(role=Role.OWNER)
    result = await api.run(CHANGE, owner, i={"userId": str(owner.identity.user_id), "role": "ADMIN"})
    assert result.codes == ["CONFLICT"]


async def test_an_admin_cannot_grant_the_owner_role(api: Api) -> None:
    organization = await api.organization()
    admin = await api.member(organization, Role.ADMIN)
    editor = await api.member(organization, Role.EDITOR)
    result = await api.run(CHANGE, admin, i={"userId": str(editor.identity.user_id), "role": "OWNER"})
    assert result.codes == ["FORBIDDEN"]


async def test_a_viewer_may_leave(api: Api) -> None:
    organization = await api.organization()
    await api.member(organization, Role.OWNER)
    viewer = await api.member(organization, Role.VIEWER)
    result = await api.run(REMOVE, viewer, i={"userId": str(viewer.identity.user_id)})
    assert result.ok()["removeMember"]["role"] == "VIEWER"


SET_LIMIT = """
mutation($limit: Int) {
  setMaxConcurrentExecutions(input: {maxConcurrentExecutions: $limit}) { id role maxConcurrentExecutions }
}
"""


async def test_an_admin_sets_the_concurrency_limit_and_members_read_it(api: Api) -> None:
    organization = await api.organization()
    admin = await api.member(organization, Role.ADMIN)
    viewer = await api.member(organization, Role.VIEWER)
    set_to = (await api.run(SET_LIMIT, admin, limit=3)).ok()["setMaxConcurrentExecutions"]
    assert set_to == {"id": str(organization.id), "role": "ADMIN", "maxConcurrentExecutions": 3}
    listed = (await api.run("{ organizations { id maxConcurrentExecutions } }", viewer)).ok()["organizations"]
    assert listed == [{"id": str(organization.id), "maxConcurrentExecutions": 3}]


async def test_an_owner_removes_the_concurrency_limit_with_null(api: Api) -> None:
    organization = await api.organization()
    owner = await api.member(organization, Role.OWNER)
    (await api.run(SET_LIMIT, owner, limit=1)).ok()
    cleared = (await api.run(SET_LIMIT, owner, limit=None)).ok()["setMaxConcurrentExecutions"]
    assert cleared["maxConcurrentExecutions"] is None
    listed = (await api.run("{ organizations { maxConcurrentExecutions } }", owner)).ok()["organizations"]
    assert listed == [{"maxConcurrentExecutions": None}]


async def test_a_new_organization_has_no_concurrency_limit(api: Api) -> None:
    caller = await api.member()
    listed = (await api.run("{ organizations { maxConcurrentExecutions } }", caller)).ok()["organizations"]
    assert listed == [{"maxConcurrentExecutions": None}]


async def test_an_editor_cannot_set_the_concurrency_limit(api: Api) -> None:
    organization = await api.organization()
    editor = await api.member(organization, Role.EDITOR)
    assert (await api.run(SET_LIMIT, editor, limit=2)).codes == ["FORBIDDEN"]
    key = await api.api_key(organization, Role.EDITOR)
    assert (await api.run(SET_LIMIT, key, limit=2)).codes == ["FORBIDDEN"]
    listed = (await api.run("{ organizations { maxConcurrentExecutions } }", editor)).ok()["organizations"]
    assert listed == [{"maxConcurrentExecutions": None}]


async def test_the_largest_concurrency_limit_is_accepted(api: Api) -> None:
    admin = await api.member(role=Role.ADMIN)
    result = (await api.run(SET_LIMIT, admin, limit=10_000)).ok()["setMaxConcurrentExecutions"]
    assert result["maxConcurrentExecutions"] == 10_000


@pytest.mark.parametrize("bad", [0, -1, 10_001])
async def test_a_concurrency_limit_outside_its_range_is_a_validation_error_naming_the_field(
    api: Api, bad: int
) -> None:
    admin = await api.member(role=Role.ADMIN)
    result = await api.run(SET_LIMIT, admin, limit=bad)
    assert result.codes == ["VALIDATION_FAILED"]
    assert result.errors[0]["extensions"]["details"]["field"] == "maxConcurrentExecutions"
    assert f"from 1 to 10000, got {bad}" in result.errors[0]["message"]
