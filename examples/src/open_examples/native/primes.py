"""Counting primes: the chunks, the native ``command`` task, the Python baseline and the comparison.

Every chunk is a half-open range ``{"lo": int, "hi": int}``; its result is the number and the
sum of the primes in it. The native program (``primes.c``) and :func:`count_primes` run the same
segmented sieve of Eratosthenes, so their results must be equal chunk by chunk.
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any, Final

from core_engine import TypedTask, task
from open_examples.markdown import number, table
from open_examples.native.build import binary_path

#: The largest ``limit`` accepted (the native program's bound: the sums fit in 64 bits).
MAX_LIMIT: Final = 10**10

#: The most chunks accepted.
MAX_CHUNKS: Final = 1000


class ResultMismatch(AssertionError):
    """The native and the Python results differ; the message names the first differing chunk."""


def native_task(log_tail_lines: int = 20) -> TypedTask:
    """The ``command`` task running the compiled program (see :func:`~.build.binary_path`).

    Its argv is the program's absolute path on this machine; on the platform the worker's
    ``OPEN_EXAMPLES_BUILD_DIR`` (or temp dir) must resolve to the same folder, which the
    upstream ``build`` node fills.
    """
    return TypedTask("command", {"argv": [str(binary_path())], "log_tail_lines": log_tail_lines})


@task
def make_chunks(limit: int, chunks: int) -> list[dict[str, int]]:
    """Split ``[0, limit)`` into ``chunks`` consecutive ranges of nearly equal length.

    Raises:
        ValueError: ``limit`` is not in ``1 .. MAX_LIMIT`` or ``chunks`` not in
            ``1 .. min(limit, MAX_CHUNKS)``.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be in 1..{MAX_LIMIT}, got {limit}")
    if not 1 <= chunks <= min(limit, MAX_CHUNKS):
        raise ValueError(f"chunks must be in 1..{min(limit, MAX_CHUNKS)}, got {chunks}")
    bounds = [limit * k // chunks for k in range(chunks + 1)]
    return [{"lo": lo, "hi": hi} for lo, hi in itertools.pairwise(bounds)]


def small_primes(n: int) -> list[int]:
    """Every prime ``<= n`` (sieve of Eratosthenes)."""
    if n < 2:
        return []
    flags = bytearray([1]) * (n + 1)
    flags[0] = flags[1] = 0
    for p in range(2, math.isqrt(n) + 1):
        if flags[p]:
            flags[p * p :: p] = bytes(len(range(p * p, n + 1, p)))
    return list(itertools.compress(range(n + 1), flags))


def count_primes(lo: int, hi: int) -> tuple[int, int]:
    """``(count, sum)`` of the primes in ``[lo, hi)``, by sieving that range with the primes up to
    ``sqrt(hi)``. Memory: ``hi - lo`` bytes."""
    start = max(lo, 2)
    if start >= hi:
        return 0, 0
    size = hi - start
    flags = bytearray([1]) * size
    for p in small_primes(math.isqrt(hi - 1)):
        first = max(p * p, -(-start // p) * p)
        if first < hi:
            flags[first - start :: p] = bytes(len(range(first - start, size, p)))
    primes = list(itertools.compress(range(start, hi), flags))
    return len(primes), sum(primes)


@task
def python_baseline(chunks: list[dict[str, int]]) -> dict[str, Any]:
    """The same counts as the native program, in Python, chunk after chunk in one thread.

    Returns:
        ``{"chunks": [{"lo", "hi", "count", "sum"}, ...], "seconds": float}``.
    """
    t0 = time.perf_counter()
    out = []
    for chunk in chunks:
        count, total = count_primes(chunk["lo"], chunk["hi"])
        out.append({"lo": chunk["lo"], "hi": chunk["hi"], "count": count, "sum": total})
    return {"chunks": out, "seconds": time.perf_counter() - t0}


@task
def compare(native: list[dict[str, Any]], python: dict[str, Any], build: dict[str, Any]) -> dict[str, Any]:
    """Check that the native and Python results agree chunk by chunk, and compare the timings.

    Args:
        native: the mapped native results, in chunk order (with each program's own ``seconds``).
        python: the result of :func:`python_baseline`.
        build: the result of the ``build`` node.

    Returns:
        ``{"equal": True, "chunks", "limit", "count", "sum", "native_seconds" (sum over chunks),
        "native_slowest_chunk_seconds", "python_seconds", "speedup" (python / native seconds),
        "binary", "table": Markdown}``.

    Raises:
        ResultMismatch: a chunk's range, count or sum differs, or the chunk counts differ.
    """
    expected = python["chunks"]
    if len(native) != len(expected):
        raise ResultMismatch(f"{len(native)} native results for {len(expected)} chunks")
    for k, (got, want) in enumerate(zip(native, expected, strict=True)):
        keys = ("lo", "hi", "count", "sum")
        if any(got[key] != want[key] for key in keys):
            raise ResultMismatch(
                f"chunk {k}: native {[got[key] for key in keys]} != python {[want[key] for key in keys]} "
                "(lo, hi, count, sum)"
            )
    native_seconds = sum(float(r["seconds"]) for r in native)
    python_seconds = float(python["seconds"])
    rows = [
        [f"[{r['lo']}, {r['hi']})", str(r["count"]), str(r["sum"]), number(float(r["seconds"]), 6)]
        for r in native
    ]
    lines = [
        *table(["chunk", "primes", "sum", "native seconds"], rows),
        "",
        f"native: {number(native_seconds, 6)} s of sieving over {len(native)} programs; "
        f"Python: {number(python_seconds, 6)} s; results equal.",
    ]
    return {
        "equal": True,
        "chunks": len(native),
        "limit": native[-1]["hi"] if native else 0,
        "count": sum(r["count"] for r in native),
        "sum": sum(r["sum"] for r in native),
        "native_seconds": native_seconds,
        "native_slowest_chunk_seconds": max((float(r["seconds"]) for r in native), default=0.0),
        "python_seconds": python_seconds,
        "speedup": python_seconds / native_seconds if native_seconds > 0 else math.inf,
        "binary": build["binary"],
        "table": "\n".join(lines),
    }
