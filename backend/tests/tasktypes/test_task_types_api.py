"""``taskTypes`` and definition validation over the real API (HTTP, in-process ASGI)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.settings import Environment, Settings

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
TASK_TYPES = "{ taskTypes { name description configSchema } }"
VALIDATE = """
mutation($definition: JSON!) {
  validateDefinition(definition: $definition) { valid issues { code nodeId field message } }
}
"""


@pytest.fixture
async def client(serve: Serve, postgres_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        env=Environment.TEST, database_url=postgres_url, allowed_callable_modules="statistics"
    )
    async with serve(create_app(settings)) as client:
        yield client


async def gql(client: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "errors" not in answer, answer
    return answer["data"]


async def sign_up(client: httpx.AsyncClient) -> str:
    email = f"user-{uuid.uuid4().hex[:12]}@example.org"
    data = await gql(
        client, SIGN_UP, i={"email": email, "password": "correct horse battery staple", "name": "Ada"}
    )
    token: str = data["signUp"]["accessToken"]
    return token


async def test_task_types_lists_every_platform_type_with_its_config_schema(client: httpx.AsyncClient) -> None:
    types = {t["name"]: t for t in (await gql(client, TASK_TYPES, await sign_up(client)))["taskTypes"]}
    assert list(types) == ["command", "http", "noop", "python", "sleep"]
    assert all(t["description"] for t in types.values())
    assert types["command"]["configSchema"]["required"] == ["argv"]
    assert types["http"]["configSchema"]["required"] == ["url"]
    assert types["http"]["configSchema"]["properties"]["method"]["enum"] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
    ]
    assert types["python"]["configSchema"]["required"] == ["function"]
    assert types["sleep"]["configSchema"]["required"] == ["seconds"]
    assert types["noop"]["configSchema"]["additionalProperties"] is False


async def test_validate_definition_checks_platform_type_configs(client: httpx.AsyncClient) -> None:
    token = await sign_up(client)
    definition = {
        "schema_version": 1,
        "name": "checked",
        "nodes": [
            {"id": "call", "task": {"type": "python", "config": {"function": "statistics:mean"}}},
            {
                "id": "get",
                "task": {"type": "http", "config": {"url": "https://example.org", "method": "FETCH"}},
            },
            {"id": "run", "task": {"type": "command", "config": {"argv": []}}},
        ],
    }
    result = (await gql(client, VALIDATE, token, definition=definition))["validateDefinition"]
    assert result["valid"] is False
    assert [(i["code"], i["nodeId"], i["field"]) for i in result["issues"]] == [
        ("invalid_config", "get", "task.config.method"),
        ("invalid_config", "run", "task.config.argv"),
    ]
