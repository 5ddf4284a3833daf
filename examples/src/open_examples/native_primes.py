"""Native worker: a C program run by the ``command`` task type, mapped over chunks, checked in Python.

    build ------------------------------+
    make_chunks -> count_native.map ----+-> python_baseline -> compare
                 (C program, one process per chunk)

``build`` compiles ``open_examples/native/primes.c`` with ``cc -O2`` (once per source version,
into ``$OPEN_EXAMPLES_BUILD_DIR`` or the system temp dir); each ``count_native`` instance runs it
with its chunk as JSON on stdin and reads the count and sum of the primes in the chunk from its
stdout. ``python_baseline`` then computes the same in Python (after the native map, so the two
do not share the cores while being timed) and ``compare`` checks they are equal and reports the
timings. Run it:

    uv run python -m core_engine run examples/src/open_examples/native_primes.py --param limit=50000000

Parameters (all optional): ``limit`` (primes below it; 20 000 000) and ``chunks`` (8).
"""

from __future__ import annotations

from core_engine import DAGBuilder, Param, ParamSpec
from open_examples.native.build import build
from open_examples.native.primes import compare, make_chunks, native_task, python_baseline

with DAGBuilder(
    "native_primes",
    description="Count the primes below a limit with a C program mapped over chunks (command task "
    "type), check the counts against Python.",
    params={
        "limit": ParamSpec("integer", default=20_000_000, description="count the primes in [0, limit)"),
        "chunks": ParamSpec("integer", default=8, description="how many programs share the range"),
    },
) as builder:
    built = builder.add_node("build", build)
    chunks = make_chunks(limit=Param("limit"), chunks=Param("chunks"))
    native = builder.add_node(
        "count_native", native_task(), {"chunk": chunks}, map_over="chunk", depends_on=[built]
    )
    baseline = python_baseline.options(depends_on=[native])(chunks=chunks)
    compare(native=native, python=baseline, build=built)

#: The DAG, built and validated at import.
dag = builder.build()
