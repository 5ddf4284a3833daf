"""Child side: run :class:`loadtests.scenarios.ApiUser` headless with locust's library API.

``measure(host=..., users=..., spawn_rate=..., run_time_s=...)`` builds a
``locust.env.Environment``, starts a ``LocalRunner``, stops it after ``run_time_s`` and returns
the statistics as JSON-ready data (see :func:`measure`). It imports locust, which monkey-patches
the process with gevent, so it is meant to run in a process of its own: the parent calls it
through :func:`benchmarks.isolate.run_isolated` (``"loadtests.swarm:measure"``).
"""

from __future__ import annotations

import time
from typing import Any, Final

import gevent  # type: ignore[import-untyped]  # gevent ships no type information
from locust.env import Environment
from locust.runners import STATE_STOPPED
from locust.stats import StatsEntry

from loadtests.scenarios import ApiUser

#: Response-time percentiles reported, as fractions.
PERCENTILES: Final = (0.5, 0.95, 0.99)

#: Seconds users get to finish at the end before they are killed (an execution they follow
#: may still be queued; a killed operation is not recorded at all).
STOP_TIMEOUT_S: Final = 0.0

#: Seconds the runner gets to kill the users before the statistics are read anyway.
QUIT_TIMEOUT_S: Final = 20.0


def _entry(entry: StatsEntry, duration_s: float) -> dict[str, Any]:
    return {
        "name": entry.name,
        "type": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.num_requests / duration_s if duration_s > 0 else 0.0,
        "avg_ms": entry.avg_response_time,
        "max_ms": entry.max_response_time,
        **{f"p{round(p * 100)}_ms": entry.get_response_time_percentile(p) for p in PERCENTILES},
    }


def measure(host: str, users: int, spawn_rate: float, run_time_s: float) -> dict[str, Any]:
    """Run ``users`` simulated API users against ``host`` (``http://127.0.0.1:8000``) for
    ``run_time_s`` seconds (spawned at ``spawn_rate`` users per second, counted in the time).

    Returns:
        ``{"duration_s": float, "users": int, "operations": [...], "errors": [...],
        "exceptions": [...]}``: one operation per recorded name with ``name``, ``type``
        (``POST`` or ``WS``), ``requests``, ``failures``, ``rps`` (requests per second over
        ``duration_s``), ``avg_ms``, ``max_ms``, ``p50_ms``, ``p95_ms``, ``p99_ms`` (locust's
        histogram: times above 100 ms are rounded to 2 significant digits); ``errors`` are
        ``"<name>: <error> (xN)"`` lines of failed requests, ``exceptions`` the messages of
        errors raised inside the users' code.

    Raises:
        ValueError: ``users`` below 1, ``spawn_rate`` or ``run_time_s`` not positive.
    """
    if users < 1 or spawn_rate <= 0 or run_time_s <= 0:
        raise ValueError(
            f"users must be >= 1 and spawn_rate, run_time_s > 0; got {users}, {spawn_rate}, {run_time_s}"
        )
    environment = Environment(user_classes=[ApiUser], host=host, stop_timeout=STOP_TIMEOUT_S)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(run_time_s)
    duration_s = time.monotonic() - started
    stopped = gevent.Timeout(QUIT_TIMEOUT_S, False)  # False: leave the block quietly on timeout
    with stopped:
        runner.quit()
    hung = [] if runner.state == STATE_STOPPED else [f"the users did not stop within {QUIT_TIMEOUT_S:g} s"]
    entries = sorted(environment.stats.entries.values(), key=lambda entry: (entry.method or "", entry.name))
    return {
        "duration_s": duration_s,
        "users": users,
        "operations": [_entry(entry, duration_s) for entry in entries],
        "errors": [
            f"{error.name}: {error.error} (x{error.occurrences})"
            for error in environment.stats.errors.values()
        ],
        "exceptions": [f"{row['msg']} (x{row['count']})" for row in runner.exceptions.values()] + hung,
    }
