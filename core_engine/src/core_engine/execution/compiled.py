"""What the scheduler needs of each node, computed once per run into flat per-node lists.

The hot path then reads ``modes[i]``, ``targets[i]`` and friends by index instead of walking
node objects, and callables shared by many nodes are prepared once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core_engine import nodelog
from core_engine.dag import DAG
from core_engine.execution import invoke
from core_engine.node import CallableTask, Param, Ref, RunIn
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
    """Compile every node of ``dag`` for a run with resolved run ``params``.

    Part of every run's start-up cost, so it is kept lean: callables are prepared once per
    task spec (and per function, for specs loaded apart), nodes without parameters share one
    empty dict and one empty tuple.
    """
    nodes = dag.nodes
    index = dag.index
    out = CompiledNodes(
        timeouts=[node.timeout for node in nodes],
        map_param=[node.map_over for node in nodes],
    )
    modes, targets, consts, refs, sources = out.modes, out.targets, out.consts, out.refs, out.map_source
    # Keyed by (id of the spec or of its function, run_in): both live while this runs, so
    # their ids cannot collide.
    prepared: dict[tuple[int, RunIn], tuple[int, Any]] = {}
    empty: dict[str, Any] = {}
    for node in nodes:
        spec = node.task
        spec_key = (id(spec), node.run_in)
        hit = prepared.get(spec_key)
        if hit is None:
            fn = getattr(spec, "fn", None)
            fn_key = (id(fn), node.run_in) if fn is not None else spec_key
            hit = prepared.get(fn_key)
            if hit is None:
                hit = invoke.prepare(node, registry)
                if hit[0] == invoke.TASK and not isinstance(spec, CallableTask):
                    hit = (nodelog.LOGGED, hit[1])  # task types get an attempt log
                prepared[fn_key] = hit
            prepared[spec_key] = hit
        modes.append(hit[0])
        targets.append(hit[1])
        node_params = node.params
        if not node_params:
            consts.append(empty)
            refs.append(())
            sources.append(-1)
            continue
        node_consts: dict[str, Any] = {}
        node_refs = []
        for name, value in node_params.items():
            if name == node.map_over:
                continue  # filled per instance
            if isinstance(value, Ref):
                node_refs.append((name, index[value.node_id]))
            elif isinstance(value, Param):
                node_consts[name] = params.get(value.name)
            else:
                node_consts[name] = value
        consts.append(node_consts or empty)
        refs.append(tuple(node_refs))
        source = node_params.get(node.map_over) if node.map_over else None
        sources.append(index[source.node_id] if isinstance(source, Ref) else -1)
    return out
