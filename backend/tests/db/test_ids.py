from __future__ import annotations

import uuid

import pytest

from open_backend.db.ids import new_id, new_ids, uuid7, uuid7_batch

JAN_2026_NS = 1_767_225_600_000 * 1_000_000  # 2026-01-01T00:00:00Z


def test_uuid7_sets_version_7_and_the_rfc_variant() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_starts_with_the_unix_time_in_milliseconds() -> None:
    value = uuid7(clock_ns=lambda: JAN_2026_NS + 123_456_789, random_bytes=bytes)
    assert value.int >> 80 == 1_767_225_600_123


def test_uuid7_fills_the_remaining_bits_from_the_random_source() -> None:
    ones = uuid7(clock_ns=lambda: JAN_2026_NS, random_bytes=lambda n: b"\xff" * n)
    zeros = uuid7(clock_ns=lambda: JAN_2026_NS, random_bytes=bytes)
    assert ones.int & ((1 << 62) - 1) == (1 << 62) - 1  # rand_b
    assert (ones.int >> 64) & 0xFFF == 0xFFF  # rand_a
    assert zeros.int & ((1 << 62) - 1) == 0
    assert (zeros.int >> 64) & 0xFFF == 0


def test_ids_of_later_milliseconds_sort_after_earlier_ones() -> None:
    earlier = uuid7(clock_ns=lambda: JAN_2026_NS, random_bytes=lambda n: b"\xff" * n)
    later = uuid7(clock_ns=lambda: JAN_2026_NS + 1_000_000, random_bytes=bytes)
    assert earlier < later
    assert str(earlier) < str(later)


def test_uuid7_refuses_a_clock_before_the_epoch() -> None:
    with pytest.raises(ValueError, match="outside the UUIDv7 range"):
        uuid7(clock_ns=lambda: -1_000_000)


def test_uuid7_refuses_a_short_random_source() -> None:
    with pytest.raises(ValueError, match="fewer than 10 bytes"):
        uuid7(random_bytes=lambda n: b"\x00")


def test_new_ids_are_distinct_version_7_uuids() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert {value.version for value in ids} == {7}


def test_uuid7_batch_makes_the_ids_uuid7_makes_from_consecutive_random_bytes() -> None:
    source = bytes(range(30))
    batch = uuid7_batch(3, clock_ns=lambda: JAN_2026_NS, random_bytes=lambda n: source[:n])
    singles = [
        uuid7(clock_ns=lambda: JAN_2026_NS, random_bytes=lambda n, i=i: source[10 * i : 10 * i + n])
        for i in range(3)
    ]
    assert batch == singles


def test_uuid7_batch_of_zero_is_empty() -> None:
    assert uuid7_batch(0) == []


def test_uuid7_batch_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        uuid7_batch(-1)


def test_uuid7_batch_refuses_a_short_random_source() -> None:
    with pytest.raises(ValueError, match="fewer than 20 bytes"):
        uuid7_batch(2, random_bytes=lambda n: b"\x00" * 10)


def test_new_ids_makes_distinct_version_7_uuids() -> None:
    ids = new_ids(3000)
    assert len(set(ids)) == 3000
    assert {value.version for value in ids} == {7}
    assert {value.variant for value in ids} == {uuid.RFC_4122}
