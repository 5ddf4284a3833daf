"""A real server for the remote commands' tests: the app served by uvicorn in a thread of its own
(so that ``CliRunner`` can block the test's thread while the server answers), on the test's
own PostgreSQL database, executions in the app's in-process executor; a user signed up with
an EDITOR API key; ``openctl`` invoked with ``OPEN_SERVER_URL`` and ``OPEN_API_KEY`` set."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from typer.testing import Result

from open_backend.app import create_app
from open_backend.settings import Environment, Settings

from ._cli import invoke

SIGN_UP = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
CREATE_API_KEY = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }"


@contextlib.contextmanager
def serving_in_thread(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)`` with uvicorn in a thread with its own event loop, on a free
    loopback port; yields ``http://host:port``."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), lifespan="on", log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[sock])), name="open-test-server", daemon=True
    )
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the server stopped during startup"
            threading.Event().wait(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def node(node_id: str, kind: str = "noop", depends_on: tuple[str, ...] = (), **config: Any) -> dict[str, Any]:
    return {"id": node_id, "task": {"type": kind, "config": config}, "depends_on": list(depends_on)}


def definition(name: str, *nodes: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"schema_version": 1, "name": name, "nodes": list(nodes), "params": params or {}}


def dag_file(folder: Path, *definitions: dict[str, Any]) -> Path:
    """A Python file defining one module-level DAG per definition (built with ``DAG.from_dict``)."""
    path = folder / f"dags_{uuid.uuid4().hex[:8]}.py"
    lines = ["import json", "", "from core_engine import DAG", ""]
    lines += [
        f"dag_{i} = DAG.from_dict(json.loads({json.dumps(raw)!r}))" for i, raw in enumerate(definitions)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass(frozen=True)
class Remote:
    """The served app, an EDITOR API key of a fresh organization, and ``openctl`` against them."""

    url: str
    api_key: str

    node = staticmethod(node)
    definition = staticmethod(definition)

    def openctl(self, *args: str, **env: str | None) -> Result:
        """``openctl ARGS`` with ``OPEN_SERVER_URL`` and ``OPEN_API_KEY`` (overridden by ``env``)."""
        return invoke(*args, env={"OPEN_SERVER_URL": self.url, "OPEN_API_KEY": self.api_key, **env})

    def json(self, *args: str, **env: str | None) -> Any:
        """The JSON that ``openctl ARGS --json`` printed (exit code not checked)."""
        return json.loads(self.openctl(*args, "--json", **env).stdout)


def gql(url: str, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer: dict[str, Any] = httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    ).json()
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


@contextlib.contextmanager
def remote(database_url: str, data_dir: Path) -> Iterator[Remote]:
    """The app served on ``database_url`` and a user of a new organization with an EDITOR key."""
    settings = Settings(env=Environment.TEST, database_url=database_url, data_dir=data_dir)
    with serving_in_thread(settings) as url:
        email = f"user-{uuid.uuid4().hex[:12]}@example.org"
        token = gql(
            url, SIGN_UP, i={"email": email, "password": "correct horse battery staple", "name": "Ada"}
        )
        access = token["signUp"]["accessToken"]
        key = gql(url, CREATE_API_KEY, access, i={"name": "cli", "role": "EDITOR"})["createApiKey"]["secret"]
        yield Remote(url, key)
