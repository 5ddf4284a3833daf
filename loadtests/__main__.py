"""Command line: ``uv run python -m loadtests [--short] [--users N] [--run-time S] [--workers N]
[--json]`` (``just loadtest`` runs the long mode).

Starts the platform (PostgreSQL, Redis, the served API, workers), runs the locust scenarios
headless against it, prints a table of requests per second and p50/p95/p99 latency per
operation (or, with ``--json``, the statistics as one JSON line) and exits 1 when a request
failed, a simulated user raised an error or an operation was never completed; 2 on bad options.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace

from benchmarks.report import render_text
from loadtests.results import result_table
from loadtests.stack import LONG, SHORT, Profile, run_load


def parse_profile(argv: list[str]) -> tuple[Profile, bool]:
    """The profile the options ask for and whether ``--json`` was given (``--help`` lists
    them); exits 2 with a message naming the option on a bad value."""
    parser = argparse.ArgumentParser(prog="python -m loadtests", description=__doc__.split("\n\n")[1])
    parser.add_argument(
        "--short", action="store_true", help=f"CI's mode: {SHORT.run_time_s:g} s, {SHORT.users} users"
    )
    parser.add_argument(
        "--users", type=int, help=f"simulated users (default {LONG.users}, short {SHORT.users})"
    )
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: the profile's)")
    parser.add_argument(
        "--run-time", type=float, help=f"seconds (default {LONG.run_time_s:g}, short {SHORT.run_time_s:g})"
    )
    parser.add_argument("--workers", type=int, help=f"worker processes (default {LONG.workers})")
    parser.add_argument("--json", action="store_true", help="print the statistics as one JSON line")
    args = parser.parse_args(argv)
    base = SHORT if args.short else LONG
    changes = {
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_time_s": args.run_time,
        "workers": args.workers,
    }
    try:
        profile = replace(base, **{key: value for key, value in changes.items() if value is not None})
    except ValueError as error:
        parser.error(str(error))
    return profile, bool(args.json)


def main(argv: list[str]) -> int:
    """Run one load test; the exit code (see the module docstring)."""
    profile, as_json = parse_profile(argv)
    mode = "short" if profile == SHORT else "custom" if profile != LONG else "long"
    print(
        f"load test ({mode}): {profile.users} users, {profile.run_time_s:g} s, {profile.workers} worker(s)",
        file=sys.stderr,
        flush=True,
    )
    result = asyncio.run(run_load(profile))
    if as_json:
        print(json.dumps(result.to_json()))
    else:
        print(render_text(result_table(result, "Load test: GraphQL API on the real stack")))
    for problem in result.problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
