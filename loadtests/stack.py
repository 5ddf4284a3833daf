"""Parent side: start the platform, point the locust swarm at it, collect the statistics.

:func:`run_load` starts the real stack of the ``platform`` benchmark
(:func:`benchmarks.platform_stack.platform_stack`: a temporary PostgreSQL database of
``OPEN_BENCH_POSTGRES_URL``, a queue on the Redis of ``OPEN_BENCH_REDIS_URL``, the app served by
uvicorn), starts the profile's worker processes, then runs :func:`loadtests.swarm.measure` in a
fresh process (:func:`benchmarks.isolate.run_isolated`), because locust monkey-patches its
process with gevent. Everything is torn down at the end, whatever happened.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import asdict, dataclass
from typing import Any, Final

from benchmarks.api_harness import DEFAULT_SERVER_URL, SERVER_URL_VARIABLE
from benchmarks.isolate import TIMEOUT_SECONDS, run_isolated
from benchmarks.platform_stack import DEFAULT_REDIS_URL, REDIS_URL_VARIABLE, platform_stack
from loadtests.operations import OPERATIONS

#: Seconds the swarm's process may need beyond its run time (imports, spawning, stopping).
SWARM_OVERHEAD_S: Final = 60.0


@dataclass(frozen=True, slots=True)
class Profile:
    """How hard and how long one load test pushes.

    Attributes:
        users: simulated API users running at once.
        spawn_rate: users started per second at the beginning.
        run_time_s: seconds of the run, the ramp-up included.
        workers: worker processes (``python -m open_backend.worker``) running the executions.
    """

    users: int
    spawn_rate: float
    run_time_s: float
    workers: int

    def __post_init__(self) -> None:
        if self.users < 1 or self.workers < 1 or self.spawn_rate <= 0 or self.run_time_s <= 0:
            raise ValueError(f"a load profile needs users, workers >= 1 and positive rates and times: {self}")
        if self.run_time_s + SWARM_OVERHEAD_S > TIMEOUT_SECONDS:
            longest = TIMEOUT_SECONDS - SWARM_OVERHEAD_S
            raise ValueError(f"run_time_s {self.run_time_s:g} is over the longest run, {longest:g} s")


#: CI's mode: a few seconds, every operation at least once.
SHORT: Final = Profile(users=4, spawn_rate=4.0, run_time_s=5.0, workers=1)
#: The ``loadtest`` benchmark section.
BENCH: Final = Profile(users=10, spawn_rate=10.0, run_time_s=30.0, workers=2)
#: ``just loadtest``.
LONG: Final = Profile(users=20, spawn_rate=5.0, run_time_s=120.0, workers=2)


@dataclass(frozen=True, slots=True)
class Operation:
    """The statistics of one operation (see :func:`loadtests.swarm.measure` for the units)."""

    name: str
    type: str
    requests: int
    failures: int
    rps: float
    avg_ms: float
    max_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one load test measured.

    Attributes:
        profile: how it was run.
        duration_s: seconds the users ran.
        operations: per recorded operation, sorted by type then name.
        errors: ``"<operation>: <error> (xN)"`` for failed requests.
        exceptions: errors raised inside the simulated users' code, with their counts.
    """

    profile: Profile
    duration_s: float
    operations: tuple[Operation, ...]
    errors: tuple[str, ...]
    exceptions: tuple[str, ...]

    @property
    def failures(self) -> int:
        """Failed requests over every operation."""
        return sum(operation.failures for operation in self.operations)

    @property
    def missing(self) -> tuple[str, ...]:
        """The operations of :data:`loadtests.operations.OPERATIONS` never completed successfully."""
        done = {operation.name for operation in self.operations if operation.requests > operation.failures}
        return tuple(name for name in OPERATIONS if name not in done)

    @property
    def problems(self) -> list[str]:
        """Why the run is not clean (failed requests, user errors, operations never done);
        empty when it is."""
        out = [f"failed requests: {error}" for error in self.errors]
        out += [f"error in a simulated user: {exception}" for exception in self.exceptions]
        out += [f"never completed: {name}" for name in self.missing]
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data: the profile, the duration, the operations, errors and exceptions."""
        return {
            "profile": {
                "users": self.profile.users,
                "spawn_rate": self.profile.spawn_rate,
                "run_time_s": self.profile.run_time_s,
                "workers": self.profile.workers,
            },
            "duration_s": self.duration_s,
            "operations": [asdict(operation) for operation in self.operations],
            "errors": list(self.errors),
            "exceptions": list(self.exceptions),
        }


def parse(profile: Profile, raw: dict[str, Any]) -> LoadResult:
    """The :class:`LoadResult` of the swarm's JSON answer ``raw``; ``KeyError`` or ``TypeError``
    if it does not have :func:`loadtests.swarm.measure`'s shape."""
    operations = tuple(
        Operation(
            name=str(entry["name"]),
            type=str(entry["type"]),
            requests=int(entry["requests"]),
            failures=int(entry["failures"]),
            rps=float(entry["rps"]),
            avg_ms=float(entry["avg_ms"]),
            max_ms=float(entry["max_ms"]),
            p50_ms=float(entry["p50_ms"]),
            p95_ms=float(entry["p95_ms"]),
            p99_ms=float(entry["p99_ms"]),
        )
        for entry in raw["operations"]
    )
    return LoadResult(
        profile=profile,
        duration_s=float(raw["duration_s"]),
        operations=operations,
        errors=tuple(map(str, raw["errors"])),
        exceptions=tuple(map(str, raw["exceptions"])),
    )


async def run_load(profile: Profile) -> LoadResult:
    """Start the stack with ``profile.workers`` workers, run the swarm against it, tear down.

    Raises:
        RuntimeError: the server or a worker did not start, or a worker died during the run.
        benchmarks.isolate.IsolatedError: the swarm's process failed.
        sqlalchemy.exc.SQLAlchemyError, OSError: PostgreSQL or Redis is unreachable.
    """
    server_url = os.environ.get(SERVER_URL_VARIABLE, DEFAULT_SERVER_URL)
    redis_url = os.environ.get(REDIS_URL_VARIABLE, DEFAULT_REDIS_URL)
    async with platform_stack(server_url, redis_url) as stack:
        for _ in range(profile.workers):
            await stack.start_worker()
        args = {
            "host": stack.base_url,
            "users": profile.users,
            "spawn_rate": profile.spawn_rate,
            "run_time_s": profile.run_time_s,
        }
        raw = await asyncio.to_thread(run_isolated, "loadtests.swarm:measure", args)
        stack.check_workers()
    return parse(profile, raw)
