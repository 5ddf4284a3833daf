"""``python -m core_engine``: see :mod:`core_engine.cli`."""

from core_engine.cli import main

raise SystemExit(main(prog="python -m core_engine"))
