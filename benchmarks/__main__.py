"""Command line: ``uv run python -m benchmarks [--quick] [--only SECTION ...] [--output PATH]``.

Runs the sections, prints each table as it completes and a summary of missed targets. A full
run (every section, not ``--quick``) rewrites ``docs/benchmarks.md``; a partial or quick run
writes only where ``--output`` says. Exit code 0 even when targets are missed (this is a
report); 1 when a measurement could not run at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    backend_api,
    executions_api,
    loadtest,
    machine,
    memory,
    overhead,
    planning,
    platform,
    wfcommons,
)
from benchmarks.isolate import ROOT
from benchmarks.report import Section, render_markdown, render_text, summary

#: Every section by ``--only`` name, in run order.
SECTIONS: dict[str, Callable[[bool], Section]] = {
    "overhead": overhead.run,
    "memory": memory.run,
    "planning": planning.run,
    "wfcommons": wfcommons.run,
    "backend_api": backend_api.run,
    "executions_api": executions_api.run,
    "platform": platform.run,
    "loadtest": loadtest.run,
}

#: Where a full run writes its report.
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line (``--help`` lists the options)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="core_engine benchmarks against a raw-asyncio baseline; rewrites docs/benchmarks.md.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer repetitions: a smoke run under a minute"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SECTIONS),
        metavar="SECTION",
        help=f"run only this section (repeatable): {', '.join(SECTIONS)}",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="write the Markdown report here (default: docs/benchmarks.md on a full run, nowhere otherwise)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only, even on a full run")
    return parser.parse_args(argv)


def output_path(args: argparse.Namespace) -> Path | None:
    """Where the report goes: ``--output``, else the default on a full run, else nowhere."""
    if args.no_write:
        return None
    if args.output is not None:
        return Path(args.output)
    full = not args.quick and (args.only is None or set(args.only) == set(SECTIONS))
    return DEFAULT_OUTPUT if full else None


def main(argv: list[str]) -> int:
    """Run the chosen sections; returns the exit code."""
    args = parse_args(argv)
    chosen = [name for name in SECTIONS if args.only is None or name in args.only]
    started = time.perf_counter()
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = machine.facts()
    mode = "quick" if args.quick else "full"
    print(f"core_engine benchmarks ({mode}): {', '.join(chosen)}", flush=True)
    print("; ".join(f"{name}: {value}" for name, value in facts.items()), flush=True)
    sections: list[Section] = []
    for name in chosen:
        print(f"\n== {name}", file=sys.stderr, flush=True)
        section = SECTIONS[name](args.quick)
        sections.append(section)
        for table in section.tables:
            print("\n" + render_text(table), flush=True)
    elapsed = time.perf_counter() - started

    judged, missed, errors = summary(sections)
    print(f"\n{judged - len(missed)} of {judged} targets met in {elapsed:.0f} s.")
    for line in missed:
        print(f"MISSED TARGET: {line}")
    for line in errors:
        print(f"ERROR: {line}")

    path = output_path(args)
    if path is not None:
        command = " ".join(["uv run python -m benchmarks", *argv]) if argv else "just bench"
        text = render_markdown(sections, facts, generated_at, elapsed, command)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
