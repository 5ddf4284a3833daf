"""OPEN's benchmark suite: ``uv run python -m benchmarks`` (``just bench``).

Each section measures core_engine against a minimal raw-asyncio baseline in the same run and
prints a table with a PASS/FAIL column per target; a full run rewrites ``docs/benchmarks.md``.
Sections: ``overhead`` (scheduling cost per node), ``memory`` (bytes per in-flight node),
``planning`` (build, hash and graph algorithms) and ``wfcommons`` (makespan of real workflows
against their critical path). Heavy measurements run in a fresh subprocess each
(:mod:`benchmarks.isolate`), so one measurement's heap never skews the next.
"""
