"""Object ids in the API: ``ID`` values holding the UUID of a row."""

from __future__ import annotations

import uuid

import strawberry

from open_backend.errors import NotFound


def to_id(value: uuid.UUID) -> strawberry.ID:
    """The API id of the row whose key is ``value``."""
    return strawberry.ID(str(value))


def parse_id(value: str, what: str) -> uuid.UUID:
    """The row key inside the API id ``value``.

    Raises:
        NotFound: ``value`` is not an id at all, so no ``what`` can have it.
    """
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"no such {what}") from None
