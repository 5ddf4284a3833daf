"""``openctl check FILE``: validate the DAGs of a ``.py`` or ``.json`` file without running them.

The same check as ``python -m core_engine check``: a Python file is imported and each
module-level DAG or DAG builder is built; a JSON file is a canonical definition whose callables
are imported. Prints one ``OK`` line per valid DAG (nodes, edges, levels, content hash) and every
problem of an invalid one (node id, field, message, suggestion). Exit 0 when every DAG is valid,
1 otherwise, 2 when the file is missing or not ``.py``/``.json``.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from core_engine.cli import check as engine_check
from core_engine.cli.sources import read_source
from open_backend.cli.guard import EXIT_FAILURE, EXIT_OK, DebugOption, JsonOption, guard
from open_backend.cli.helptext import help_text


def register(app: typer.Typer) -> None:
    """Add ``check`` to ``app``."""
    app.command("check", help=help_text(__doc__))(check)


def check(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A Python file defining DAGs, or a JSON definition.")
    ],
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    with guard(debug):
        source = read_source(file)
        if as_json:
            typer.echo(json.dumps(engine_check.as_json(source), indent=2))
        else:
            engine_check.print_report(source, debug=debug)
        raise typer.Exit(EXIT_OK if source.ok else EXIT_FAILURE)
