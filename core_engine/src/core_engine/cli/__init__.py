"""The command line: ``python -m core_engine COMMAND`` (or the ``core-engine`` script).

Commands, one module each: ``check`` (validate), ``run`` (run locally), ``wfcommons`` (replay
real workflows), ``replay`` (rebuild a run from its event log). Exit codes: 0 ok, 1 invalid
definition or unsuccessful run, 2 usage error (see :mod:`core_engine.cli.errors`).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from core_engine.cli import check, replay, run, wfcommons
from core_engine.cli.errors import EXIT_FAILURE, EXIT_USAGE, UsageError

#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def build_parser(prog: str = "core-engine") -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show full tracebacks")
    parser = argparse.ArgumentParser(
        prog=prog,
        description="OPEN's DAG engine: validate, run and replay DAGs locally.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (check, run, wfcommons, replay):
        module.add_parser(commands, [common])
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "core-engine") -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``), run the command, return its exit code."""
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.handler(args)
    except UsageError as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            traceback.print_exception(exc, file=sys.stderr)
        else:
            print(
                f"{prog} {args.command}: error: {type(exc).__name__}: {exc} (--debug shows the traceback)",
                file=sys.stderr,
            )
        return EXIT_FAILURE
    return code


__all__ = ["main"]
