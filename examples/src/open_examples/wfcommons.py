"""Scientific workflows: real WfCommons instances replayed as DAGs, makespan against critical path.

    find_instances -> replay.map(path=files)  (run_in="process", one instance per file) -> summarize

Each instance of ``$OPEN_WFCOMMONS_DIR`` (default ``../shared/data/wfcommons`` from the
repository root) is imported with :mod:`core_engine.wfformat` as a DAG of ``sleep`` nodes
(``runtimeInSeconds x scale``), scaled so its critical path lasts ``critical_path_seconds``, and
run in a worker process of its own; ``summarize`` tabulates makespan / critical path. Run it:

    uv run python -m core_engine run examples/src/open_examples/wfcommons.py \\
        --param 'names=["helloworld-forkjoin-10-chameleon"]'

Parameters (all optional): ``names`` (instance file stems; empty: all), ``critical_path_seconds``
(1.0), ``strategy`` (``dataflow``), ``data_dir`` (empty: the default folder), ``max_ratio``
(:data:`~open_examples.scientific.replay.EXPECTED_MAX_RATIO`). For scripts,
:func:`~open_examples.scientific.replay.run_instances` does the same without a DAG.
"""

from __future__ import annotations

from core_engine import DAGBuilder, Param, ParamSpec
from open_examples.scientific.replay import EXPECTED_MAX_RATIO, find_instances, replay, summarize

with DAGBuilder(
    "wfcommons",
    description="Replay real scientific workflows (WfCommons) as sleep DAGs and compare each makespan "
    "with its critical path.",
    params={
        "names": ParamSpec("array", default=[], description="instance file stems to replay; empty: all"),
        "critical_path_seconds": ParamSpec(
            "number", default=1.0, description="scale each instance so its critical path lasts this long"
        ),
        "strategy": ParamSpec("string", default="dataflow", description="dataflow, level or sequential"),
        "data_dir": ParamSpec("string", default="", description="folder of *.json instances; empty: default"),
        "max_ratio": ParamSpec(
            "number", default=EXPECTED_MAX_RATIO, description="makespan / critical path counted as in bound"
        ),
    },
) as builder:
    files = find_instances(data_dir=Param("data_dir"), names=Param("names"))
    measurements = replay.map(
        path=files, critical_path_seconds=Param("critical_path_seconds"), strategy=Param("strategy")
    )
    summarize(measurements=measurements, max_ratio=Param("max_ratio"))

#: The replay DAG, built and validated at import.
dag = builder.build()
