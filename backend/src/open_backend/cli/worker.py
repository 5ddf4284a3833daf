"""``openctl worker``: run one execution worker (what ``python -m open_backend.worker`` does).

The worker reads the arq queue on ``REDIS_URL`` (``OPEN_QUEUE_NAME``) and runs the executions
its jobs name, up to ``OPEN_WORKER_CONCURRENCY`` at once, with leases in the database of
``DATABASE_URL`` (which must be migrated). SIGTERM or Ctrl-C drains it: running executions get
``OPEN_WORKER_DRAIN_TIMEOUT_S`` seconds, the rest go back to the queue. Exit 0 after a drain, 2
on bad settings (no ``REDIS_URL``) or an unmigrated database.
"""

from __future__ import annotations

import typer

from open_backend.cli.guard import DebugOption, guard
from open_backend.cli.helptext import help_text
from open_backend.worker.__main__ import main as worker_main


def register(app: typer.Typer) -> None:
    """Add ``worker`` to ``app``."""
    app.command("worker", help=help_text(__doc__))(worker)


def worker(debug: DebugOption = False) -> None:
    with guard(debug):
        code = worker_main()
    raise typer.Exit(code)
