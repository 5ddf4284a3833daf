"""Graph algorithms on a DAG's index arrays: topological order, levels, critical path.

Nodes are numbered ``0..n-1`` in sorted id order, so "smallest index" means "smallest id".
``upstream[i]`` and ``downstream[i]`` list the neighbours of node ``i``. All functions are pure.

Costs: :func:`topological_order` is Kahn's algorithm (A. B. Kahn, "Topological sorting of large
networks", CACM 5(11), 1962) with a binary heap so ties break by id: O(E + V log V).
:func:`levels` and :func:`critical_path` are single passes in topological order: O(V + E).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass


def topological_order(downstream: Sequence[Sequence[int]], indegree: Sequence[int]) -> list[int]:
    """Kahn's algorithm; among ready nodes the smallest index goes first.

    Returns fewer than ``len(indegree)`` indices when the graph has a cycle: the missing
    nodes are on a cycle or downstream of one (see :func:`find_cycle`).
    """
    remaining = list(indegree)
    ready = [i for i, d in enumerate(remaining) if d == 0]  # already sorted: a valid heap
    order: list[int] = []
    push, pop, append = heapq.heappush, heapq.heappop, order.append
    while ready:
        i = pop(ready)
        append(i)
        for j in downstream[i]:
            remaining[j] -= 1
            if remaining[j] == 0:
                push(ready, j)
    return order


def find_cycle(downstream: Sequence[Sequence[int]], candidates: Sequence[int]) -> list[int]:
    """One cycle among ``candidates`` (nodes Kahn's algorithm could not order).

    Returns the cycle's node indices with the first repeated at the end, starting from the
    smallest index on it, or ``[]`` if there is none. Iterative DFS, O(V + E).
    """
    allowed = set(candidates)
    colour: dict[int, int] = {}  # 1 = on the current DFS path, 2 = finished
    for start in sorted(allowed):
        if start in colour:
            continue
        path = [start]
        iters = [iter(downstream[start])]
        colour[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                colour[path.pop()] = 2
                iters.pop()
                continue
            if nxt not in allowed:
                continue
            state = colour.get(nxt)
            if state == 1:
                cycle = path[path.index(nxt) :]
                k = cycle.index(min(cycle))
                cycle = cycle[k:] + cycle[:k]
                return [*cycle, cycle[0]]
            if state is None:
                colour[nxt] = 1
                path.append(nxt)
                iters.append(iter(downstream[nxt]))
    return []


def levels(order: Sequence[int], upstream: Sequence[Sequence[int]]) -> list[int]:
    """Level of every node: the number of edges on the longest path from a root to it.

    ``order`` must be a topological order. Roots are level 0.
    """
    level = [0] * len(upstream)
    for i in order:
        ups = upstream[i]
        if ups:
            level[i] = max([level[u] for u in ups]) + 1
    return level


@dataclass(frozen=True, slots=True)
class CriticalPath:
    """The longest duration-weighted path through a DAG.

    Attributes:
        length: sum of the durations on the path, in the durations' unit (seconds).
        nodes: the node ids along it, root first.
    """

    length: float
    nodes: tuple[str, ...]


def critical_path(
    order: Sequence[int],
    upstream: Sequence[Sequence[int]],
    durations: Sequence[float],
) -> tuple[float, list[int]]:
    """Longest path by node weight (the makespan lower bound with unlimited workers).

    Returns ``(length, indices)``: the path runs from a root to a leaf (with zero durations
    a shorter path may be as long; the leaf keeps the path whole). Ties between equally long
    predecessors or leaves go to the smaller index, so the path is deterministic. ``durations``
    must be non-negative.
    """
    n = len(upstream)
    if n == 0:
        return 0.0, []
    finish = [0.0] * n
    via = [-1] * n
    for i in order:
        best, best_u = 0.0, -1
        for u in upstream[i]:  # sorted ascending: on ties the first (smallest) index stays
            f = finish[u]
            if best_u == -1 or f > best:
                best, best_u = f, u
        finish[i] = best + durations[i]
        via[i] = best_u
    is_leaf = [True] * n
    for ups in upstream:
        for u in ups:
            is_leaf[u] = False
    # Durations are non-negative, so some leaf finishes as late as any node.
    end = max((i for i in range(n) if is_leaf[i]), key=lambda i: (finish[i], -i))
    path = []
    while end != -1:
        path.append(end)
        end = via[end]
    path.reverse()
    return finish[path[-1]], path
