"""Leases: which worker runs an execution, taken and renewed atomically, timed by the database.

A worker *claims* an execution (``queued`` -> ``running``, or a ``running`` one whose lease has
expired) with one ``UPDATE``; the claim writes a fresh token ``<worker id>/<random>`` into
``lease_owner`` and ``lease_expires_at = now + ttl`` by the database clock (PostgreSQL's
``clock_timestamp()``; SQLite, embedded and single-process, uses this process's clock). The
holder renews the lease with every event batch and on a heartbeat; a renewal matches on the
token, so once another worker has claimed the execution (or the reconciler has handed it back to
the queue) the old holder's renewals fail and its late events are refused: the token is a
fencing token. A holder whose lease merely expired, with nobody else having claimed it, may
renew it again (a database outage of a few seconds does not stop a run).

Concurrency limits: a claim succeeds only while fewer than ``dags.max_concurrent_executions``
other executions of the DAG, and fewer than ``organizations.max_concurrent_executions`` of the
organization, are ``running``; on PostgreSQL the DAG row (and the organization row, when it has
a limit) is locked for the claim so two claims cannot both take the last slot.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import Dag, Execution, ExecutionStatus, Organization
from open_backend.db.types import UTCDateTime, utcnow


class LeaseLost(RuntimeError):
    """The execution's lease belongs to someone else now: this holder must stop writing."""


def db_now(session: AsyncSession) -> ColumnElement[datetime]:
    """The current time by the database's clock, as a SQL expression (aware UTC).

    PostgreSQL: ``clock_timestamp()`` (the real time, also inside a long transaction). SQLite
    has no server: this process's UTC clock, bound as a parameter.
    """
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.clock_timestamp()
    return sa.literal(utcnow(), UTCDateTime)


def _plus_seconds(session: AsyncSession, seconds: float) -> ColumnElement[datetime]:
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.clock_timestamp() + sa.func.make_interval(0, 0, 0, 0, 0, 0, seconds)
    return sa.literal(utcnow() + timedelta(seconds=seconds), UTCDateTime)


def new_token(worker_id: str) -> str:
    """A lease token for one claim by ``worker_id``: ``<worker id>/<16 random hex digits>``."""
    return f"{worker_id[:230]}/{secrets.token_hex(8)}"


async def claim(session: AsyncSession, execution_id: uuid.UUID, worker_id: str, ttl_s: float) -> str | None:
    """Take the lease of ``execution_id`` for ``ttl_s`` seconds, in the session's transaction;
    returns the claim's lease token (its fencing token).

    Returns ``None`` when the execution is not claimable: ended, held under a live lease, missing,
    or its DAG or its organization already runs ``max_concurrent_executions`` executions.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database failed.
    """
    owner = (
        await session.exec(
            select(Execution.dag_id, Execution.organization_id).where(col(Execution.id) == execution_id)
        )
    ).one_or_none()
    if owner is None:
        return None
    dag_id, organization_id = owner
    limit = (
        await session.exec(
            select(Dag.max_concurrent_executions).where(col(Dag.id) == dag_id).with_for_update()
        )
    ).one_or_none()
    org_limit = (
        await session.exec(
            select(Organization.max_concurrent_executions).where(col(Organization.id) == organization_id)
        )
    ).one_or_none()
    if org_limit is not None:  # lock the row only when there is a limit: claims stay parallel
        org_limit = (
            await session.exec(
                select(Organization.max_concurrent_executions)
                .where(col(Organization.id) == organization_id)
                .with_for_update()
            )
        ).one_or_none()
    now = db_now(session)
    claimable = sa.or_(
        col(Execution.status) == ExecutionStatus.QUEUED,
        sa.and_(col(Execution.status) == ExecutionStatus.RUNNING, col(Execution.lease_expires_at) < now),
    )
    conditions: list[Any] = [col(Execution.id) == execution_id, claimable]
    if limit is not None:
        conditions.append(_running_others(execution_id, "dag_id", dag_id) < limit)
    if org_limit is not None:
        conditions.append(_running_others(execution_id, "organization_id", organization_id) < org_limit)
    token = new_token(worker_id)
    claimed = await session.exec(
        sa.update(Execution)
        .where(*conditions)
        .values(
            status=ExecutionStatus.RUNNING,
            lease_owner=token,
            lease_expires_at=_plus_seconds(session, ttl_s),
            cancel_requested_at=None,
        )
        .returning(col(Execution.id))
    )
    return token if claimed.first() is not None else None


def _running_others(execution_id: uuid.UUID, column: str, value: uuid.UUID) -> ColumnElement[int]:
    """How many executions other than ``execution_id`` with ``column = value`` are running."""
    others = sa.alias(Execution.__table__, "others")  # type: ignore[attr-defined]
    return (
        sa.select(sa.func.count())
        .select_from(others)
        .where(
            others.c[column] == value,
            others.c.status == ExecutionStatus.RUNNING.value,
            others.c.id != execution_id,
        )
        .scalar_subquery()
    )


@dataclass
class Lease:
    """The lease one holder has on one execution, renewed with each write and by a heartbeat.

    Attributes:
        execution_id: the leased execution.
        token: the claim's fencing token.
        ttl_s: seconds each renewal extends the lease by.
        on_lost: called once when a renewal finds the lease taken by someone else.
        on_cancel_requested: called once when a renewal finds a cancellation request.
        lost: set once the lease is lost; nothing more may be written under it.
        renewed_at: ``time.monotonic()`` of the last successful renewal.
    """

    execution_id: uuid.UUID
    token: str
    ttl_s: float
    on_lost: Callable[[], None] = lambda: None
    on_cancel_requested: Callable[[], None] = lambda: None
    lost: bool = False
    renewed_at: float = field(default_factory=time.monotonic)
    _cancel_seen: bool = False

    async def renew(self, session: AsyncSession, **values: Any) -> None:
        """Extend the lease by :attr:`ttl_s`, in the session's transaction (a batch writes its
        events in the same transaction, so they are stored only under a valid lease).

        Args:
            values: more ``executions`` columns to set in the same statement (a batch's new
                status and times), only if the lease is still held.

        Raises:
            LeaseLost: another holder claimed the execution, or it was handed back to the queue
                or ended; :attr:`on_lost` has been called.
            sqlalchemy.exc.SQLAlchemyError: the database failed.
        """
        if self.lost:
            raise LeaseLost(f"the lease on execution {self.execution_id} is lost")
        renewed = (
            await session.exec(
                sa.update(Execution)
                .where(
                    col(Execution.id) == self.execution_id,
                    col(Execution.lease_owner) == self.token,
                    col(Execution.status) == ExecutionStatus.RUNNING,
                )
                .values(lease_expires_at=_plus_seconds(session, self.ttl_s), **values)
                .returning(col(Execution.cancel_requested_at))
                .execution_options(synchronize_session=False)  # nothing of it is loaded here
            )
        ).first()
        if renewed is None:
            self.lost = True
            self.on_lost()
            raise LeaseLost(f"the lease on execution {self.execution_id} was taken by another holder")
        self.renewed_at = time.monotonic()
        if renewed[0] is not None and not self._cancel_seen:
            self._cancel_seen = True
            self.on_cancel_requested()

    async def release(self, session: AsyncSession) -> bool:
        """Hand a still-running execution back to the queue (``queued``, no holder), keeping its
        events: the next claim resumes it. Returns whether this holder still had it.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: the database failed.
        """
        released = await session.exec(
            sa.update(Execution)
            .where(
                col(Execution.id) == self.execution_id,
                col(Execution.lease_owner) == self.token,
                col(Execution.status) == ExecutionStatus.RUNNING,
            )
            .values(status=ExecutionStatus.QUEUED, lease_owner=None, lease_expires_at=None)
            .returning(col(Execution.id))
        )
        self.lost = True
        return released.first() is not None
