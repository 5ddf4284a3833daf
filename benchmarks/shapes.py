"""DAG shapes the benchmarks run: chain, fan-out/fan-in, layered, and a gated fan-out.

Node ids are ``n`` plus a zero-padded index, so id order (the engine's index order) is creation
order. Every node runs the same trivial coroutine unless a shape says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from core_engine import DAG, CallableTask, Node
from core_engine.task import callable_path

#: Width of the layered shape: nodes per layer.
LAYER_WIDTH = 100

#: Upstream nodes of each node below the first layer in the layered shape.
LAYER_FAN_IN = 2

SHAPES = ("chain", "fanout", "layered")


async def noop(**kwargs: object) -> None:
    """The trivial task: takes anything, does nothing, returns ``None``."""


NOOP = CallableTask(callable_path(noop), noop)

AsyncTask = Callable[..., Coroutine[Any, Any, None]]


def node_id(i: int) -> str:
    """Id of the ``i``-th node (sorts like ``i`` up to ten million nodes)."""
    return f"n{i:07d}"


def chain_upstream(n: int) -> list[tuple[int, ...]]:
    """``0 -> 1 -> ... -> n-1``: each node waits for the one before it."""
    return [()] + [(i - 1,) for i in range(1, n)]


def fanout_upstream(n: int) -> list[tuple[int, ...]]:
    """One root, ``n - 2`` parallel nodes after it, one sink after all of them (``n >= 3``)."""
    if n < 3:
        raise ValueError(f"a fan-out/fan-in DAG needs at least 3 nodes, got {n}")
    middle = tuple(range(1, n - 1))
    return [()] + [(0,)] * (n - 2) + [middle]


def layered_upstream(n: int, width: int = LAYER_WIDTH) -> list[tuple[int, ...]]:
    """Layers of ``width`` nodes; node ``k`` of layer ``l > 0`` waits for nodes ``k`` and
    ``(k + 1) % width`` of layer ``l - 1`` (``LAYER_FAN_IN`` upstream nodes each)."""
    out: list[tuple[int, ...]] = []
    for i in range(n):
        layer, k = divmod(i, width)
        if layer == 0:
            out.append(())
        else:
            base = (layer - 1) * width
            out.append(tuple(sorted({base + k, base + (k + 1) % width})))
    return out


UPSTREAM: dict[str, Callable[[int], list[tuple[int, ...]]]] = {
    "chain": chain_upstream,
    "fanout": fanout_upstream,
    "layered": layered_upstream,
}


def nodes_for(upstream: list[tuple[int, ...]], task: CallableTask = NOOP) -> list[Node]:
    """One node per entry of ``upstream`` (indices), running ``task``, ordering-only deps."""
    ids = [node_id(i) for i in range(len(upstream))]
    return [
        Node(id=ids[i], task=task, depends_on=tuple(ids[u] for u in ups)) for i, ups in enumerate(upstream)
    ]


def build(shape: str, n: int) -> DAG:
    """A validated ``n``-node DAG of ``shape`` (one of :data:`SHAPES`) running :func:`noop`.

    Raises ``KeyError`` for an unknown shape, ``ValueError`` for a fan-out under 3 nodes.
    """
    return DAG.create(f"{shape}-{n}", nodes_for(UPSTREAM[shape](n)))


def gated_fanout(n: int, leaf: AsyncTask) -> DAG:
    """One :func:`noop` root and ``n`` leaves after it, each running ``leaf`` (n + 1 nodes)."""
    leaf_task = CallableTask(callable_path(leaf), leaf)
    root = Node(id=node_id(0), task=NOOP)
    leaves = [Node(id=node_id(i), task=leaf_task, depends_on=(root.id,)) for i in range(1, n + 1)]
    return DAG.create(f"gated-fanout-{n}", [root, *leaves])
