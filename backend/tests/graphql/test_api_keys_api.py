from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from open_backend.auth.api_key_secret import ApiKeySecret
from open_backend.db.models import Role

if TYPE_CHECKING:
    from conftest import Api

CREATE = """
mutation($i: CreateApiKeyInput!) {
  createApiKey(input: $i) { secret apiKey { id name prefix role expiresAt revokedAt createdBy { id } } }
}
"""
LIST = "{ apiKeys { id name role revokedAt } }"
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }"


async def test_an_admin_creates_a_key_and_sees_its_secret_once(api: Api) -> None:
    admin = await api.member(role=Role.ADMIN)
    created = (await api.run(CREATE, admin, i={"name": "ci", "role": "EDITOR"})).ok()["createApiKey"]
    key = created["apiKey"]
    parsed = ApiKeySecret.parse(created["secret"])
    assert parsed is not None and parsed.prefix == key["prefix"]
    assert (key["name"], key["role"], key["revokedAt"]) == ("ci", "EDITOR", None)
    assert key["createdBy"] == {"id": str(admin.identity.user_id)}
    listed = (await api.run(LIST, admin)).ok()["apiKeys"]
    assert listed == [{"id": key["id"], "name": "ci", "role": "EDITOR", "revokedAt": None}]
    assert (await api.run("{ apiKeys { secretHash } }", admin)).codes == ["VALIDATION_FAILED"]


async def test_a_key_cannot_get_a_stronger_role_than_its_creator(api: Api) -> None:
    admin = await api.member(role=Role.ADMIN)
    assert (await api.run(CREATE, admin, i={"name": "ci", "role": "OWNER"})).codes == ["FORBIDDEN"]


async def test_an_admin_revokes_a_key(api: Api, now: datetime) -> None:
    admin = await api.member(role=Role.ADMIN)
    key_id = (await api.run(CREATE, admin, i={"name": "ci", "role": "VIEWER"})).ok()["createApiKey"][
        "apiKey"
    ]["id"]
    revoked = (await api.run(REVOKE, admin, id=key_id)).ok()["revokeApiKey"]
    assert revoked["revokedAt"] == now.isoformat()
    assert (await api.run(REVOKE, admin, id=key_id)).codes == ["CONFLICT"]


async def test_an_api_key_cannot_manage_keys_even_as_admin(api: Api) -> None:
    key = await api.api_key(await api.organization(), Role.ADMIN)
    assert (await api.run(LIST, key)).codes == ["FORBIDDEN"]
    assert (await api.run(CREATE, key, i={"name": "child", "role": "VIEWER"})).codes == ["FORBIDDEN"]
