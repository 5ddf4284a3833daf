from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from open_backend.db.models import ExecutionEvent, Organization, metadata
from open_backend.db.types import LowerCaseString, UTCDateTime, utcnow

from .models._factory import Factory

INDIA = timezone(timedelta(hours=5, minutes=30))


def test_utcnow_is_aware_utc() -> None:
    assert utcnow().tzinfo is UTC


def test_binding_for_sqlite_stores_naive_utc() -> None:
    bound = UTCDateTime().process_bind_param(datetime(2026, 3, 1, 17, 30, tzinfo=INDIA), sqlite.dialect())
    assert bound == datetime(2026, 3, 1, 12, 0)


def test_binding_for_postgresql_keeps_an_aware_utc_value() -> None:
    bound = UTCDateTime().process_bind_param(datetime(2026, 3, 1, 17, 30, tzinfo=INDIA), postgresql.dialect())
    assert bound == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert bound is not None
    assert bound.tzinfo is UTC


def test_binding_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UTCDateTime().process_bind_param(datetime(2026, 3, 1), postgresql.dialect())


def test_loading_a_naive_value_marks_it_utc() -> None:
    loaded = UTCDateTime().process_result_value(datetime(2026, 3, 1, 12), sqlite.dialect())
    assert loaded == datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_loading_an_aware_value_converts_it_to_utc() -> None:
    loaded = UTCDateTime().process_result_value(
        datetime(2026, 3, 1, 17, 30, tzinfo=INDIA), postgresql.dialect()
    )
    assert loaded is not None
    assert (loaded, loaded.tzinfo) == (datetime(2026, 3, 1, 12, tzinfo=UTC), UTC)


def test_lower_case_string_lower_cases_bound_values() -> None:
    assert LowerCaseString(10).process_bind_param("Ada@EXAMPLE.org", sqlite.dialect()) == "ada@example.org"
    assert LowerCaseString(10).process_bind_param(None, sqlite.dialect()) is None


async def test_timestamps_round_trip_as_the_same_instant_in_aware_utc(session: AsyncSession) -> None:
    created_at = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=INDIA)
    organization = await Factory(session).organization(created_at=created_at)
    session.expunge_all()
    loaded = await session.get_one(Organization, organization.id)
    assert loaded.created_at == created_at
    assert loaded.created_at.tzinfo is UTC
    assert loaded.created_at.isoformat() == "2026-03-28T20:00:15.123456+00:00"


async def test_the_database_holds_the_utc_wall_time(session: AsyncSession) -> None:
    organization = await Factory(session).organization(created_at=datetime(2026, 1, 1, 5, 30, tzinfo=INDIA))
    table = metadata.tables["organizations"]
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        query = sa.select(
            sa.func.to_char(sa.func.timezone("UTC", table.c.created_at), "YYYY-MM-DD HH24:MI:SS")
        )
    else:
        query = sa.select(sa.cast(table.c.created_at, sa.Text))
    stored = (await connection.execute(query.where(table.c.id == organization.id))).scalar_one()
    assert stored.startswith("2026-01-01 00:00:00")


async def test_timestamps_in_different_offsets_sort_by_instant(session: AsyncSession) -> None:
    factory = Factory(session)
    _, _, _, execution = await factory.executed_dag()
    base = datetime(2026, 1, 1, 12, tzinfo=UTC)
    await factory.event(execution, 0, ts=(base + timedelta(hours=1)).astimezone(INDIA))  # 17:30 +05:30
    await factory.event(execution, 1, ts=base)  # 12:00 UTC
    await factory.event(
        execution, 2, ts=(base + timedelta(hours=2)).astimezone(timezone(timedelta(hours=-8)))
    )
    ordered = await session.exec(
        select(ExecutionEvent.sequence)
        .where(col(ExecutionEvent.execution_id) == execution.id)
        .order_by(col(ExecutionEvent.ts))
    )
    assert ordered.all() == [1, 0, 2]


async def test_filtering_by_an_aware_timestamp_compares_instants(session: AsyncSession) -> None:
    factory = Factory(session)
    organization = await factory.organization(created_at=datetime(2026, 1, 1, 12, tzinfo=UTC))
    found = await session.exec(
        select(Organization.id).where(
            col(Organization.id) == organization.id,
            col(Organization.created_at) == datetime(2026, 1, 1, 17, 30, tzinfo=INDIA),
        )
    )
    assert found.all() == [organization.id]


async def test_storing_a_naive_timestamp_is_refused(session: AsyncSession) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await Factory(session).organization(created_at=datetime(2026, 1, 1, 12))
