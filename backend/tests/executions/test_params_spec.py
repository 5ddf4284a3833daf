from __future__ import annotations

import uuid
from typing import Any

import pytest

from core_engine import DAGValidationError, DefinitionError
from open_backend.executions.params_spec import ParamsSpecCache


def definition(**params: Any) -> dict[str, Any]:
    node = {"id": "a", "task": {"type": "noop", "config": {}}, "depends_on": []}
    return {"schema_version": 1, "name": "flow", "nodes": [node], "params": params}


def test_a_version_is_parsed_once_then_served_from_the_cache() -> None:
    cache, version_id = ParamsSpecCache(), uuid.uuid4()
    first = cache.get(version_id, definition(n={"type": "integer"}))
    assert set(first) == {"n"}
    assert cache.get(version_id, {"not": "parsed again"}) is first


def test_the_least_recently_used_version_is_dropped_past_the_capacity() -> None:
    cache = ParamsSpecCache(capacity=2)
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    cache.get(a, definition(x={"type": "integer"}))
    cache.get(b, definition())
    cache.get(a, {})  # a is now the most recently used
    cache.get(c, definition())
    assert len(cache) == 2
    assert set(cache.get(a, {})) == {"x"}
    with pytest.raises((DefinitionError, DAGValidationError)):
        cache.get(b, {})  # b was dropped: parsed again, and {} is no definition


def test_a_definition_that_does_not_parse_is_not_cached() -> None:
    cache, version_id = ParamsSpecCache(), uuid.uuid4()
    with pytest.raises((DefinitionError, DAGValidationError)):
        cache.get(version_id, {})
    assert len(cache) == 0


def test_the_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        ParamsSpecCache(capacity=0)
