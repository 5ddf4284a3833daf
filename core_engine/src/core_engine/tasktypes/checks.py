"""Small pure helpers for ``config_problems`` implementations, shared by every task type."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeGuard


def unknown_fields(
    config: Mapping[str, Any], known: Collection[str], type_name: str
) -> list[tuple[str, str]]:
    """A problem for every key of ``config`` outside ``known``, in key order."""
    unknown = sorted(set(config) - set(known))
    return [(str(key), f"is not a config field of {type_name!r}") for key in unknown]


def is_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an ``int`` and not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is an ``int`` or a ``float`` and not a ``bool``."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def int_problem(config: Mapping[str, Any], key: str, low: int, high: int) -> list[tuple[str, str]]:
    """A problem when ``config`` holds ``key`` and it is not an integer in ``[low, high]``."""
    if key not in config:
        return []
    value = config[key]
    if is_int(value) and low <= value <= high:
        return []
    return [(key, f"must be an integer in [{low}, {high}]")]


def bool_problem(config: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
    """A problem when ``config`` holds ``key`` and it is not ``true`` or ``false``."""
    if key in config and not isinstance(config[key], bool):
        return [(key, "must be true or false")]
    return []
