"""Node results too large to keep in a database row, stored as files in the artifact folder.

A result whose JSON exceeds ``OPEN_MAX_RESULT_BYTES`` is written to
``<OPEN_ARTIFACT_DIR>/<execution id>/<node id>[.<map index>].json``; the stored event and the
node row keep the marker ``{"$artifact": "<relative path>"}`` (:func:`marker`) instead. Paths are
relative to the artifact folder, so the folder can move.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Final

from open_backend.executions.stored_json import stored_json

#: The key of an artifact marker: ``{"$artifact": "<relative path>"}``.
ARTIFACT_KEY: Final = "$artifact"


def marker(ref: str) -> dict[str, str]:
    """The value stored in place of a result held in the artifact ``ref``."""
    return {ARTIFACT_KEY: ref}


def ref_of(value: Any) -> str | None:
    """The artifact reference when ``value`` is a :func:`marker`, else ``None``."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get(ARTIFACT_KEY), str):
        ref: str = value[ARTIFACT_KEY]
        return ref
    return None


class ArtifactStore:
    """Reads and writes result artifacts under ``root`` (blocking file I/O: call it off the loop).

    Args:
        root: the artifact folder; created on first write.
        max_inline_bytes: results whose JSON is longer are written here.
    """

    def __init__(self, root: Path, max_inline_bytes: int) -> None:
        self.root = root
        self.max_inline_bytes = max_inline_bytes

    def store_if_large(
        self, execution_id: uuid.UUID, node_id: str, map_index: int | None, result: Any
    ) -> Any:
        """``result`` in its stored form (:func:`~open_backend.executions.stored_json.stored_json`)
        when its JSON is at most ``max_inline_bytes`` long, else the marker of the artifact now
        holding that form.

        Raises:
            OSError: the artifact cannot be written.
        """
        safe, data = stored_json(result)
        if len(data) <= self.max_inline_bytes:
            return safe
        name = node_id if map_index is None else f"{node_id}.{map_index}"
        ref = f"{execution_id.hex}/{name}.json"
        path = self.root / ref
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return marker(ref)

    def load(self, ref: str) -> Any:
        """The result held in the artifact ``ref``.

        Raises:
            ValueError: ``ref`` points outside the artifact folder.
            OSError: the artifact cannot be read.
        """
        path = (self.root / ref).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"artifact reference {ref!r} leaves the artifact folder")
        return json.loads(path.read_bytes())

    def resolve(self, value: Any) -> Any:
        """``value``, or the result its artifact holds when it is a marker."""
        ref = ref_of(value)
        return value if ref is None else self.load(ref)
