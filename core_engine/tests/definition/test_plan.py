"""Planning: topological order, levels, critical path and cycle finding, against brute force.

Random acyclic graphs draw a permutation of the nodes and only add edges from an earlier to a
later position in it. The references below enumerate permutations or paths outright, so they
share no code or idea with Kahn's algorithm or the single-pass dynamic programs under test.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core_engine import DAG, CriticalPath, DAGBuilder, Node, TypedTask, plan

Edges = list[tuple[int, int]]


@st.composite
def acyclic_graphs(draw: st.DrawFn, max_nodes: int = 9) -> tuple[int, Edges]:
    n = draw(st.integers(0, max_nodes))
    perm = draw(st.permutations(range(n)))
    pairs = [(perm[i], perm[j]) for i in range(n) for j in range(i + 1, n)]
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    return n, sorted(pair for pair, k in zip(pairs, keep, strict=True) if k)


@st.composite
def any_graphs(draw: st.DrawFn, max_nodes: int = 8) -> tuple[int, Edges]:
    n = draw(st.integers(1, max_nodes))
    edges = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    return n, sorted(edges)


def downstream_of(n: int, edges: Edges) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        out[u].append(v)
    return [sorted(d) for d in out]


def upstream_of(n: int, edges: Edges) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        out[v].append(u)
    return [sorted(u) for u in out]


def kahn(n: int, edges: Edges) -> list[int]:
    return plan.topological_order(downstream_of(n, edges), [len(u) for u in upstream_of(n, edges)])


def respects(order: Sequence[int], edges: Edges) -> bool:
    position = {node: i for i, node in enumerate(order)}
    return all(position[u] < position[v] for u, v in edges)


def smallest_valid_order(n: int, edges: Edges) -> list[int]:
    """Brute force: the first permutation, in lexicographic order, that respects every edge."""
    return list(next(p for p in itertools.permutations(range(n)) if respects(p, edges)))


def all_paths_from_roots(n: int, edges: Edges) -> list[list[int]]:
    """Every path that starts at a root (no upstream), of every length, by exhaustive search."""
    down = downstream_of(n, edges)
    roots = [v for v, ups in enumerate(upstream_of(n, edges)) if not ups]
    paths: list[list[int]] = []
    stack = [[r] for r in roots]
    while stack:
        path = stack.pop()
        paths.append(path)
        stack.extend([*path, nxt] for nxt in down[path[-1]])
    return paths


def has_cycle_by_closure(n: int, edges: Edges) -> bool:
    """Warshall's transitive closure: some node reaches itself."""
    reach = [[False] * n for _ in range(n)]
    for u, v in edges:
        reach[u][v] = True
    for k in range(n):
        for i in range(n):
            if reach[i][k]:
                for j in range(n):
                    if reach[k][j]:
                        reach[i][j] = True
    return any(reach[i][i] for i in range(n))


# --- topological order ----------------------------------------------------------------------


@given(acyclic_graphs(max_nodes=12))
def test_order_contains_every_node_once_and_respects_every_edge(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    order = kahn(n, edges)
    assert sorted(order) == list(range(n))
    assert respects(order, edges)


@given(acyclic_graphs(max_nodes=6))
def test_order_is_the_lexicographically_smallest_valid_order(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    assert kahn(n, edges) == smallest_valid_order(n, edges)


@given(any_graphs())
def test_order_is_complete_exactly_when_the_graph_is_acyclic(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    assert (len(kahn(n, edges)) == n) is not has_cycle_by_closure(n, edges)


def test_ties_are_broken_by_smallest_index_not_by_a_plain_sort() -> None:
    # 2 -> 0: node 1 is ready first, then 2, and only then 0.
    assert kahn(3, [(2, 0)]) == [1, 2, 0]


# --- levels ---------------------------------------------------------------------------------


@given(acyclic_graphs())
def test_level_is_the_longest_path_in_edges_from_a_root(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    expected = [0] * n
    for path in all_paths_from_roots(n, edges):
        expected[path[-1]] = max(expected[path[-1]], len(path) - 1)
    assert plan.levels(kahn(n, edges), upstream_of(n, edges)) == expected


@given(acyclic_graphs())
def test_roots_are_level_zero_and_every_edge_climbs_a_level(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    ups = upstream_of(n, edges)
    level = plan.levels(kahn(n, edges), ups)
    assert all((level[v] == 0) == (not ups[v]) for v in range(n))
    assert all(level[v] > level[u] for u, v in edges)


# --- critical path --------------------------------------------------------------------------


@given(acyclic_graphs(), st.data())
def test_critical_path_is_the_longest_root_to_leaf_path(
    graph: tuple[int, Edges], data: st.DataObject
) -> None:
    n, edges = graph
    # Whole seconds keep float sums exact, so the reference can be compared with ==.
    durations = [float(d) for d in data.draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))]
    length, path = plan.critical_path(kahn(n, edges), upstream_of(n, edges), durations)

    down = downstream_of(n, edges)
    root_to_leaf = [p for p in all_paths_from_roots(n, edges) if not down[p[-1]]]
    assert length == max((sum(durations[v] for v in p) for p in root_to_leaf), default=0.0)
    if n == 0:
        assert path == []
        return
    assert path in root_to_leaf  # starts at a root, follows edges, ends at a leaf
    assert sum(durations[v] for v in path) == length


@given(acyclic_graphs(max_nodes=7), st.data())
def test_critical_path_with_real_durations_is_a_longest_root_to_leaf_path(
    graph: tuple[int, Edges], data: st.DataObject
) -> None:
    n, edges = graph
    durations = data.draw(st.lists(st.floats(0, 1000) | st.just(0.0), min_size=n, max_size=n))
    length, path = plan.critical_path(kahn(n, edges), upstream_of(n, edges), durations)
    down = downstream_of(n, edges)
    root_to_leaf = [p for p in all_paths_from_roots(n, edges) if not down[p[-1]]]
    best = max((sum(durations[v] for v in p) for p in root_to_leaf), default=0.0)
    assert length == pytest.approx(best)
    assert n == 0 or path in root_to_leaf


def test_critical_path_ties_go_to_the_smaller_index() -> None:
    # Diamond 0 -> {1, 2} -> 3 with equal durations: both branches tie.
    edges = [(0, 1), (0, 2), (1, 3), (2, 3)]
    assert plan.critical_path(kahn(4, edges), upstream_of(4, edges), [1.0] * 4) == (3.0, [0, 1, 3])


def test_critical_path_of_an_empty_graph_is_empty() -> None:
    assert plan.critical_path([], [], []) == (0.0, [])


# --- cycles ---------------------------------------------------------------------------------


@given(any_graphs())
def test_find_cycle_returns_a_real_cycle_among_the_unordered_nodes(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    down = downstream_of(n, edges)
    ordered = set(kahn(n, edges))
    candidates = [v for v in range(n) if v not in ordered]
    cycle = plan.find_cycle(down, candidates)
    if not candidates:
        assert cycle == []
        assert plan.find_cycle(down, range(n)) == []
        return
    assert has_cycle_by_closure(n, edges)
    assert len(cycle) >= 2
    assert cycle[0] == cycle[-1] == min(cycle)
    assert len(set(cycle[:-1])) == len(cycle) - 1
    assert all((u, v) in edges for u, v in itertools.pairwise(cycle))
    assert set(cycle) <= set(candidates)


@given(acyclic_graphs())
def test_find_cycle_on_an_acyclic_graph_finds_nothing(graph: tuple[int, Edges]) -> None:
    n, edges = graph
    assert plan.find_cycle(downstream_of(n, edges), range(n)) == []


def test_find_cycle_ignores_edges_leaving_the_candidates() -> None:
    down = [[1], [2], [0]]
    assert plan.find_cycle(down, [0, 1, 2]) == [0, 1, 2, 0]
    assert plan.find_cycle(down, [0, 1]) == []


def test_find_cycle_reports_a_self_loop() -> None:
    assert plan.find_cycle([[], [1]], [0, 1]) == [1, 1]


# --- through a DAG (node ids) ---------------------------------------------------------------


ID_ALPHABET = st.text("abcxyz_0", min_size=1, max_size=4)


@st.composite
def dags(draw: st.DrawFn, max_nodes: int = 6) -> tuple[DAG, list[str], Edges]:
    n, edges = draw(acyclic_graphs(max_nodes=max_nodes))
    ids = draw(st.lists(ID_ALPHABET, min_size=n, max_size=n, unique=True))
    ups = upstream_of(n, edges)
    nodes = [Node(ids[v], TypedTask("noop"), depends_on=tuple(ids[u] for u in ups[v])) for v in range(n)]
    return DAG.create("random", nodes), ids, edges


@given(dags())
def test_dag_order_is_the_smallest_valid_order_by_node_id(case: tuple[DAG, list[str], Edges]) -> None:
    dag, ids, edges = case
    named = [(ids[u], ids[v]) for u, v in edges]
    valid = [
        list(p) for p in itertools.permutations(sorted(ids)) if all(p.index(u) < p.index(v) for u, v in named)
    ]
    assert dag.topological_order() == min(valid)


@given(dags())
def test_dag_levels_match_the_longest_paths(case: tuple[DAG, list[str], Edges]) -> None:
    dag, ids, edges = case
    expected = dict.fromkeys(ids, 0)
    for path in all_paths_from_roots(len(ids), edges):
        expected[ids[path[-1]]] = max(expected[ids[path[-1]]], len(path) - 1)
    assert dag.levels() == expected
    assert sorted(dag.edges) == sorted((ids[u], ids[v]) for u, v in edges)


def _chain_dag() -> DAG:
    b = DAGBuilder("d")
    b.add_node("a", TypedTask("noop"))
    b.add_node("b", TypedTask("noop"), depends_on=["a"])
    b.add_node("c", TypedTask("noop"), depends_on=["a"])
    b.add_node("d", TypedTask("noop"), depends_on=["b", "c"])
    return b.build()


def test_dag_order_and_levels_by_id() -> None:
    b = DAGBuilder("d")
    for nid, deps in [("z", []), ("a", ["z"]), ("m", [])]:
        b.add_node(nid, TypedTask("noop"), depends_on=deps)
    dag = b.build()
    assert dag.topological_order() == ["m", "z", "a"]
    assert dag.levels() == {"a": 1, "m": 0, "z": 0}


def test_dag_critical_path_by_node_id() -> None:
    cp = _chain_dag().critical_path({"a": 1, "b": 2, "c": 5, "d": 1})
    assert cp == CriticalPath(7.0, ("a", "c", "d"))


def test_dag_critical_path_counts_missing_durations_as_zero_and_ignores_unknown_ids() -> None:
    cp = _chain_dag().critical_path({"b": 2.5, "ghost": 100})
    assert cp == CriticalPath(2.5, ("a", "b", "d"))


def test_dag_critical_path_rejects_a_negative_duration_naming_the_node() -> None:
    with pytest.raises(ValueError, match="node 'c' is negative"):
        _chain_dag().critical_path({"c": -1})
