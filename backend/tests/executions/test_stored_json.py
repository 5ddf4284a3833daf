"""The stored form of task output: what JSON or jsonb cannot hold becomes ``{"$repr": ...}``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from open_backend.executions.stored_json import storable_text, stored_json


def test_a_value_already_storable_is_returned_itself_with_its_json() -> None:
    value = {"rows": [1, 2.5, None, True], "name": "é"}
    safe, data = stored_json(value)
    assert safe is value
    assert json.loads(data) == value


def test_non_finite_floats_become_their_repr_wherever_they_are() -> None:
    safe, data = stored_json({"scores": [1.0, float("nan"), float("inf")], "low": float("-inf")})
    assert safe == {"scores": [1.0, {"$repr": "nan"}, {"$repr": "inf"}], "low": {"$repr": "-inf"}}
    assert json.loads(data) == safe


def test_values_of_other_types_become_their_repr() -> None:
    when = dt.date(2026, 12, 7)
    safe, data = stored_json({"when": when, "tags": {"a"}})
    assert safe == {"when": {"$repr": repr(when)}, "tags": {"$repr": "{'a'}"}}
    assert json.loads(data) == safe


def test_strings_with_nul_become_their_repr_and_so_do_such_keys() -> None:
    safe, data = stored_json({"a\x00": "b\x00c", "ok": "fine"})
    assert safe == {repr("a\x00"): {"$repr": repr("b\x00c")}, "ok": "fine"}
    assert b"\\u0000" not in data and b"\x00" not in data


def test_keys_are_written_as_json_writes_them_and_others_as_their_repr() -> None:
    safe, _ = stored_json({1: "int", None: "none", (1, 2): "tuple", 2.5: float("nan")})
    assert safe == {"1": "int", "null": "none", "(1, 2)": "tuple", "2.5": {"$repr": "nan"}}


def test_tuples_become_lists() -> None:
    safe, _ = stored_json((1, (2, float("nan"))))
    assert safe == [1, [2, {"$repr": "nan"}]]


def test_a_container_that_holds_itself_is_stored_as_the_repr_of_the_whole_value() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    safe, data = stored_json({"loop": loop})
    assert safe == {"$repr": "{'loop': [1, [...]]}"}
    assert json.loads(data) == safe


def test_a_value_nested_past_the_recursion_limit_is_stored_as_a_note() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    safe, data = stored_json(deep)
    assert safe == {"$repr": "<list nested too deeply to store>"}
    assert json.loads(data) == safe


def test_a_repr_that_raises_is_stored_as_a_note() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    safe, _ = stored_json([Broken()])
    assert safe == [{"$repr": "<Broken whose repr raised RuntimeError>"}]


def test_storable_text_shows_nul_as_an_escape() -> None:
    assert storable_text("a\x00b") == "a\\x00b"
    assert storable_text("plain") == "plain"
