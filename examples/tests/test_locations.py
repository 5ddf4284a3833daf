"""Where the examples write by default."""

import tempfile
from pathlib import Path

from open_examples import locations


def test_outputs_go_under_the_artifact_dir_when_it_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.ARTIFACT_DIR_ENV, str(tmp_path))
    assert locations.output_dir("wine_pipeline") == tmp_path.resolve() / "examples" / "wine_pipeline"


def test_outputs_go_under_the_temp_dir_otherwise(monkeypatch):
    monkeypatch.delenv(locations.ARTIFACT_DIR_ENV, raising=False)
    expected = Path(tempfile.gettempdir()).resolve() / "open-examples" / "wine_pipeline"
    assert locations.output_dir("wine_pipeline") == expected


def test_a_given_folder_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.ARTIFACT_DIR_ENV, "/elsewhere")
    assert locations.output_dir("x", str(tmp_path / "mine")) == tmp_path.resolve() / "mine"


def test_the_build_dir_follows_its_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.BUILD_DIR_ENV, str(tmp_path))
    assert locations.build_dir() == tmp_path.resolve()
