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


def new_id() -> uuid.UUID:
    """A fresh primary key: :func:`uuid7` with the system clock and :func:`os.urandom`."""
    return uuid7()
