from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from open_backend.settings import Environment, Settings


def test_artifacts_default_to_a_folder_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(env=Environment.TEST, data_dir=tmp_path)
    assert settings.artifact_path == tmp_path.resolve() / "artifacts"
    assert settings.max_result_bytes == 64 * 1024


def test_the_artifact_folder_and_limits_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPEN_ARTIFACT_DIR", str(tmp_path / "blobs"))
    monkeypatch.setenv("OPEN_MAX_RESULT_BYTES", "10")
    monkeypatch.setenv("OPEN_ALLOWED_CALLABLE_MODULES", " json , mycompany.tasks,, ")
    monkeypatch.setenv("OPEN_EVENT_FLUSH_INTERVAL_S", "0.02")
    settings = Settings()
    assert settings.artifact_path == (tmp_path / "blobs").resolve()
    assert settings.max_result_bytes == 10
    assert settings.callable_module_allow_list == ("json", "mycompany.tasks")
    assert settings.event_flush_interval_s == 0.02


def test_no_callable_module_is_allowed_by_default() -> None:
    assert Settings(env=Environment.TEST).callable_module_allow_list == ()


@pytest.mark.parametrize("interval", [0, 0.5])
def test_the_flush_interval_must_be_positive_and_at_most_100_ms(interval: float) -> None:
    with pytest.raises(ValidationError, match=r"event_flush_interval_s|OPEN_EVENT_FLUSH_INTERVAL_S"):
        Settings(env=Environment.TEST, event_flush_interval_s=interval)
