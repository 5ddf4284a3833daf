"""The declared run parameters of DAG versions, parsed once per version.

A stored version never changes, so its parameter declarations are parsed from its definition
the first time it runs and kept by version id in a bounded LRU: ``executeDag`` checks
parameters without parsing the whole definition again on every request.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

from core_engine import ParamSpec
from core_engine.definition import declared_params

#: Versions whose parameter declarations are kept.
DEFAULT_CAPACITY: Final = 1024


class ParamsSpecCache:
    """Parameter declarations by DAG version id, at most ``capacity`` of them (least recently
    used dropped first). Keyed by the id alone: a version's definition is immutable."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._specs: OrderedDict[uuid.UUID, Mapping[str, ParamSpec]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._specs)

    def get(self, version_id: uuid.UUID, definition: Mapping[str, Any]) -> Mapping[str, ParamSpec]:
        """The parameters declared by ``definition``, the definition of version ``version_id``.

        Only the ``params`` block is read (:func:`core_engine.definition.declared_params`): nodes
        need task types and modules a gateway may not have.

        Raises:
            DefinitionError: the parameter declarations do not parse (not cached).
        """
        with self._lock:
            spec = self._specs.get(version_id)
            if spec is not None:
                self._specs.move_to_end(version_id)
                return spec
        spec = declared_params(definition)
        with self._lock:
            self._specs[version_id] = spec
            self._specs.move_to_end(version_id)
            while len(self._specs) > self.capacity:
                self._specs.popitem(last=False)
        return spec


#: The process's cache, used by :func:`open_backend.executions.service.execute_dag`.
PARAMS_SPECS: Final = ParamsSpecCache()
