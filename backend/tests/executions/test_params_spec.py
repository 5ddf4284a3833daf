from __future__ import annotations

import uuid
from typing import Any

import pytest

from core_engine import DefinitionError
from open_backend.executions.params_spec import ParamsSpecCache


def definition(**params: Any) -> dict[str, Any]:
    node = {"id": "a", "task": {"type": "noop", "config": {}}, "depends_on": []}
    return {"schema_version": 1, "name": "flow", "nodes": [node], "params": params}


#: Parameter declarations that do not parse: ``params`` must be an object.
BROKEN: dict[str, Any] = {"schema_version": 1, "name": "flow", "nodes": [], "params": 5}


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
    with pytest.raises(DefinitionError):
        cache.get(b, BROKEN)  # b was dropped: parsed again, and BROKEN does not parse


def test_a_definition_that_does_not_parse_is_not_cached() -> None:
    cache, version_id = ParamsSpecCache(), uuid.uuid4()
    with pytest.raises(DefinitionError, match="params"):
        cache.get(version_id, BROKEN)
    assert len(cache) == 0


def test_nodes_of_task_types_the_engine_alone_lacks_do_not_stop_the_parameters_being_read() -> None:
    # "python" is a platform task type: core_engine's own registry does not have it.
    raw = definition(n={"type": "integer", "default": 2})
    raw["nodes"] = [{"id": "a", "task": {"type": "python", "config": {"function": "x.y:z"}}}]
    spec = ParamsSpecCache().get(uuid.uuid4(), raw)
    assert (spec["n"].type, spec["n"].default) == ("integer", 2)


def test_the_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        ParamsSpecCache(capacity=0)
