"""The locust user of OPEN's load test: one simulated API client going through a whole journey.

Each :class:`ApiUser` signs up an account of its own and creates a DAG (``on_start``), then
repeats: sign in (every :data:`~loadtests.operations.SIGN_IN_EVERY`-th time), list the DAGs,
create a new version of its DAG, execute it, and follow the execution over a websocket
(graphql-transport-ws, the ``executionEvents`` subscription) until the server completes the
stream after ``run_finished``. The execution is run by the platform's worker processes, so the
subscription's time covers queueing and running a three-node DAG.

HTTP goes through locust's ``FastHttpUser`` (geventhttpclient). locust has no websocket user,
so the subscription uses ``websocket-client``, a blocking client on plain sockets that gevent's
monkey-patching makes cooperative (the approach of locust's own Socket.IO user), and fires
locust's ``request`` event itself. A GraphQL answer with ``errors`` counts as a failed request,
as does a non-200 status or a websocket error.

Importing this module imports locust, which monkey-patches the process (gevent): import it only
in a locust process. It also works with the locust command line, e.g. with the web UI:
``uv run locust -f loadtests/scenarios.py --host http://127.0.0.1:8000``.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from typing import Any, Final

import websocket
from locust import FastHttpUser, between, task
from locust.exception import RescheduleTask, StopUser

from loadtests.operations import (
    CREATE_DAG,
    CREATE_VERSION,
    EXECUTE,
    EXECUTION_EVENTS,
    LIST_DAGS,
    OP_CREATE_DAG,
    OP_CREATE_VERSION,
    OP_EXECUTE,
    OP_LIST_DAGS,
    OP_SIGN_IN,
    OP_SIGN_UP,
    OP_SUBSCRIBE,
    OP_WS_CONNECT,
    PASSWORD,
    SIGN_IN,
    SIGN_IN_EVERY,
    SIGN_UP,
    definition,
)

#: The websocket subprotocol the API speaks.
SUBPROTOCOL: Final = "graphql-transport-ws"

#: Seconds a websocket waits for one message before the operation fails.
WS_TIMEOUT_S: Final = 60.0

#: DAGs asked for by the ``dags`` query.
PAGE_SIZE: Final = 20


class OperationFailed(Exception):
    """A GraphQL operation failed (an HTTP status, ``errors`` in the answer, a websocket
    message out of protocol). Its message names the operation and quotes the server."""


class ApiUser(FastHttpUser):
    """One API client; see the module docstring for its journey."""

    wait_time = between(0.05, 0.25)

    token: str = ""
    email: str = ""
    dag_id: str = ""
    iteration: int = 0

    def on_start(self) -> None:
        """Sign up a fresh account (its personal organization) and create its DAG."""
        self.email = f"load-{uuid.uuid4().hex[:16]}@example.org"
        try:
            data = self._post(
                OP_SIGN_UP, SIGN_UP, {"i": {"email": self.email, "password": PASSWORD, "name": "load"}}
            )
            self.token = data["signUp"]["accessToken"]
            data = self._post(
                OP_CREATE_DAG, CREATE_DAG, {"i": {"name": "loadtest", "definition": definition(0)}}
            )
            self.dag_id = data["createDag"]["dag"]["id"]
        except OperationFailed:
            raise StopUser from None  # the failure is recorded; this user cannot go on

    @task
    def journey(self) -> None:
        """One iteration: (sign in,) list DAGs, new version, execute, follow the execution."""
        try:
            if self.iteration % SIGN_IN_EVERY == 0:
                data = self._post(OP_SIGN_IN, SIGN_IN, {"i": {"email": self.email, "password": PASSWORD}})
                self.token = data["signIn"]["accessToken"]
            self.iteration += 1
            self._post(OP_LIST_DAGS, LIST_DAGS, {"first": PAGE_SIZE})
            revision = {"id": self.dag_id, "definition": definition(self.iteration), "message": "load"}
            self._post(OP_CREATE_VERSION, CREATE_VERSION, {"i": revision})
            execution_id = self._post(OP_EXECUTE, EXECUTE, {"i": {"dagId": self.dag_id}})["executeDag"]["id"]
            self._follow(execution_id)
        except OperationFailed:
            raise RescheduleTask from None  # recorded as a failed request already

    def _post(self, name: str, query: str, variables: dict[str, Any]) -> Any:
        """POST one operation, recorded as ``name``; its ``data``.

        Raises:
            OperationFailed: a non-200 status or ``errors`` in the answer (recorded as a failure).
        """
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = {"query": query, "variables": variables}
        with self.client.post(
            "/graphql", json=payload, headers=headers, name=name, catch_response=True
        ) as response:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            if response.status_code != 200 or answer.get("errors") or not answer.get("data"):
                reason = f"{name}: HTTP {response.status_code} {str(answer.get('errors', answer))[:300]}"
                response.failure(reason)
                raise OperationFailed(reason)
            response.success()
            return answer["data"]

    def _follow(self, execution_id: str) -> None:
        """Open a websocket, authenticate, subscribe to ``executionEvents`` of ``execution_id``
        and read until ``complete``: two recorded requests, :data:`OP_WS_CONNECT` and
        :data:`OP_SUBSCRIBE` (its response length: the events received).

        Raises:
            OperationFailed: the connection, the acknowledgement or the stream failed.
        """
        url = str(self.host).replace("http", "ws", 1).rstrip("/") + "/graphql"
        started = time.perf_counter()
        try:
            ws = websocket.create_connection(url, subprotocols=[SUBPROTOCOL], timeout=WS_TIMEOUT_S)
        except (OSError, websocket.WebSocketException) as error:
            self._record("WS", OP_WS_CONNECT, started, 0, error)
            raise OperationFailed(str(error)) from error
        try:
            try:
                _send(ws, {"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}})
                _expect(_receive(ws), "connection_ack")
            except (OSError, websocket.WebSocketException, OperationFailed) as error:
                self._record("WS", OP_WS_CONNECT, started, 0, error)
                raise OperationFailed(str(error)) from error
            self._record("WS", OP_WS_CONNECT, started, 0, None)
            started = time.perf_counter()
            events = 0
            try:
                subscribe = {"query": EXECUTION_EVENTS, "variables": {"id": execution_id}}
                _send(ws, {"id": "1", "type": "subscribe", "payload": subscribe})
                while (message := _receive(ws))["type"] != "complete":
                    if message["type"] == "ping":
                        _send(ws, {"type": "pong"})
                    elif message["type"] == "next" and not message["payload"].get("errors"):
                        events += 1
                    else:
                        raise OperationFailed(f"{OP_SUBSCRIBE}: {str(message)[:300]}")
                if events == 0:
                    raise OperationFailed(f"{OP_SUBSCRIBE}: completed without any event")
            except (OSError, websocket.WebSocketException, OperationFailed) as error:
                self._record("WS", OP_SUBSCRIBE, started, events, error)
                raise OperationFailed(str(error)) from error
            self._record("WS", OP_SUBSCRIBE, started, events, None)
        except BaseException:
            _shutdown(ws)
            raise
        # Not ws.close(): it waits for the server's close frame under a bare ``except``, which
        # swallows the GreenletExit of locust's stop, and the user would then never stop.
        with contextlib.suppress(OSError, websocket.WebSocketException):
            ws.send_close()
        _shutdown(ws)

    def _record(
        self, request_type: str, name: str, started: float, length: int, error: BaseException | None
    ) -> None:
        """Fire locust's ``request`` event for an operation begun at ``started`` (perf counter)."""
        self.environment.events.request.fire(
            request_type=request_type,
            name=name,
            response_time=(time.perf_counter() - started) * 1000.0,
            response_length=length,
            exception=error,
            context={},
        )


def _send(ws: websocket.WebSocket, message: dict[str, Any]) -> None:
    ws.send(json.dumps(message))


def _shutdown(ws: websocket.WebSocket) -> None:
    """Close the socket at once, no closing handshake."""
    ws.shutdown()  # type: ignore[no-untyped-call]


def _receive(ws: websocket.WebSocket) -> dict[str, Any]:
    """The next JSON message; raises ``OperationFailed`` when it is not a JSON object."""
    raw = ws.recv()
    try:
        message = json.loads(raw)
    except (TypeError, ValueError):
        message = None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise OperationFailed(f"not a graphql-transport-ws message: {str(raw)[:200]}")
    return message


def _expect(message: dict[str, Any], kind: str) -> None:
    if message["type"] != kind:
        raise OperationFailed(f"expected {kind}, got {str(message)[:300]}")
