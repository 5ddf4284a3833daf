"""Root pytest configuration.

The project folder ``core_engine/`` at the repository root has the same name as the package it
holds (``core_engine/src/core_engine``). Under ``--import-mode=importlib`` pytest may import that
folder as a namespace package while collecting ``core_engine/tests``; importing the real package
first, here, keeps ``sys.modules["core_engine"]`` pointing at it.
"""

import core_engine  # noqa: F401
