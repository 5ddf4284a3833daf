"""Writing one event batch's rows fast: ``COPY`` on PostgreSQL, Core ``executemany`` elsewhere.

An event batch of a large run holds thousands of ``execution_events`` rows and up to one
``node_executions`` row per node. On PostgreSQL the new rows of both tables go in with binary
``COPY`` (asyncpg's ``copy_records_to_table`` on the session's own connection, so inside the
batch's transaction) and the changed node rows with one ``UPDATE ... FROM unnest(...)``; on
SQLite (embedded, one process) they go through SQLAlchemy Core ``executemany`` statements. Both
paths skip the ORM: the batch's session has nothing loaded to keep in sync.

JSON columns are written as :func:`json.dumps` makes them (SQLAlchemy's default serializer);
``None`` is SQL ``NULL``, as :func:`open_backend.db.types.json_type` stores it. asyncpg's errors
are raised as SQLAlchemy's (:class:`~sqlalchemy.exc.IntegrityError` for a refused row,
:class:`~sqlalchemy.exc.OperationalError` for a broken connection), as the ORM path raises them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import ExecutionEvent, NodeExecution
from open_backend.executions.projection import NodeKey, NodeRow, to_datetime

_EVENTS: Final[sa.Table] = ExecutionEvent.__table__  # type: ignore[attr-defined]
_NODES: Final[sa.Table] = NodeExecution.__table__  # type: ignore[attr-defined]

_EVENT_COLUMNS: Final = ("id", "execution_id", "sequence", "kind", "ts", "payload")
_NODE_COLUMNS: Final = (
    "id",
    "execution_id",
    "node_id",
    "map_index",
    "status",
    "attempts",
    "started_at",
    "finished_at",
    "duration_s",
    "result",
    "result_ref",
    "error",
)

#: One statement updating many node rows by id (PostgreSQL): the values come as column arrays.
_PG_UPDATE_NODES: Final = """\
UPDATE node_executions AS n SET
    status = u.status, attempts = u.attempts, started_at = u.started_at,
    finished_at = u.finished_at, duration_s = u.duration_s, result = u.result::jsonb,
    result_ref = u.result_ref, error = u.error::jsonb
FROM unnest($1::uuid[], $2::varchar[], $3::integer[], $4::timestamptz[], $5::timestamptz[],
            $6::double precision[], $7::text[], $8::varchar[], $9::text[])
    AS u(id, status, attempts, started_at, finished_at, duration_s, result, result_ref, error)
WHERE n.id = u.id"""


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


async def _on_driver(
    connection: AsyncConnection, what: str, call: Callable[[Any], Awaitable[object]]
) -> None:
    """Run ``call`` with the asyncpg connection under ``connection``, inside its SQLAlchemy
    transaction; ``what`` names the statement in errors.

    SQLAlchemy's asyncpg adapter sends ``BEGIN`` lazily, with the first statement: when nothing
    has run yet in this transaction, a ``SELECT 1`` starts it, so ``call`` cannot commit on its own.

    Raises:
        sqlalchemy.exc.IntegrityError: a constraint refused the rows.
        sqlalchemy.exc.DatabaseError: PostgreSQL failed otherwise.
        sqlalchemy.exc.OperationalError: the connection broke.
    """
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:  # pragma: no cover - a pooled connection always has its driver connection
        raise RuntimeError("the database connection has no driver connection")
    if not driver.is_in_transaction():
        await connection.exec_driver_sql("SELECT 1")
    try:
        await call(driver)
    except asyncpg.IntegrityConstraintViolationError as error:
        raise sa.exc.IntegrityError(what, None, error) from error
    except asyncpg.PostgresError as error:
        raise sa.exc.DatabaseError(what, None, error) from error
    except (asyncpg.InterfaceError, OSError, TimeoutError) as error:
        raise sa.exc.OperationalError(what, None, error) from error


async def insert_events(
    session: AsyncSession,
    execution_id: uuid.UUID,
    payloads: Sequence[dict[str, Any]],
    ids: Sequence[uuid.UUID],
) -> None:
    """Insert one ``execution_events`` row per payload (``ids[i]`` for ``payloads[i]``), in the
    session's transaction.

    Args:
        payloads: events as :func:`core_engine.event_to_dict` gives them, with their stored
            ``seq`` (the row's ``sequence``), ``kind`` and ``ts`` (Unix seconds).

    Raises:
        sqlalchemy.exc.IntegrityError: a row was refused (a repeated sequence, no such execution).
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    if not payloads:
        return
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        records = [
            (row_id, execution_id, p["seq"], p["kind"], to_datetime(p["ts"]), json.dumps(p))
            for row_id, p in zip(ids, payloads, strict=True)
        ]
        await _on_driver(
            connection,
            f"COPY {_EVENTS.name}",
            lambda driver: driver.copy_records_to_table(
                _EVENTS.name, records=records, columns=_EVENT_COLUMNS
            ),
        )
        return
    await connection.execute(
        _EVENTS.insert(),
        [
            {
                "id": row_id,
                "execution_id": execution_id,
                "sequence": p["seq"],
                "kind": p["kind"],
                "ts": to_datetime(p["ts"]),
                "payload": p,
            }
            for row_id, p in zip(ids, payloads, strict=True)
        ],
    )


async def insert_nodes(
    session: AsyncSession,
    execution_id: uuid.UUID,
    rows: Sequence[tuple[uuid.UUID, NodeKey, NodeRow]],
) -> None:
    """Insert ``node_executions`` rows ``(id, (node id, map index), values)``, in the session's
    transaction.

    Raises:
        sqlalchemy.exc.IntegrityError: a row was refused (e.g. the node's row is already there).
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        records = [
            (
                row_id,
                execution_id,
                node_id,
                map_index,
                row.status.value,
                row.attempts,
                row.started_at,
                row.finished_at,
                row.duration_s,
                _json(row.result),
                row.result_ref,
                _json(row.error),
            )
            for row_id, (node_id, map_index), row in rows
        ]
        await _on_driver(
            connection,
            f"COPY {_NODES.name}",
            lambda driver: driver.copy_records_to_table(_NODES.name, records=records, columns=_NODE_COLUMNS),
        )
        return
    await connection.execute(
        _NODES.insert(),
        [
            {"id": row_id, "execution_id": execution_id, "node_id": node_id, "map_index": map_index}
            | row.values()
            for row_id, (node_id, map_index), row in rows
        ],
    )


async def update_nodes(session: AsyncSession, rows: Sequence[tuple[uuid.UUID, NodeRow]]) -> None:
    """Set the values of the ``node_executions`` rows ``(id, values)``, in the session's transaction.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        columns = (
            [row_id for row_id, _ in rows],
            [row.status.value for _, row in rows],
            [row.attempts for _, row in rows],
            [row.started_at for _, row in rows],
            [row.finished_at for _, row in rows],
            [row.duration_s for _, row in rows],
            [_json(row.result) for _, row in rows],
            [row.result_ref for _, row in rows],
            [_json(row.error) for _, row in rows],
        )
        await _on_driver(
            connection, _PG_UPDATE_NODES, lambda driver: driver.execute(_PG_UPDATE_NODES, *columns)
        )
        return
    await connection.execute(
        _NODES.update().where(_NODES.c.id == sa.bindparam("row_id")),
        [{"row_id": row_id} | row.values() for row_id, row in rows],
    )
