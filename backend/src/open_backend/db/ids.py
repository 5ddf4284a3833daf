"""Primary keys: time-ordered UUIDs (version 7, RFC 9562).

A UUIDv7 starts with its creation time in milliseconds, so rows inserted together land together
in B-tree indexes (random UUIDv4 keys scatter inserts over the whole index) and ids sort roughly
by creation. The remaining 74 bits are random: ids stay unguessable enough to expose in URLs.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Final

_MAX_MILLISECONDS: Final = (1 << 48) - 1


def uuid7(
    clock_ns: Callable[[], int] = time.time_ns,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> uuid.UUID:
    """Return a new version 7 UUID.

    Args:
        clock_ns: clock returning nanoseconds since the Unix epoch (default :func:`time.time_ns`);
            the id keeps its milliseconds.
        random_bytes: source of ``n`` random bytes (default :func:`os.urandom`).

    Raises:
        ValueError: the clock is before the epoch or beyond the 48-bit millisecond range
            (year 10889), or the random source returned fewer than 10 bytes.
    """
    milliseconds = clock_ns() // 1_000_000
    if not 0 <= milliseconds <= _MAX_MILLISECONDS:
        raise ValueError(f"time {milliseconds} ms is outside the UUIDv7 range")
    rand = random_bytes(10)
    if len(rand) < 10:
        raise ValueError("the random source returned fewer than 10 bytes")
    tail = int.from_bytes(rand[:10], "big")
    rand_a = tail >> 68  # 12 bits
    rand_b = tail & ((1 << 62) - 1)  # 62 bits
    value = (milliseconds << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return uuid.UUID(int=value)


def uuid7_batch(
    count: int,
    clock_ns: Callable[[], int] = time.time_ns,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> list[uuid.UUID]:
    """Return ``count`` new version 7 UUIDs sharing one clock reading and one random read.

    The same ids :func:`uuid7` would make within the same millisecond, made about three times
    faster: for the thousands of rows of one event batch.

    Args:
        count: how many ids (``0`` gives an empty list).
        clock_ns: as for :func:`uuid7`, read once.
        random_bytes: as for :func:`uuid7`, called once for ``10 * count`` bytes.

    Raises:
        ValueError: ``count`` is negative, the clock is outside the UUIDv7 range, or the random
            source returned fewer than ``10 * count`` bytes.
    """
    if count < 0:
        raise ValueError(f"cannot make {count} ids: the count must not be negative")
    milliseconds = clock_ns() // 1_000_000
    if not 0 <= milliseconds <= _MAX_MILLISECONDS:
        raise ValueError(f"time {milliseconds} ms is outside the UUIDv7 range")
    rand = random_bytes(10 * count)
    if len(rand) < 10 * count:
        raise ValueError(f"the random source returned fewer than {10 * count} bytes")
    head = (milliseconds << 80) | (0x7 << 76) | (0b10 << 62)
    low_mask = (1 << 62) - 1
    from_bytes = int.from_bytes
    return [
        _uuid_of_int(head | ((tail >> 68) << 64) | (tail & low_mask))
        for tail in (from_bytes(rand[start : start + 10], "big") for start in range(0, 10 * count, 10))
    ]


def _uuid_of_int(value: int) -> uuid.UUID:
    """``uuid.UUID(int=value)`` for a ``value`` known to be a 128-bit version 7 UUID, without
    the constructor's argument checks (a third of the cost; CPython 3.14's own ``uuid7`` builds
    its ids this way, with ``UUID._from_int``)."""
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", value)
    object.__setattr__(made, "is_safe", uuid.SafeUUID.unknown)
    return made


def new_id() -> uuid.UUID:
    """A fresh primary key: :func:`uuid7` with the system clock and :func:`os.urandom`."""
    return uuid7()


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` fresh primary keys: :func:`uuid7_batch` with the system clock and :func:`os.urandom`.

    Raises:
        ValueError: ``count`` is negative.
    """
    return uuid7_batch(count)
