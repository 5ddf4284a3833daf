"""Replaying real scientific workflows (WfCommons instances) and comparing makespans with the bound.

Each instance is imported with :mod:`core_engine.wfformat` as a DAG of ``sleep`` nodes, each task
sleeping ``runtimeInSeconds x scale``, with ``scale`` chosen so the critical path (the
runtime-weighted longest path, which no scheduler can beat) lasts ``critical_path_seconds``. The
replay's makespan divided by that critical path is the scheduler's overhead: 1.0 is perfect.

On an idle machine the engine stays within a few percent of the bound; :data:`EXPECTED_MAX_RATIO`
is the ratio the tests allow at a critical path of 0.5 s or more, with room for a busy machine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
from pathlib import Path
from typing import Any, Final

from core_engine import task
from core_engine.wfformat import instance_files, load_instance, measure, scale_for_critical_path
from open_examples import locations
from open_examples.markdown import number, table

#: The makespan / critical-path ratio the example promises at a critical path of >= 0.5 s.
EXPECTED_MAX_RATIO: Final = 1.5


def instance_paths(data_dir: str = "", names: list[str] | None = None) -> list[Path]:
    """The instance files to replay: all ``*.json`` of the folder, or those named.

    Args:
        data_dir: the folder; empty for ``$OPEN_WFCOMMONS_DIR`` or the default
            (:func:`open_examples.locations.wfcommons_dir`).
        names: file names or stems (``"helloworld-forkjoin-10-chameleon"``); empty or ``None``
            for every instance, sorted by name.

    Raises:
        FileNotFoundError: the folder does not exist (the message says how to set it).
        ValueError: a name matches no file (the message lists the files), or the folder is empty.
    """
    folder = locations.wfcommons_dir(data_dir)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no WfCommons folder at {folder}; set ${locations.WFCOMMONS_DIR_ENV} or the data_dir parameter"
        )
    files = instance_files(folder)
    if not files:
        raise ValueError(f"{folder} holds no *.json WfFormat instance")
    if not names:
        return files
    by_name = {**{f.stem: f for f in files}, **{f.name: f for f in files}}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(
            f"no instance named {', '.join(map(repr, unknown))} in {folder}; "
            f"there are: {', '.join(f.stem for f in files)}"
        )
    return [by_name[name] for name in names]


async def replay_instance(
    path: str | Path, critical_path_seconds: float, strategy: str = "dataflow"
) -> dict[str, Any]:
    """Replay one instance scaled to ``critical_path_seconds`` and measure it.

    Returns:
        the fields of :class:`core_engine.wfformat.Measurement` (``instance``, ``strategy``,
        ``nodes``, ``edges``, ``critical_path``, ``makespan``, ``ratio``, ``status``; seconds), plus
        ``scale``, ``original_makespan`` (seconds the original system took, or ``None``) and
        ``original_critical_path`` (unscaled seconds).

    Raises:
        core_engine.wfformat.WfFormatError: the file is not a WfFormat instance.
        ValueError: ``critical_path_seconds`` is not positive, or ``strategy`` is unknown.
    """
    scale = scale_for_critical_path(path, critical_path_seconds)
    instance = load_instance(path, scale)
    measured = await measure(instance, strategy)
    return {
        **dataclasses.asdict(measured),
        "scale": scale,
        "original_makespan": instance.original_makespan,
        "original_critical_path": instance.critical_path().length,
    }


def run_instances(
    critical_path_seconds: float = 1.0,
    names: list[str] | None = None,
    data_dir: str = "",
    strategy: str = "dataflow",
) -> list[dict[str, Any]]:
    """Replay instances one after another in this process (for scripts and notebooks).

    Returns the :func:`replay_instance` results in file order. Raises what
    :func:`instance_paths` and :func:`replay_instance` raise.
    """
    paths = instance_paths(data_dir, names)

    async def all_of_them() -> list[dict[str, Any]]:
        return [await replay_instance(p, critical_path_seconds, strategy) for p in paths]

    return asyncio.run(all_of_them())


@task
def find_instances(data_dir: str = "", names: list[str] | None = None) -> list[str]:
    """The instance files to replay, as absolute paths (see :func:`instance_paths`)."""
    return [str(p) for p in instance_paths(data_dir, names)]


@task(run_in="process")
async def replay(path: str, critical_path_seconds: float = 1.0, strategy: str = "dataflow") -> dict[str, Any]:
    """One instance replayed in a worker process of its own (see :func:`replay_instance`).

    Each replay has its own process, so its event loop times only its own sleeps.
    """
    return await replay_instance(path, critical_path_seconds, strategy)


@task
def summarize(measurements: list[dict[str, Any]], max_ratio: float = EXPECTED_MAX_RATIO) -> dict[str, Any]:
    """A table of every replay, the worst ratio and whether every run stayed within ``max_ratio``.

    Returns:
        ``{"instances": int, "worst_ratio": float, "within_bound": bool, "max_ratio": float,
        "table": Markdown}``.
    """
    rows = [
        [
            m["instance"],
            str(m["nodes"]),
            str(m["edges"]),
            "-" if m["original_makespan"] is None else f"{m['original_makespan']:.0f}",
            f"{m['original_critical_path']:.0f}",
            number(m["critical_path"], 3),
            number(m["makespan"], 3),
            number(m["ratio"], 3),
            m["status"],
        ]
        for m in measurements
    ]
    head = [
        "instance",
        "tasks",
        "edges",
        "original makespan (s)",
        "critical path (s)",
        "replay bound (s)",
        "replay makespan (s)",
        "ratio",
        "status",
    ]
    worst = max((m["ratio"] for m in measurements), default=math.nan)
    return {
        "instances": len(measurements),
        "worst_ratio": worst,
        "within_bound": all(m["ratio"] <= max_ratio and m["status"] == "succeeded" for m in measurements),
        "max_ratio": max_ratio,
        "table": "\n".join(table(head, rows)),
    }
