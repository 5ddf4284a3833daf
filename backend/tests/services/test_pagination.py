from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from open_backend.errors import ValidationFailed
from open_backend.services.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CursorKey,
    check_page_size,
    decode_cursor,
    encode_cursor,
)

keys = st.one_of(
    st.text(max_size=50),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.datetimes(timezones=st.just(UTC)),
)


@given(key=keys, row_id=st.uuids())
def test_a_cursor_decodes_to_its_key_and_id(key: CursorKey, row_id: uuid.UUID) -> None:
    assert decode_cursor("dags", encode_cursor("dags", key, row_id)) == (key, row_id)


def test_a_datetime_key_keeps_its_offset_as_the_same_instant() -> None:
    moment = datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    key, _ = decode_cursor("members", encode_cursor("members", moment, uuid.uuid4()))
    assert key == moment


def test_a_cursor_is_url_safe_text_without_padding() -> None:
    cursor = encode_cursor("dags", "a/b+c?", uuid.uuid4())
    assert cursor.replace("-", "").replace("_", "").isalnum()


def test_a_cursor_of_another_list_is_refused() -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor("members", encode_cursor("dags", "etl", uuid.uuid4()))
    assert raised.value.details == {"field": "after"}


def raw_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 at all!",
        raw_cursor({"kind": "dags"}),
        raw_cursor(["dags", "s", "etl"]),
        raw_cursor(["dags", "s", "etl", "not-a-uuid"]),
        raw_cursor(["dags", "s", "etl", 12]),
        raw_cursor(["dags", "x", "etl", uuid.uuid4().hex]),
        raw_cursor(["dags", "i", True, uuid.uuid4().hex]),
        raw_cursor(["dags", "i", "7", uuid.uuid4().hex]),
        raw_cursor(["dags", "t", "yesterday", uuid.uuid4().hex]),
        raw_cursor(["dags", "t", "2026-03-01T12:00:00", uuid.uuid4().hex]),
        "ünïcode",
    ],
)
def test_a_malformed_cursor_is_a_validation_error(cursor: str) -> None:
    with pytest.raises(ValidationFailed):
        decode_cursor("dags", cursor)


def test_page_size_defaults_and_bounds() -> None:
    assert check_page_size(None) == DEFAULT_PAGE_SIZE
    assert check_page_size(0) == 0
    assert check_page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE


@pytest.mark.parametrize("first", [-1, MAX_PAGE_SIZE + 1])
def test_a_page_size_out_of_bounds_is_refused(first: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        check_page_size(first)
    assert raised.value.details == {"field": "first"}
