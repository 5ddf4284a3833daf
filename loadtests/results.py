"""A load test's statistics as a result table (the terminal and ``docs/benchmarks.md``)."""

from __future__ import annotations

from benchmarks.report import Table
from loadtests.stack import LoadResult

#: Failures and exceptions listed at most, each.
MAX_LISTED = 5

COLUMNS = ("operation", "type", "requests", "failed", "req/s", "p50 ms", "p95 ms", "p99 ms")


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def result_table(result: LoadResult, title: str) -> Table:
    """One row per operation and a total row. The target "no failed request" is judged (the
    failures are listed in the notes); errors raised in the users' code and operations never
    completed are recorded as errors of the table (the measurement is incomplete)."""
    table = Table(title, COLUMNS)
    for operation in result.operations:
        table.add(
            operation.name,
            operation.type,
            f"{operation.requests:,}",
            f"{operation.failures:,}",
            f"{operation.rps:.1f}",
            _ms(operation.p50_ms),
            _ms(operation.p95_ms),
            _ms(operation.p99_ms),
        )
    requests = sum(operation.requests for operation in result.operations)
    table.add(
        "all operations",
        "",
        f"{requests:,}",
        f"{result.failures:,}",
        f"{requests / result.duration_s:.1f}",
        "",
        "",
        "",
    )
    profile = result.profile
    table.notes.append(
        f"{profile.users} simulated users (spawned at {profile.spawn_rate:g}/s) "
        f"for {result.duration_s:.0f} s, {profile.workers} worker process(es); "
        "req/s is over the whole run, the ramp-up included"
    )
    table.notes.extend(f"failed: {error}" for error in result.errors[:MAX_LISTED])
    table.judge("no failed request", result.failures == 0)
    for exception in result.exceptions[:MAX_LISTED]:
        table.error(f"error in a simulated user: {exception}")
    for name in result.missing:
        table.error(f"operation never completed: {name}")
    return table
