"""Outages with real servers: Redis restarting (without persistence) and PostgreSQL unreachable
for a few seconds while runs go on lose no event, and the runs complete once the service is back."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url

from open_backend.queue import ArqDispatcher, connect

from .conftest import definition, node

if TYPE_CHECKING:
    from servers import RedisServer

    from .conftest import Platform


class TcpProxy:
    """A TCP proxy to PostgreSQL that can go down (dropping every connection) and come back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0  # chosen by the system when the proxy starts
        self.up = True
        self.links: set[asyncio.StreamWriter] = set()
        self.handlers: set[asyncio.Task[None]] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        try:
            await self._link(reader, writer)
        finally:
            self.handlers.discard(task)

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self.links |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.links -= {writer, up_writer}

    def go_down(self) -> None:
        self.up = False
        for link in list(self.links):
            link.transport.abort()

    async def close(self) -> None:
        self.go_down()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        if self.handlers:
            await asyncio.wait(list(self.handlers), timeout=5)


@pytest.fixture
async def postgres_proxy(platform: Platform) -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(make_url(platform.db_url).port or 5432)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


async def test_redis_restarting_mid_run_loses_nothing_and_the_queue_recovers(
    platform: Platform, redis_server: RedisServer
) -> None:
    await platform.worker(REDIS_URL=redis_server.url)
    pool = await connect(redis_server.url)
    dispatcher = ArqDispatcher(pool, platform.queue)
    principal, dag = await platform.dag(
        definition(
            node("first"), node("nap", "sleep", ("first",), seconds=2), node("last", depends_on=("nap",))
        )
    )
    row = await platform.execute(principal, dag, submit=False)
    assert row.dispatch_job_id is not None
    await dispatcher.submit(row.id, row.dispatch_job_id)
    await platform.node_started(row.id, "nap", 1)

    redis_server.kill()  # everything in Redis is gone: it keeps no data
    await pool.aclose()
    await asyncio.sleep(1.0)
    await asyncio.to_thread(redis_server.start)

    finished = await platform.finished(row.id)
    assert finished.status.value == "succeeded"
    started = Counter(e.payload["node_id"] for e in await platform.events(row.id) if e.kind == "node_started")
    assert started == {"first": 1, "nap": 1, "last": 1}
    await platform.check_log(row.id)

    after = await platform.execute(principal, dag, submit=False)  # the worker reads the new Redis
    assert after.dispatch_job_id is not None
    pool = await connect(redis_server.url)
    await ArqDispatcher(pool, platform.queue).submit(after.id, after.dispatch_job_id)
    assert (await platform.finished(after.id)).status.value == "succeeded"
    await pool.aclose()


async def test_postgres_unreachable_for_seconds_loses_no_event(
    platform: Platform, postgres_proxy: TcpProxy
) -> None:
    proxied = make_url(platform.db_url).set(port=postgres_proxy.port).render_as_string(hide_password=False)
    # A lease longer than the outage: the run keeps its holder (a shorter one is taken over instead).
    worker = await platform.worker(DATABASE_URL=proxied, OPEN_LEASE_TTL_S="10", OPEN_HEARTBEAT_INTERVAL_S="1")
    principal, dag = await platform.dag(
        definition(
            node("first"),
            node("nap", "sleep", ("first",), seconds=1),
            node("second", depends_on=("nap",)),
            node("last", "sleep", ("second",), seconds=0.5),
        )
    )
    row = await platform.execute(principal, dag)
    await platform.node_started(row.id, "nap", 1)

    postgres_proxy.go_down()  # "nap" ends, "second" and "last" run while nothing can be written
    await asyncio.sleep(3.0)
    postgres_proxy.up = True

    finished = await platform.finished(row.id, deadline_s=20)
    assert finished.status.value == "succeeded", worker.log()
    events = await platform.events(row.id)
    started = Counter(e.payload["node_id"] for e in events if e.kind == "node_started")
    succeeded = Counter(e.payload["node_id"] for e in events if e.kind == "node_succeeded")
    assert started == succeeded == {"first": 1, "nap": 1, "second": 1, "last": 1}, worker.log()
    await platform.check_log(row.id)
    assert any("retrying in" in line for line in worker.lines)  # the writes did fail, and were retried
