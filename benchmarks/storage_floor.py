"""What PostgreSQL alone needs to store one run's events and node rows: the floor under the
fan-out's *to all events stored* time.

The platform stores every event as its own ``execution_events`` row and keeps one
``node_executions`` row per node. This measures the least any such design pays on the same
server: the rows of a finished execution (its stored event payloads, one row per node) copied
with binary ``COPY`` (asyncpg ``copy_records_to_table``) into two bare, logged tables that keep
only what the log needs (a ``jsonb`` payload and the unique ``(execution_id, sequence)`` index;
the node id unique per execution), in one transaction, commit included. The records are built
before the clock starts, so no Python-side cost (JSON encoding, projections) is in the figure;
the real tables also have foreign keys, primary keys and an immutability trigger.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncEngine

#: Scratch tables, created in the benchmark's own database (dropped with it).
_CREATE: Final = (
    "CREATE TABLE IF NOT EXISTS bench_floor_events (execution_id uuid NOT NULL, "
    "sequence integer NOT NULL, payload jsonb NOT NULL, UNIQUE (execution_id, sequence))",
    "CREATE TABLE IF NOT EXISTS bench_floor_nodes (execution_id uuid NOT NULL, "
    "node_id varchar(200) NOT NULL, status varchar(32) NOT NULL, UNIQUE (execution_id, node_id))",
)

_EVENT_COLUMNS: Final = ("execution_id", "sequence", "payload")
_NODE_COLUMNS: Final = ("execution_id", "node_id", "status")


async def copy_floor_s(engine: AsyncEngine, execution_id: uuid.UUID, reps: int) -> list[float]:
    """Seconds to ``COPY`` the stored events and node rows of ``execution_id`` into the bare
    tables and commit, ``reps`` times (each under a fresh execution id, so the unique indexes
    grow as the real ones do).

    Raises:
        sqlalchemy.exc.SQLAlchemyError, asyncpg.PostgresError: the database failed.
        RuntimeError: the execution has no stored events.
    """
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        events = await driver.fetch(
            "SELECT sequence, payload::text FROM execution_events WHERE execution_id = $1 ORDER BY sequence",
            execution_id,
        )
        nodes = await driver.fetch(
            "SELECT node_id, status FROM node_executions WHERE execution_id = $1", execution_id
        )
        if not events:
            raise RuntimeError(f"execution {execution_id} has no stored events")
        for statement in _CREATE:
            await driver.execute(statement)
        timings = []
        for _ in range(reps):
            run_id = uuid.uuid4()
            event_records = [(run_id, sequence, payload) for sequence, payload in events]
            node_records = [(run_id, node_id, status) for node_id, status in nodes]
            started = time.perf_counter()
            async with driver.transaction():
                await driver.copy_records_to_table(
                    "bench_floor_events", records=event_records, columns=_EVENT_COLUMNS
                )
                await driver.copy_records_to_table(
                    "bench_floor_nodes", records=node_records, columns=_NODE_COLUMNS
                )
            timings.append(time.perf_counter() - started)
        await connection.rollback()
    return timings
