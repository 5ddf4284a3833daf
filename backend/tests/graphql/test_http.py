"""The API end to end: the real app over HTTP (ASGI, in-process) on a real PostgreSQL database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Message

from open_backend.app import create_app
from open_backend.settings import Environment, Settings

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]

PASSWORD = "correct horse battery staple"
SIGN_UP = """
mutation($i: SignUpInput!) {
  signUp(input: $i) { accessToken accessTokenExpiresAt refreshToken user { id email } }
}
"""
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { accessToken refreshToken user { id } } }"
REFRESH = "mutation($t: String) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }"
ME = "{ me { user { email } activeOrganizationId memberships { role organization { id } } } }"
CREATE_DAG = "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id name } version { version } } }"


def definition(name: str = "etl") -> dict[str, Any]:
    return {"schema_version": 1, "name": name, "nodes": [{"id": "a", "task": {"type": "noop", "config": {}}}]}


@pytest.fixture
async def client(serve: Serve, postgres_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app in test mode, on the shared PostgreSQL database."""
    async with serve(create_app(Settings(env=Environment.TEST, database_url=postgres_url))) as client:
        yield client


async def gql(
    client: httpx.AsyncClient,
    query: str,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    **variables: Any,
) -> dict[str, Any]:
    """POST an operation; the JSON answer (HTTP 200 expected)."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=sent)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def codes(answer: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


async def sign_up(client: httpx.AsyncClient) -> dict[str, Any]:
    email = f"user-{uuid.uuid4().hex[:12]}@example.org"
    answer = await gql(client, SIGN_UP, i={"email": email, "password": PASSWORD, "name": "Ada"})
    assert "errors" not in answer, answer
    payload: dict[str, Any] = answer["data"]["signUp"]
    return payload


async def test_sign_up_then_use_the_access_token(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    me = await gql(client, ME, account["accessToken"])
    assert me["data"]["me"]["user"]["email"] == account["user"]["email"]
    [membership] = me["data"]["me"]["memberships"]
    assert membership["role"] == "OWNER"
    assert me["data"]["me"]["activeOrganizationId"] == membership["organization"]["id"]


async def test_sign_up_sets_the_refresh_token_as_an_http_only_cookie(client: httpx.AsyncClient) -> None:
    email = f"user-{uuid.uuid4().hex[:12]}@example.org"
    response = await client.post(
        "/graphql",
        json={"query": SIGN_UP, "variables": {"i": {"email": email, "password": PASSWORD, "name": "A"}}},
    )
    cookie = response.headers["set-cookie"]
    token = response.json()["data"]["signUp"]["refreshToken"]
    assert cookie.startswith(f"open_refresh_token={token};")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


async def test_an_editor_creates_and_lists_dags_over_http(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["accessToken"]
    created = await gql(client, CREATE_DAG, token, i={"name": "etl", "definition": definition()})
    assert created["data"]["createDag"]["version"] == {"version": 1}
    listed = await gql(client, "{ dags { totalCount nodes { name } } }", token)
    assert listed["data"]["dags"] == {"totalCount": 1, "nodes": [{"name": "etl"}]}


async def test_sign_in_with_a_wrong_password_is_unauthenticated(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    wrong = await gql(client, SIGN_IN, i={"email": account["user"]["email"], "password": "not the password"})
    right = await gql(client, SIGN_IN, i={"email": account["user"]["email"], "password": PASSWORD})
    assert codes(wrong) == ["UNAUTHENTICATED"]
    assert right["data"]["signIn"]["user"]["id"] == account["user"]["id"]


async def test_refreshing_with_the_cookie_rotates_it(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    client.cookies.set("open_refresh_token", account["refreshToken"])
    response = await client.post("/graphql", json={"query": REFRESH})
    client.cookies.clear()
    refreshed = response.json()["data"]["refreshToken"]
    assert refreshed["user"]["id"] == account["user"]["id"]
    assert refreshed["refreshToken"] != account["refreshToken"]
    assert f"open_refresh_token={refreshed['refreshToken']};" in response.headers["set-cookie"]
    assert (await gql(client, ME, refreshed["accessToken"]))["data"]["me"]["user"]["email"]


async def test_reusing_a_rotated_refresh_token_ends_the_sign_in(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    first = await gql(client, REFRESH, t=account["refreshToken"])
    reused = await gql(client, REFRESH, t=account["refreshToken"])
    assert codes(reused) == ["UNAUTHENTICATED"]
    assert reused["errors"][0]["extensions"]["details"] == {"reason": "reused"}
    successor = await gql(client, REFRESH, t=first["data"]["refreshToken"]["refreshToken"])
    assert codes(successor) == ["UNAUTHENTICATED"]  # the family was revoked, and that was committed


async def test_sign_out_revokes_the_refresh_token_and_clears_the_cookie(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    response = await client.post(
        "/graphql",
        json={
            "query": "mutation($t: String) { signOut(refreshToken: $t) }",
            "variables": {"t": account["refreshToken"]},
        },
    )
    assert response.json() == {"data": {"signOut": True}}
    cookie = response.headers["set-cookie"]
    assert cookie.startswith('open_refresh_token="";') and "Max-Age=0" in cookie
    assert codes(await gql(client, REFRESH, t=account["refreshToken"])) == ["UNAUTHENTICATED"]


async def test_refreshing_without_a_token_is_unauthenticated(client: httpx.AsyncClient) -> None:
    assert codes(await gql(client, REFRESH)) == ["UNAUTHENTICATED"]


async def test_a_bad_token_fails_protected_fields_but_not_sign_in(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    protected = await gql(client, ME, "not-a-jwt")
    public = await gql(
        client, SIGN_IN, "not-a-jwt", i={"email": account["user"]["email"], "password": PASSWORD}
    )
    assert codes(protected) == ["UNAUTHENTICATED"]
    assert public["data"]["signIn"]["user"]["id"] == account["user"]["id"]


async def test_a_foreign_or_unknown_organization_header_is_forbidden_alike(client: httpx.AsyncClient) -> None:
    mine, theirs = await sign_up(client), await sign_up(client)
    their_org = (await gql(client, ME, theirs["accessToken"]))["data"]["me"]["activeOrganizationId"]
    foreign = await gql(
        client, "{ dags { totalCount } }", mine["accessToken"], {"X-Organization-Id": their_org}
    )
    unknown = await gql(
        client, "{ dags { totalCount } }", mine["accessToken"], {"X-Organization-Id": str(uuid.uuid4())}
    )
    assert codes(foreign) == codes(unknown) == ["FORBIDDEN"]
    assert foreign["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_the_organization_header_selects_another_membership(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["accessToken"]
    created = await gql(client, 'mutation { createOrganization(input: {name: "Second"}) { id } }', token)
    second = created["data"]["createOrganization"]["id"]
    await gql(
        client,
        CREATE_DAG,
        token,
        {"X-Organization-Id": second},
        i={"name": "there", "definition": definition()},
    )
    in_second = await gql(client, "{ dags { nodes { name } } }", token, {"X-Organization-Id": second})
    in_first = await gql(client, "{ dags { nodes { name } } }", token)
    assert in_second["data"]["dags"]["nodes"] == [{"name": "there"}]
    assert in_first["data"]["dags"]["nodes"] == []


async def test_an_api_key_works_in_its_organization(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["accessToken"]
    created = await gql(
        client, 'mutation { createApiKey(input: {name: "ci", role: EDITOR}) { secret } }', token
    )
    secret = created["data"]["createApiKey"]["secret"]
    made = await gql(client, CREATE_DAG, secret, i={"name": "by-key", "definition": definition()})
    assert made["data"]["createDag"]["dag"]["name"] == "by-key"
    assert codes(await gql(client, ME, secret)) == ["FORBIDDEN"]


async def test_a_query_may_use_get(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["accessToken"]
    response = await client.get(
        "/graphql", params={"query": "{ taskTypes { name } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["taskTypes"] == [
        {"name": name} for name in ("command", "http", "noop", "python", "sleep")
    ]


async def test_a_mutation_over_get_is_refused(client: httpx.AsyncClient) -> None:
    account = await sign_up(client)
    response = await client.get("/graphql", params={"query": "mutation { signOut }"})
    assert response.status_code == 400
    assert "mutations are not allowed when using GET" in response.text
    refresh = await gql(client, REFRESH, t=account["refreshToken"])
    assert "errors" not in refresh  # nothing was signed out


async def test_a_form_post_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", data={"query": "mutation { signOut }"})
    assert response.status_code == 400


async def test_a_body_over_the_limit_is_refused_with_413(serve: Serve, postgres_url: str) -> None:
    settings = Settings(
        env=Environment.TEST, database_url=postgres_url, max_request_bytes=4096, max_definition_bytes=2048
    )
    async with serve(create_app(settings)) as client:
        big = {"query": "{ taskTypes { name } }", "variables": {"pad": "x" * 5000}}
        declared = await client.post("/graphql", json=big)

        async def chunks() -> AsyncIterator[bytes]:
            raw = json.dumps(big).encode()
            for start in range(0, len(raw), 1000):
                yield raw[start : start + 1000]

        streamed = await client.post(
            "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
        )
        small = await client.post("/graphql", json={"query": "{ taskTypes { name } }"})
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"] == {
            "code": "VALIDATION_FAILED",
            "details": {"max_bytes": 4096},
        }
    assert small.status_code == 200


@pytest.mark.parametrize("body", [b"{not json", b'{"query": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000])
async def test_an_unparseable_body_is_a_400(serve: Serve, postgres_url: str, body: bytes) -> None:
    settings = Settings(env=Environment.TEST, database_url=postgres_url)
    async with serve(create_app(settings)) as client:
        response = await client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


async def test_a_failed_mutation_does_not_undo_the_committed_one_before_it(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["accessToken"]
    two = """
    mutation($ok: CreateDagInput!, $bad: CreateDagInput!) {
      first: createDag(input: $ok) { dag { name } }
      second: createDag(input: $bad) { dag { name } }
    }
    """
    bad = {"name": "broken", "definition": {**definition(), "nodes": [{"id": "a", "task": {"type": "nope"}}]}}
    answer = await gql(client, two, token, ok={"name": "kept", "definition": definition()}, bad=bad)
    assert codes(answer) == ["VALIDATION_FAILED"]
    listed = await gql(client, "{ dags { nodes { name } } }", token)
    assert listed["data"]["dags"]["nodes"] == [{"name": "kept"}]


async def test_graphiql_is_served_only_when_enabled(serve: Serve, postgres_url: str) -> None:
    html = {"Accept": "text/html"}
    development = Settings(env=Environment.DEVELOPMENT, database_url=postgres_url)
    async with serve(create_app(development)) as client:
        shown = await client.get("/graphql", headers=html)
    async with serve(create_app(Settings(env=Environment.TEST, database_url=postgres_url))) as client:
        hidden = await client.get("/graphql", headers=html)
    assert shown.status_code == 200 and "graphiql" in shown.text.lower()
    assert hidden.status_code == 404


async def test_production_refuses_introspection_and_graphiql(serve: Serve, postgres_url: str) -> None:
    production = Settings(
        env=Environment.PRODUCTION, database_url=postgres_url, secret_key="p" * 48, graphiql=True
    )
    async with serve(create_app(production)) as client:
        introspection = await client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
    assert "VALIDATION_FAILED" in codes(introspection.json())
    assert introspection.json().get("data") is None
    assert ide.status_code == 404


async def test_introspection_works_outside_production(client: httpx.AsyncClient) -> None:
    answer = await gql(client, "{ __schema { queryType { name } } }")
    assert answer == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def websocket_exchange(app: ASGIApp, subprotocol: str, *texts: str) -> list[Message]:
    """Open a websocket on ``/graphql`` offering ``subprotocol``, send ``texts``, then hang up;
    return what the app sent."""
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"open.test"), (b"sec-websocket-protocol", subprotocol.encode())],
        "subprotocols": [subprotocol],
        "client": ("127.0.0.1", 50000),
        "server": ("open.test", 80),
    }
    incoming: asyncio.Queue[Message] = asyncio.Queue()
    sent: list[Message] = []
    for message in (
        {"type": "websocket.connect"},
        *({"type": "websocket.receive", "text": t} for t in texts),
    ):
        incoming.put_nowait(message)

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "websocket.close" or len(sent) > len(texts):
            incoming.put_nowait({"type": "websocket.disconnect", "code": 1000})

    async with asyncio.timeout(5):
        await app(scope, incoming.get, send)
    return sent


async def test_the_graphql_transport_ws_protocol_is_spoken_and_refuses_anonymous_connections(
    serve: Serve, postgres_url: str
) -> None:
    app = create_app(Settings(env=Environment.TEST, database_url=postgres_url))
    async with serve(app):
        sent = await websocket_exchange(app, "graphql-transport-ws", json.dumps({"type": "connection_init"}))
    assert sent[0] == {"type": "websocket.accept", "subprotocol": "graphql-transport-ws", "headers": []}
    assert sent[1] == {"type": "websocket.close", "code": 4403, "reason": "Forbidden"}  # acks: tests/live


async def test_the_legacy_graphql_ws_protocol_is_refused(serve: Serve, postgres_url: str) -> None:
    app = create_app(Settings(env=Environment.TEST, database_url=postgres_url))
    async with serve(app):
        sent = await websocket_exchange(app, "graphql-ws")
    assert sent[-1]["type"] == "websocket.close"
    assert sent[-1]["code"] == 4406


async def test_a_batch_of_operations_is_refused(client: httpx.AsyncClient) -> None:
    batch = [{"query": "{ taskTypes { name } }"}, {"query": "{ taskTypes { name } }"}]
    response = await client.post("/graphql", json=batch)
    assert response.status_code == 400
