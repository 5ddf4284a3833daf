"""Column types that behave the same on PostgreSQL and SQLite.

* :class:`UTCDateTime`: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite; always takes and
  returns timezone-aware UTC datetimes, and refuses naive ones.
* :class:`LowerCaseString`: a string lower-cased on the way in, in values and in query parameters
  alike, so ``User.email == "Ada@Example.org"`` finds ``ada@example.org``.
* :func:`json_type`: ``JSONB`` on PostgreSQL, ``JSON`` elsewhere; Python ``None`` is SQL ``NULL``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (microsecond precision)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    Binding converts any aware datetime to UTC (SQLite stores it without offset, as
    ``YYYY-MM-DD HH:MM:SS.ffffff``, which sorts correctly as text); loading always returns
    ``tzinfo=UTC``.

    Raises:
        ValueError: on binding a naive datetime (its zone is unknown; pass an aware one).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert ``value`` to UTC; strip the offset for SQLite, which cannot store one."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored: pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return ``value`` as an aware UTC datetime (SQLite's naive values are UTC)."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LowerCaseString(TypeDecorator[str]):
    """A ``VARCHAR(length)`` whose values and query parameters are lower-cased on binding."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Lower-case ``value`` (``None`` stays ``None``)."""
        return None if value is None else value.lower()

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Return the stored value unchanged."""
        return value


def json_type() -> TypeEngine[Any]:
    """A JSON document column type: ``JSONB`` on PostgreSQL, ``JSON`` elsewhere.

    Python ``None`` is stored as SQL ``NULL`` (not the JSON ``null`` literal), so ``IS NULL``
    finds missing documents.
    """
    return sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
