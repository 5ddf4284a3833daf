from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from open_backend.executions.artifacts import ArtifactStore, marker, ref_of


def test_a_small_result_stays_inline(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path, max_inline_bytes=16)
    assert store.store_if_large(uuid.uuid4(), "a", None, [1, 2]) == [1, 2]
    assert list(tmp_path.iterdir()) == []


def test_a_result_over_the_limit_is_written_and_read_back(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path, max_inline_bytes=16)
    execution_id = uuid.uuid4()
    stored = store.store_if_large(execution_id, "a", 3, {"text": "x" * 20})
    assert stored == marker(f"{execution_id.hex}/a.3.json")
    assert store.resolve(stored) == {"text": "x" * 20}


def test_the_limit_is_inclusive(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path, max_inline_bytes=len(b'"abc"'))
    assert store.store_if_large(uuid.uuid4(), "a", None, "abc") == "abc"
    assert ref_of(store.store_if_large(uuid.uuid4(), "a", None, "abcd")) is not None


def test_a_reference_leaving_the_artifact_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.json").write_text("1")
    store = ArtifactStore(tmp_path / "artifacts", max_inline_bytes=16)
    with pytest.raises(ValueError, match="leaves the artifact folder"):
        store.load("../secret.json")


def test_only_a_one_key_marker_object_is_a_reference() -> None:
    assert ref_of({"$artifact": "x/a.json"}) == "x/a.json"
    assert ref_of({"$artifact": "x/a.json", "more": 1}) is None
    assert ref_of({"$artifact": 3}) is None
    assert ref_of("x/a.json") is None
