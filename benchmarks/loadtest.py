"""The load test of the GraphQL API on the real stack: requests/s and p50/p95/p99 per operation.

Runs the locust scenarios of :mod:`loadtests` (sign up, create a DAG, sign in, list DAGs, create
a version, execute, follow the execution over graphql-transport-ws until it completes) against
the platform of :mod:`benchmarks.platform_stack`: PostgreSQL, Redis, the app served by uvicorn,
and worker processes running the executions. locust runs in a fresh process
(:func:`benchmarks.isolate.run_isolated`) because it monkey-patches its process with gevent.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Final

from benchmarks.isolate import IsolatedError
from benchmarks.report import Section, Table
from loadtests.results import COLUMNS, result_table
from loadtests.stack import BENCH, SHORT, run_load

TITLE: Final = "Load test: the GraphQL API under locust"

METHOD: Final = f"""
`loadtests/` (locust, run headless through its library API) against the real stack: the app
served by uvicorn with PostgreSQL and Redis, and {BENCH.workers} worker processes running the
executions. Each simulated user signs up (its own organization) and creates a DAG, then loops
with a wait of 50 to 250 ms: sign in (every 5th time: Argon2id makes it the costliest call),
list the DAGs, create a new version (`updateDag`), execute it (`executeDag`), and follow that
execution with the `executionEvents` subscription over graphql-transport-ws until the server
completes the stream after `run_finished` (so its time covers queueing and running a 3-node
`noop` DAG on a worker). {BENCH.users} users for {BENCH.run_time_s:g} s; the load generator, the
server and the workers share the machine. Latencies are locust's (above 100 ms rounded to two
significant digits); `just loadtest` runs the long mode (`uv run python -m loadtests --help`).
"""


def run(quick: bool) -> Section:
    """The section: one load test (the short profile when ``quick``); a run that could not
    happen leaves an empty table with its error."""
    profile = replace(SHORT, workers=BENCH.workers) if quick else BENCH
    section = Section("loadtest", TITLE, METHOD)
    try:
        result = asyncio.run(run_load(profile))
    except (IsolatedError, RuntimeError, OSError) as error:
        table = Table("Requests per operation", COLUMNS)
        table.error(f"the load test could not run: {error}")
    else:
        table = result_table(result, "Requests per operation")
    section.tables.append(table)
    return section
