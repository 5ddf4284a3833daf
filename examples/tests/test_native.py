"""The native worker: compiled here, run through the ``command`` task type, checked against Python."""

import itertools

import numpy as np
import pytest

from core_engine import DAGBuilder, RunStatus, run
from open_examples import locations
from open_examples.native import build as native_build
from open_examples.native.primes import ResultMismatch, compare, count_primes, make_chunks, native_task
from open_examples.native_primes import dag


def numpy_primes(limit: int) -> np.ndarray:
    """Every prime below ``limit``, by a numpy sieve (independent of the example's code)."""
    flags = np.ones(limit, dtype=bool)
    flags[:2] = False
    for p in range(2, int(limit**0.5) + 1):
        if flags[p]:
            flags[p * p :: p] = False
    return np.flatnonzero(flags)


def test_the_c_and_python_counts_are_equal_and_right():
    result = run(dag, {"limit": 3_000_000, "chunks": 4})
    assert result.status is RunStatus.SUCCEEDED, result.state
    primes = numpy_primes(3_000_000)
    bounds = [0, 750_000, 1_500_000, 2_250_000, 3_000_000]
    expected = [
        {
            "lo": lo,
            "hi": hi,
            "count": int(((primes >= lo) & (primes < hi)).sum()),
            "sum": int(primes[(primes >= lo) & (primes < hi)].sum()),
        }
        for lo, hi in itertools.pairwise(bounds)
    ]
    native = [{k: r[k] for k in ("lo", "hi", "count", "sum")} for r in result.results["count_native"]]
    assert native == expected
    assert result.results["python_baseline"]["chunks"] == expected
    report = result.results["compare"]
    assert report["equal"] is True
    assert (report["count"], report["sum"]) == (len(primes), int(primes.sum()))
    assert report["count"] == 216_816  # pi(3 * 10^6)
    assert report["native_seconds"] > 0
    assert report["python_seconds"] > 0
    assert report["table"].count("\n| [") == 4


def test_the_build_node_reuses_the_program_for_the_same_source():
    first = run(dag, {"limit": 10, "chunks": 1})
    second = run(dag, {"limit": 10, "chunks": 1})
    assert first.results["build"]["binary"] == second.results["build"]["binary"]
    assert second.results["build"]["compiled"] is False
    assert second.results["compare"]["count"] == 4  # 2, 3, 5, 7


def test_a_non_zero_exit_fails_the_node_with_the_programs_last_stderr_lines():
    native_build.ensure_built()
    with DAGBuilder("bad_chunk") as b:
        b.add_node("count", native_task(), {"chunk": {"lo": 10, "hi": 5}})
    result = run(b.build())
    assert result.status is RunStatus.FAILED
    error = result.state.nodes["count"].error
    assert error.type == "CommandFailed"
    assert "exited with status 2" in error.message
    assert error.message.endswith("last log lines:\nprimes: error: hi (5) is below lo (10)")


def test_a_failing_compiler_is_reported_with_its_output(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.BUILD_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("CC", "cc -DNOT_C=1 -include /nonexistent/header.h")
    with pytest.raises(native_build.BuildError, match=r"exited with status 1:\n.*nonexistent/header\.h"):
        native_build.ensure_built()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_compiler_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv(locations.BUILD_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("CC", "no-such-compiler-here")
    with pytest.raises(native_build.BuildError, match="no C compiler 'no-such-compiler-here' on PATH"):
        native_build.ensure_built()


def test_compare_names_the_first_chunk_that_differs():
    chunks = make_chunks.fn(100, 2)
    python = {
        "chunks": [{**c, "count": count_primes(c["lo"], c["hi"])[0], "sum": 0} for c in chunks],
        "seconds": 1.0,
    }
    native = [dict(c, seconds=0.1) for c in python["chunks"]]
    native[1] = {**native[1], "count": native[1]["count"] + 1}
    with pytest.raises(
        ResultMismatch, match=r"^chunk 1: native \[50, 100, 11, 0\] != python \[50, 100, 10, 0\]"
    ):
        compare.fn(native, python, {"binary": "primes"})


@pytest.mark.parametrize(("limit", "chunks"), [(0, 1), (10, 0), (10, 11), (10**10 + 1, 1)])
def test_bad_chunking_is_refused(limit, chunks):
    with pytest.raises(ValueError, match=r"must be in 1\.\."):
        make_chunks.fn(limit, chunks)


def test_the_python_count_handles_the_small_edges():
    assert count_primes(0, 2) == (0, 0)
    assert count_primes(2, 3) == (1, 2)
    assert count_primes(0, 30) == (10, 129)
    assert count_primes(29, 30) == (1, 29)
