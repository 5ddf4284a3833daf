"""Exit codes of ``python -m core_engine``, and the error that means "bad command line"."""

from __future__ import annotations

from typing import Final

#: Everything went well.
EXIT_OK: Final = 0
#: The definition is invalid, or the run (or one of the runs) did not succeed.
EXIT_FAILURE: Final = 1
#: The command line is wrong: unknown option, missing file, ambiguous DAG.
EXIT_USAGE: Final = 2


class UsageError(Exception):
    """The command cannot start as given; ``main`` prints the message and exits with 2."""
