"""``AsyncClient``: every operation of the SDK, as coroutines and async iterators."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, Mapping
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from open_sdk import queries
from open_sdk.errors import Conflict, NetworkError, NotFound, ValidationError, WaitTimeout
from open_sdk.models import Dag, DagVersion, DeployResult, Execution, ExecutionEvent, ExecutionStatus
from open_sdk.transport import Transport, credential, endpoint

#: Items asked for per page when the SDK walks a list.
PAGE_SIZE = 100


@runtime_checkable
class SupportsToDict(Protocol):
    """Anything with a ``to_dict()`` giving a JSON definition, such as ``core_engine.DAG``."""

    def to_dict(self) -> dict[str, Any]: ...


Definition = Mapping[str, Any] | SupportsToDict


def definition_dict(definition: Definition) -> dict[str, Any]:
    """The JSON definition of ``definition`` (a mapping, or an object with ``to_dict()``)."""
    return definition.to_dict() if isinstance(definition, SupportsToDict) else dict(definition)


def is_id(value: str) -> bool:
    """Whether ``value`` has the form of an API id (a UUID) rather than a name."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class AsyncClient:
    """A client of one OPEN server, acting as one principal.

    Args:
        url: the server (``http(s)://host:port``, ``/graphql`` optional); default the
            ``OPEN_SERVER_URL`` environment variable, else ``http://127.0.0.1:8000``.
        api_key: an API key (acts in its own organization); default ``OPEN_API_KEY``.
        token: a user's access token, when no API key is given; default ``OPEN_TOKEN``.
        organization: the organization id a user acts in (default: their oldest membership).
        timeout: seconds for connecting and for each request.

    Raises:
        ValueError: a malformed ``url``, or both ``api_key`` and ``token``.

    Use it as ``async with AsyncClient(...) as client:`` or call :meth:`aclose` at the end.
    Every method raises :class:`~open_sdk.errors.OpenError` subclasses: ``AuthenticationError``,
    ``PermissionDenied``, ``NotFound``, ``ValidationError``, ``Conflict``, ``NetworkError``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        api_key: str | None = None,
        token: str | None = None,
        organization: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = endpoint(url)
        self._transport = Transport(
            self.url, bearer=credential(api_key, token), organization=organization, timeout=timeout
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._transport.aclose()

    # DAGs and versions

    async def dags(self, search: str | None = None, status: str | None = None) -> list[Dag]:
        """The organization's DAGs by name (every page); ``search`` matches a case-insensitive
        substring of the name or description, ``status`` is ``DRAFT``, ``ACTIVE`` or ``ARCHIVED``."""
        found: list[Dag] = []
        after: str | None = None
        while True:
            data = await self._transport.execute(
                queries.DAGS, {"first": PAGE_SIZE, "after": after, "search": search, "status": status}
            )
            page = data["dags"]
            found.extend(Dag.from_api(node) for node in page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    async def dag(self, id_or_name: str) -> Dag:
        """The DAG with this id, or else this exact name.

        Raises:
            NotFound: no such DAG in the organization.
        """
        if is_id(id_or_name):
            return Dag.from_api((await self._transport.execute(queries.DAG, {"id": id_or_name}))["dag"])
        dag = await self._dag_named(id_or_name)
        if dag is None:
            raise NotFound(f"no DAG named {id_or_name!r} in this organization", code="NOT_FOUND")
        return dag

    async def create_dag(
        self, name: str, definition: Definition, *, description: str = "", message: str = ""
    ) -> Dag:
        """Create a draft DAG whose version 1 is ``definition`` (its ``latest_version``).

        Raises:
            ValidationError: an invalid definition (``issues`` name each node and field).
            Conflict: the name is taken.
        """
        data = await self._transport.execute(
            queries.CREATE_DAG,
            {
                "i": {
                    "name": name,
                    "definition": definition_dict(definition),
                    "description": description,
                    "message": message,
                }
            },
        )
        return Dag.from_api(data["createDag"]["dag"])

    async def create_version(
        self, dag_id: str, definition: Definition, message: str = ""
    ) -> DagVersion | None:
        """Save ``definition`` as the DAG's next version; None when it equals the latest version
        (same content hash), which creates nothing. The active version does not change.

        Raises:
            NotFound: no such DAG. ValidationError: an invalid definition.
        """
        data = await self._transport.execute(
            queries.UPDATE_DAG,
            {"i": {"id": dag_id, "definition": definition_dict(definition), "message": message}},
        )
        version = data["updateDag"]["version"]
        return None if version is None else DagVersion.from_api(version)

    async def activate(self, dag_id: str, version: int | None = None) -> Dag:
        """Make ``version`` (default: the latest) the one executions run, and the DAG ACTIVE."""
        data = await self._transport.execute(queries.ACTIVATE_DAG, {"i": {"id": dag_id, "version": version}})
        return Dag.from_api(data["activateDag"])

    async def content_hash(self, definition: Definition) -> str:
        """The content hash (``sha256:<hex>``) a version of ``definition`` would get; saves nothing.

        Raises:
            ValidationError: the definition is invalid; ``issues`` lists every problem.
        """
        data = (await self._transport.execute(queries.VALIDATE, {"d": definition_dict(definition)}))[
            "validateDefinition"
        ]
        if not data["valid"]:
            issues = [
                {
                    "code": i["code"],
                    "message": i["message"],
                    "node_id": i["nodeId"],
                    "field": i["field"],
                    "suggestion": i["suggestion"],
                    "path": i["path"],
                }
                for i in data["issues"]
            ]
            text = "; ".join(i["message"] for i in issues)
            raise ValidationError(
                f"invalid definition: {text}", code="VALIDATION_FAILED", details={"issues": issues}
            )
        content_hash: str = data["contentHash"]
        return content_hash

    async def deploy(
        self, definition: Definition, *, message: str | None = None, activate: bool = False
    ) -> DeployResult:
        """Push ``definition`` to the DAG named by its ``name``: create the DAG when missing, add a
        version only when the content hash differs from the latest version's (an unchanged
        definition creates nothing), and with ``activate`` make that version the active one.

        Raises:
            ValueError: the definition has no ``name``.
            ValidationError: an invalid definition (``issues``).
            PermissionDenied: the credentials cannot edit DAGs.
        """
        raw = definition_dict(definition)
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError("the definition has no 'name': deploy finds its DAG by that name")
        content_hash = await self.content_hash(raw)
        existing = await self._dag_named(name)
        result: DeployResult | None = None
        if existing is None:
            description = raw.get("description")
            try:
                dag = await self.create_dag(
                    name,
                    raw,
                    description=description if isinstance(description, str) else "",
                    message=message or "",
                )
            except Conflict:  # created concurrently: continue as an update
                existing = await self.dag(name)
            else:
                result = DeployResult(dag, dag.latest_version, created_dag=True, created_version=True)
        if result is None:
            assert existing is not None
            if existing.latest_version.content_hash == content_hash:
                result = DeployResult(
                    existing, existing.latest_version, created_dag=False, created_version=False
                )
            else:
                version = await self.create_version(existing.id, raw, message or "")
                dag = await self.dag(existing.id)
                result = DeployResult(
                    dag, version or dag.latest_version, created_dag=False, created_version=version is not None
                )
        if activate and (
            result.dag.active_version is None or result.dag.active_version.id != result.version.id
        ):
            dag = await self.activate(result.dag.id, result.version.version)
            result = DeployResult(dag, result.version, result.created_dag, result.created_version)
        return result

    # executions

    async def execute(
        self,
        dag: str | Dag,
        params: Mapping[str, Any] | None = None,
        version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Execution:
        """Start a run of ``dag`` (a :class:`Dag`, an id or a name) and return it at once (QUEUED).

        ``version`` defaults to the active version, else the latest. A repeated
        ``idempotency_key`` returns the execution it created the first time.

        Raises:
            NotFound: no such DAG or version.
            ValidationError: bad ``params`` (``field == "params"``; ``params`` names each one).
        """
        dag_id = dag.id if isinstance(dag, Dag) else dag if is_id(dag) else (await self.dag(dag)).id
        data = await self._transport.execute(
            queries.EXECUTE,
            {
                "i": {
                    "dagId": dag_id,
                    "params": dict(params or {}),
                    "version": version,
                    "idempotencyKey": idempotency_key,
                }
            },
        )
        return Execution.from_api(data["executeDag"])

    async def execution(self, execution_id: str) -> Execution:
        """The execution now, with its node records. Raises NotFound."""
        return Execution.from_api(
            (await self._transport.execute(queries.EXECUTION, {"id": execution_id}))["execution"]
        )

    async def executions(
        self, dag: str | Dag | None = None, status: str | ExecutionStatus | None = None, limit: int = 50
    ) -> list[Execution]:
        """The newest ``limit`` executions, newest first, optionally of one DAG (object, id or
        name) and one status."""
        dag_id = (
            None
            if dag is None
            else dag.id
            if isinstance(dag, Dag)
            else dag
            if is_id(dag)
            else (await self.dag(dag)).id
        )
        found: list[Execution] = []
        after: str | None = None
        while len(found) < limit:
            data = await self._transport.execute(
                queries.EXECUTIONS,
                {
                    "first": min(PAGE_SIZE, limit - len(found)),
                    "after": after,
                    "dagId": dag_id,
                    "status": None if status is None else ExecutionStatus(status).value,
                },
            )
            page = data["executions"]
            found.extend(Execution.from_api(node) for node in page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return found

    async def cancel(self, execution_id: str) -> Execution:
        """Cancel an execution (a running one ends CANCELLED shortly after). Conflict once ended."""
        return Execution.from_api(
            (await self._transport.execute(queries.CANCEL, {"id": execution_id}))["cancelExecution"]
        )

    async def retry(self, execution_id: str) -> Execution:
        """Run an ended execution again, reusing its succeeded nodes' results. Conflict while it runs."""
        return Execution.from_api(
            (await self._transport.execute(queries.RETRY, {"id": execution_id}))["retryExecution"]
        )

    async def wait(
        self,
        execution_id: str,
        timeout: float | None = None,  # noqa: ASYNC109 - the one knob callers of wait need
        poll_interval: float = 0.5,
    ) -> Execution:
        """The execution once it has ended, followed over the ``executionUpdated`` subscription;
        only if the websocket fails does it poll, every ``poll_interval`` seconds.

        Raises:
            WaitTimeout: it had not ended after ``timeout`` seconds (None: wait for ever).
            NotFound: no such execution.
        """
        try:
            async with asyncio.timeout(timeout):
                return await self._wait(execution_id, poll_interval)
        except TimeoutError as exc:
            if isinstance(exc, WaitTimeout):
                raise
            raise WaitTimeout(
                f"execution {execution_id} had not ended after {timeout} s", code="TIMEOUT"
            ) from exc

    async def _wait(self, execution_id: str, poll_interval: float) -> Execution:
        updates = self.execution_updates(execution_id)
        with contextlib.suppress(NetworkError):  # fall back to polling below
            async with contextlib.aclosing(updates):
                async for update in updates:
                    if update.ended:
                        return update
        while True:  # polling the server is the point here: no event to wait on
            execution = await self.execution(execution_id)
            if execution.ended:
                return execution
            await asyncio.sleep(poll_interval)

    async def execution_updates(self, execution_id: str) -> AsyncGenerator[Execution, None]:
        """The execution now, then after each status change or batch of events, until it ends.

        Raises:
            NotFound: no such execution. NetworkError: the websocket failed.
        """
        updates = self._transport.subscribe(queries.EXECUTION_UPDATED, {"id": execution_id})
        async with contextlib.aclosing(updates):
            async for result in updates:
                yield Execution.from_api(result["executionUpdated"])

    async def events(
        self, execution_id: str, after_sequence: int = -1, *, reconnects: int = 3
    ) -> AsyncGenerator[ExecutionEvent, None]:
        """The events of the execution's log with a sequence above ``after_sequence`` (default:
        all), each once and in order: the stored ones, then live ones, ending after
        ``run_finished`` (at once for an ended execution). A lost websocket is reopened from the
        last sequence received, up to ``reconnects`` times in a row.

        Raises:
            NotFound: no such execution.
            NetworkError: the websocket failed more than ``reconnects`` times in a row.
        """
        last = after_sequence
        failures = 0
        while True:
            results = self._transport.subscribe(queries.EXECUTION_EVENTS, {"id": execution_id, "after": last})
            try:
                async with contextlib.aclosing(results):
                    async for result in results:
                        event = ExecutionEvent.from_api(result["executionEvents"])
                        last, failures = event.sequence, 0
                        yield event
                return
            except NetworkError:
                failures += 1
                if failures > reconnects:
                    raise
                await asyncio.sleep(min(0.25 * 2**failures, 5.0))

    async def _dag_named(self, name: str) -> Dag | None:
        candidates = await self.dags(search=name)
        exact = [dag for dag in candidates if dag.name == name]
        folded = [dag for dag in candidates if dag.name.casefold() == name.casefold()]
        matches = exact or folded
        return matches[0] if matches else None
