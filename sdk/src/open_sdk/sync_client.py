"""``Client``: the blocking twin of :class:`~open_sdk.async_client.AsyncClient`.

It owns an event loop running in a daemon thread of its own and hands each call to
:class:`AsyncClient` there (``asyncio.run_coroutine_threadsafe``), so there is one
implementation of every operation, and a ``Client`` also works inside a program that already
runs an event loop (a notebook, an async framework): nothing blocks that loop but the caller.
Iterators (:meth:`Client.events`, :meth:`Client.execution_updates`) pull one item at a time from
that thread. Close it (``with Client(...) as client:`` or :meth:`close`) to stop the thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

from open_sdk.async_client import AsyncClient, Definition
from open_sdk.models import Dag, DagVersion, DeployResult, Execution, ExecutionEvent, ExecutionStatus

T = TypeVar("T")


async def _next(iterator: AsyncIterator[T]) -> T:
    return await anext(iterator)


class Client:
    """A blocking client of one OPEN server: the same arguments, methods and errors as
    :class:`~open_sdk.async_client.AsyncClient`, minus ``await``."""

    def __init__(
        self,
        url: str | None = None,
        *,
        api_key: str | None = None,
        token: str | None = None,
        organization: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._async = AsyncClient(
            url, api_key=api_key, token=token, organization=organization, timeout=timeout
        )
        self.url = self._async.url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="open-sdk-client", daemon=True)
        self._thread.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections and stop the client's thread; the client is unusable after."""
        if self._loop.is_closed():
            return
        try:
            self._run(self._async.aclose())
            self._run(self._loop.shutdown_asyncgens())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop.is_closed():
            coroutine.close()
            raise RuntimeError("this Client is closed")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result()
        except BaseException:  # Ctrl-C in the caller's thread: stop the call in the client's too
            future.cancel()
            raise

    def _iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        try:
            while True:
                try:
                    item = self._run(_next(iterator))
                except StopAsyncIteration:
                    return
                yield item
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None and not self._loop.is_closed():
                self._run(aclose())

    def dags(self, search: str | None = None, status: str | None = None) -> list[Dag]:
        """See :meth:`AsyncClient.dags`."""
        return self._run(self._async.dags(search, status))

    def dag(self, id_or_name: str) -> Dag:
        """See :meth:`AsyncClient.dag`."""
        return self._run(self._async.dag(id_or_name))

    def create_dag(
        self, name: str, definition: Definition, *, description: str = "", message: str = ""
    ) -> Dag:
        """See :meth:`AsyncClient.create_dag`."""
        return self._run(self._async.create_dag(name, definition, description=description, message=message))

    def create_version(self, dag_id: str, definition: Definition, message: str = "") -> DagVersion | None:
        """See :meth:`AsyncClient.create_version`."""
        return self._run(self._async.create_version(dag_id, definition, message))

    def activate(self, dag_id: str, version: int | None = None) -> Dag:
        """See :meth:`AsyncClient.activate`."""
        return self._run(self._async.activate(dag_id, version))

    def content_hash(self, definition: Definition) -> str:
        """See :meth:`AsyncClient.content_hash`."""
        return self._run(self._async.content_hash(definition))

    def deploy(
        self, definition: Definition, *, message: str | None = None, activate: bool = False
    ) -> DeployResult:
        """See :meth:`AsyncClient.deploy`."""
        return self._run(self._async.deploy(definition, message=message, activate=activate))

    def execute(
        self,
        dag: str | Dag,
        params: Mapping[str, Any] | None = None,
        version: int | None = None,
        idempotency_key: str | None = None,
    ) -> Execution:
        """See :meth:`AsyncClient.execute`."""
        return self._run(self._async.execute(dag, params, version, idempotency_key))

    def execution(self, execution_id: str) -> Execution:
        """See :meth:`AsyncClient.execution`."""
        return self._run(self._async.execution(execution_id))

    def executions(
        self, dag: str | Dag | None = None, status: str | ExecutionStatus | None = None, limit: int = 50
    ) -> list[Execution]:
        """See :meth:`AsyncClient.executions`."""
        return self._run(self._async.executions(dag, status, limit))

    def cancel(self, execution_id: str) -> Execution:
        """See :meth:`AsyncClient.cancel`."""
        return self._run(self._async.cancel(execution_id))

    def retry(self, execution_id: str) -> Execution:
        """See :meth:`AsyncClient.retry`."""
        return self._run(self._async.retry(execution_id))

    def wait(self, execution_id: str, timeout: float | None = None, poll_interval: float = 0.5) -> Execution:
        """See :meth:`AsyncClient.wait`."""
        return self._run(self._async.wait(execution_id, timeout, poll_interval))

    def execution_updates(self, execution_id: str) -> Iterator[Execution]:
        """See :meth:`AsyncClient.execution_updates`."""
        return self._iterate(self._async.execution_updates(execution_id))

    def events(
        self, execution_id: str, after_sequence: int = -1, *, reconnects: int = 3
    ) -> Iterator[ExecutionEvent]:
        """See :meth:`AsyncClient.events`."""
        return self._iterate(self._async.events(execution_id, after_sequence, reconnects=reconnects))
