"""``openctl``: OPEN's one command line (the ``open`` name clashes with a system command).

The commands live one per module; :mod:`open_backend.cli.app` builds the Typer application.
"""

from __future__ import annotations

from open_backend.cli.app import main

__all__ = ["main"]
