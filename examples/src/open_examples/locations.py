"""Where the examples read and write, from environment variables with documented defaults.

* ``OPEN_WFCOMMONS_DIR``: the WfCommons instances (default: ``../shared/data/wfcommons`` relative
  to the current directory, then to the repository root; see
  :func:`core_engine.wfformat.default_data_dir`).
* ``OPEN_ARTIFACT_DIR``: the platform's artifact folder; reports go to ``<it>/examples/<example>``.
  Unset: ``<system temp dir>/open-examples/<example>``.
* ``OPEN_EXAMPLES_BUILD_DIR``: where native programs are compiled (default:
  ``<system temp dir>/open-examples/build``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Final

from core_engine.wfformat import DATA_DIR_ENV, default_data_dir

#: The platform's folder of large results (the backend's ``OPEN_ARTIFACT_DIR``).
ARTIFACT_DIR_ENV: Final = "OPEN_ARTIFACT_DIR"

#: Where native example programs are compiled.
BUILD_DIR_ENV: Final = "OPEN_EXAMPLES_BUILD_DIR"

#: The environment variable naming the WfCommons instances folder (core_engine's).
WFCOMMONS_DIR_ENV: Final = DATA_DIR_ENV

_TEMP_FOLDER: Final = "open-examples"


def output_dir(example: str, given: str = "") -> Path:
    """The folder an example writes its outputs to (not created here).

    Args:
        example: the example's name, e.g. ``"wine_pipeline"``.
        given: a folder the caller chose (a DAG parameter); empty for the default described in
            the module docstring. ``~`` is expanded; the result is absolute.
    """
    if given:
        return Path(given).expanduser().resolve()
    artifacts = os.environ.get(ARTIFACT_DIR_ENV)
    if artifacts:
        return (Path(artifacts).expanduser() / "examples" / example).resolve()
    return Path(tempfile.gettempdir(), _TEMP_FOLDER, example).resolve()


def build_dir() -> Path:
    """The folder native programs are compiled into: ``$OPEN_EXAMPLES_BUILD_DIR`` or the default."""
    configured = os.environ.get(BUILD_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(tempfile.gettempdir(), _TEMP_FOLDER, "build").resolve()


def wfcommons_dir(given: str = "") -> Path:
    """The folder of WfCommons instances: ``given`` if not empty, else core_engine's default."""
    return Path(given).expanduser().resolve() if given else default_data_dir()
