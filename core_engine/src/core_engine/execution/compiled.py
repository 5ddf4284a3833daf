"""What the scheduler needs of each node, computed once per run into flat per-node lists.

The hot path then reads ``modes[i]``, ``targets[i]`` and friends by index instead of walking
node objects, and callables shared by many nodes are prepared once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core_engine.dag import DAG
from core_engine.execution import invoke
from core_engine.node import Param, Ref, RunIn
from core_engine.tasktypes import TaskTypeRegistry


@dataclass(slots=True)
class CompiledNodes:
    """Per-node lists, indexed like ``dag.nodes``.

    Attributes:
        modes: how each callable starts (``invoke.TASK``, ``INLINE``, ``THREAD``, ``PROCESS``,
            ``BROKEN``).
        targets: the callable (or import path, or the exception of a broken node).
        timeouts: seconds per attempt, or ``None``.
        consts: constant keyword arguments, with run parameters filled in (shared empty dict
            for nodes without any: the scheduler copies before adding to it).
        refs: ``(argument, upstream index)`` pairs filled from upstream results at launch.
        map_param: the mapped argument's name, or ``None``.
        map_source: the index of the upstream a mapped node expands over, or ``-1``.
    """

    modes: list[int] = field(default_factory=list)
    targets: list[Any] = field(default_factory=list)
    timeouts: list[float | None] = field(default_factory=list)
    consts: list[dict[str, Any]] = field(default_factory=list)
    refs: list[tuple[tuple[str, int], ...]] = field(default_factory=list)
    map_param: list[str | None] = field(default_factory=list)
    map_source: list[int] = field(default_factory=list)


def compile_nodes(dag: DAG, params: Mapping[str, Any], registry: TaskTypeRegistry) -> CompiledNodes:
    """Compile every node of ``dag`` for a run with resolved run ``params``."""
    out = CompiledNodes()
    index = dag.index
    prepared: dict[tuple[int, RunIn], tuple[int, Any]] = {}
    empty: dict[str, Any] = {}
    for node in dag.nodes:
        spec = node.task
        fn = getattr(spec, "fn", None)
        key = (id(fn) if fn is not None else id(spec), node.run_in)
        hit = prepared.get(key)
        if hit is None:
            hit = prepared[key] = invoke.prepare(node, registry)
        out.modes.append(hit[0])
        out.targets.append(hit[1])
        out.timeouts.append(node.timeout)
        consts: dict[str, Any] = {}
        refs = []
        for name, value in node.params.items():
            if name == node.map_over:
                continue  # filled per instance
            if isinstance(value, Ref):
                refs.append((name, index[value.node_id]))
            elif isinstance(value, Param):
                consts[name] = params.get(value.name)
            else:
                consts[name] = value
        out.consts.append(consts or empty)
        out.refs.append(tuple(refs))
        out.map_param.append(node.map_over)
        source = node.params.get(node.map_over) if node.map_over else None
        out.map_source.append(index[source.node_id] if isinstance(source, Ref) else -1)
    return out
