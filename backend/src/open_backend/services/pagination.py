"""Keyset pagination with opaque cursors, for every list the API serves as a connection.

A page is ordered by ``(sort key, id)``; a cursor encodes the sort key and id of one row and
the kind of list it belongs to (``"dags"``, ``"members"``, ...), as URL-safe base64 of a small
JSON array. The next page starts strictly after that row, found through the index on the sort
key: no ``OFFSET``, so page cost does not grow with depth and rows inserted meanwhile do not
shift later pages. Clients treat cursors as opaque strings.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select, SelectOfScalar

from open_backend.errors import ValidationFailed

#: Page size when a client does not say ``first``.
DEFAULT_PAGE_SIZE: Final = 20

#: Largest ``first`` a client may ask for; larger values are refused, not clamped.
MAX_PAGE_SIZE: Final = 100

T = TypeVar("T")

#: A sort key value: a string, an integer or an aware datetime.
CursorKey = str | int | datetime


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list.

    Attributes:
        items: ``(cursor, item)`` in list order.
        has_next_page: whether rows follow the last item.
        total_count: rows of the whole filtered list, all pages together.
    """

    items: list[tuple[str, T]]
    has_next_page: bool
    total_count: int

    @property
    def end_cursor(self) -> str | None:
        """The cursor of the last item, or ``None`` for an empty page."""
        return self.items[-1][0] if self.items else None


def encode_cursor(kind: str, key: CursorKey, row_id: uuid.UUID) -> str:
    """The opaque cursor of the row ``row_id`` whose sort key is ``key`` in the list ``kind``."""
    if isinstance(key, datetime):
        tagged: list[Any] = ["t", key.isoformat()]
    elif isinstance(key, int):
        tagged = ["i", key]
    else:
        tagged = ["s", key]
    raw = json.dumps([kind, *tagged, row_id.hex], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str) -> tuple[CursorKey, uuid.UUID]:
    """The ``(sort key, id)`` encoded in ``cursor``, which must come from the list ``kind``.

    Raises:
        ValidationFailed: the cursor is malformed or belongs to another kind of list
            (``details["field"] == "after"``).
    """
    invalid = ValidationFailed("the cursor is not valid for this list", {"field": "after"})
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
        cursor_kind, tag, value, hex_id = raw
        row_id = uuid.UUID(hex=hex_id)
    except (ValueError, TypeError, AttributeError, binascii.Error):
        raise invalid from None
    if cursor_kind != kind:
        raise invalid
    if tag == "t" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise invalid from None
        if moment.tzinfo is None:  # the database holds aware UTC times only
            raise invalid
        key: CursorKey = moment
    elif (tag == "i" and isinstance(value, int) and not isinstance(value, bool)) or (
        tag == "s" and isinstance(value, str)
    ):
        key = value
    else:
        raise invalid
    return key, row_id


def check_page_size(first: int | None) -> int:
    """``first`` checked against :data:`MAX_PAGE_SIZE` (``None``: :data:`DEFAULT_PAGE_SIZE`).

    Raises:
        ValidationFailed: ``first`` is negative or above the maximum (``details["field"] == "first"``).
    """
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"first must be between 0 and {MAX_PAGE_SIZE}", {"field": "first"})
    return first


@dataclass(frozen=True, slots=True)
class Order(Generic[T]):
    """How a list is sorted and how its cursors are made.

    Attributes:
        kind: the list's name inside its cursors.
        key: the sort column (or expression); ties are broken by ``id_column``.
        id_column: a unique column, sorted in the same direction as ``key``.
        key_of: the sort key of a loaded item.
        id_of: the id of a loaded item.
        descending: newest or largest first.
    """

    kind: str
    key: Mapped[Any]
    id_column: Mapped[Any]
    key_of: Callable[[T], CursorKey]
    id_of: Callable[[T], uuid.UUID]
    descending: bool = False


async def paginate(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]] | SelectOfScalar[Any],
    order: Order[T],
    *,
    first: int | None,
    after: str | None,
) -> Page[T]:
    """One page of ``statement`` (already filtered, not ordered) in ``order``.

    Runs two queries: the count of the filtered list and the page itself (one row more than
    asked, to learn whether another page follows).

    Raises:
        ValidationFailed: ``first`` is out of range or ``after`` is not a cursor of this list.
    """
    size = check_page_size(first)
    count_query = select(func.count()).select_from(statement.order_by(None).subquery())
    total = (await session.exec(count_query)).one()
    page_query = statement
    if after is not None:
        key, row_id = decode_cursor(order.kind, after)
        position = sa.tuple_(order.key, order.id_column)  # compared values take the columns' types
        page_query = page_query.where(
            position < (key, row_id) if order.descending else position > (key, row_id)
        )
    if order.descending:
        page_query = page_query.order_by(order.key.desc(), order.id_column.desc())
    else:
        page_query = page_query.order_by(order.key.asc(), order.id_column.asc())
    rows: Sequence[Any] = (await session.exec(page_query.limit(size + 1))).all()
    items = [(encode_cursor(order.kind, order.key_of(row), order.id_of(row)), row) for row in rows[:size]]
    return Page(items=items, has_next_page=len(rows) > size, total_count=int(total))
