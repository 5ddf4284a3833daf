"""The frozen, validated DAG.

A :class:`DAG` is only made by :meth:`DAG.create` (or a builder, or a JSON definition), which
runs every rule in :mod:`core_engine.validate` and raises one
:class:`~core_engine.errors.DAGValidationError` listing all problems. Once made, a DAG cannot be
invalid: it carries its nodes in id order, the index arrays the planner and executor use, and
its topological order and levels, computed once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from core_engine import plan
from core_engine.errors import DAGValidationError, ValidationIssue
from core_engine.node import Node, ParamSpec
from core_engine.tasktypes import DEFAULT_REGISTRY, TaskTypeRegistry
from core_engine.validate import SignatureCache, check_dag_header, check_node, check_types

#: Version of the canonical JSON definition format written by :meth:`DAG.to_dict`.
SCHEMA_VERSION = 1

#: Most cycles one DAGValidationError reports (each costs a graph search).
MAX_REPORTED_CYCLES = 10


class DAG:
    """A validated, immutable DAG of :class:`~core_engine.node.Node` objects.

    Attributes:
        name, description: as given.
        params: declared run parameters by name (read-only mapping).
        nodes: the nodes sorted by id; ``index[id]`` is a node's position.
        upstream, downstream: per node, the sorted indices of its neighbours.
        order: a deterministic topological order (indices; ties broken by id).
        level: per node, its level (longest path in edges from a root).
    """

    __slots__ = (
        "_hash",
        "description",
        "downstream",
        "index",
        "level",
        "name",
        "nodes",
        "order",
        "params",
        "upstream",
    )

    name: str
    description: str
    params: Mapping[str, ParamSpec]
    nodes: tuple[Node, ...]
    index: Mapping[str, int]
    upstream: tuple[tuple[int, ...], ...]
    downstream: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]
    level: tuple[int, ...]

    def __init__(self) -> None:
        raise TypeError("use DAG.create(), DAGBuilder.build() or DAG.from_dict()")

    @classmethod
    def create(
        cls,
        name: str,
        nodes: Iterable[Node],
        description: str = "",
        params: Mapping[str, ParamSpec] | None = None,
        *,
        registry: TaskTypeRegistry | None = None,
    ) -> DAG:
        """Validate ``nodes`` and return the DAG.

        Args:
            registry: task types that ``TypedTask`` nodes may use (default: ``sleep``, ``noop``).

        Raises:
            DAGValidationError: every problem found, each naming its node id and field.
        """
        node_list = list(nodes)
        declared = dict(params or {})
        registry = registry if registry is not None else DEFAULT_REGISTRY
        signatures = SignatureCache()
        issues = check_dag_header(name, declared, len(node_list))
        for node in node_list:
            issues.extend(check_node(node, declared, registry, signatures))

        by_id: dict[str, Node] = {}
        for node in node_list:
            if not isinstance(node.id, str):
                continue  # reported by check_node as invalid_id
            if node.id in by_id:
                issues.append(
                    ValidationIssue(
                        "duplicate_id",
                        "two nodes have this id",
                        node_id=node.id,
                        field="id",
                        suggestion="give one of them another id",
                    )
                )
            else:
                by_id[node.id] = node
        ids = sorted(by_id)
        index = {nid: i for i, nid in enumerate(ids)}
        ordered = [by_id[nid] for nid in ids]

        upstream: list[tuple[int, ...]] = []
        for node in ordered:
            ups: list[int] = []
            for dep in node.upstream:
                j = index.get(dep)
                if j is None:
                    issues.append(
                        ValidationIssue(
                            "unknown_dependency",
                            f"depends on {dep!r}, which is not a node of this DAG",
                            node_id=node.id,
                            field=_dependency_field(node, dep),
                            suggestion=_closest(dep, ids),
                        )
                    )
                elif dep == node.id:
                    issues.append(
                        ValidationIssue(
                            "self_dependency",
                            "a node cannot depend on itself",
                            node_id=node.id,
                            field=_dependency_field(node, dep),
                        )
                    )
                else:
                    ups.append(j)
            upstream.append(tuple(ups))  # node.upstream is sorted, and so is index order
        downstream_lists: list[list[int]] = [[] for _ in ids]
        for i, up_ids in enumerate(upstream):
            for u in up_ids:
                downstream_lists[u].append(i)  # i ascends: each list ends up sorted
        downstream: list[tuple[int, ...]] = [tuple(d) for d in downstream_lists]

        order: list[int] = plan.topological_order(downstream, [len(u) for u in upstream])
        if len(order) < len(ids):
            issues.extend(_cycle_issues(ids, downstream, order))
        else:
            issues.extend(check_types(ordered, index, declared, signatures))
        if issues:
            issues.sort(key=lambda issue: (issue.node_id or "", issue.code, issue.field or ""))
            raise DAGValidationError(issues, name if isinstance(name, str) else None)

        dag = object.__new__(cls)
        set_ = object.__setattr__
        set_(dag, "name", name)
        set_(dag, "description", description)
        set_(dag, "params", MappingProxyType(declared))
        set_(dag, "nodes", tuple(ordered))
        set_(dag, "index", MappingProxyType(index))
        set_(dag, "upstream", tuple(upstream))
        set_(dag, "downstream", tuple(downstream))
        set_(dag, "order", tuple(order))
        set_(dag, "level", tuple(plan.levels(order, upstream)))
        set_(dag, "_hash", None)
        return dag

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"DAG is immutable (tried to set {key!r})")

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"<DAG {self.name!r}: {len(self.nodes)} nodes>"

    def __eq__(self, other: object) -> bool:
        """Two DAGs are equal when their canonical definitions are."""
        if not isinstance(other, DAG):
            return NotImplemented
        return self.content_hash == other.content_hash

    def __hash__(self) -> int:
        return hash(self.content_hash)

    def node(self, node_id: str) -> Node:
        """The node called ``node_id``; raises ``KeyError`` naming it if there is none."""
        try:
            return self.nodes[self.index[node_id]]
        except KeyError:
            raise KeyError(f"DAG {self.name!r} has no node {node_id!r}") from None

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Every ``(upstream_id, downstream_id)`` pair, sorted."""
        ids = [n.id for n in self.nodes]
        return [(ids[u], ids[i]) for i, ups in enumerate(self.upstream) for u in ups]

    def topological_order(self) -> list[str]:
        """Node ids in the deterministic topological order (Kahn, ties by id)."""
        nodes = self.nodes
        return [nodes[i].id for i in self.order]

    def levels(self) -> dict[str, int]:
        """Level of each node id: edges on the longest path from a root (roots are 0)."""
        return {node.id: lvl for node, lvl in zip(self.nodes, self.level, strict=True)}

    def critical_path(self, durations: Mapping[str, float]) -> plan.CriticalPath:
        """Longest path weighted by ``durations`` (seconds per node id; missing ids count 0).

        Raises ``ValueError`` naming the node when a duration is negative. O(V + E).
        """
        weights = [0.0] * len(self.nodes)
        for nid, seconds in durations.items():
            i = self.index.get(nid)
            if i is None:
                continue
            if seconds < 0:
                raise ValueError(f"duration of node {nid!r} is negative ({seconds})")
            weights[i] = float(seconds)
        length, path = plan.critical_path(self.order, self.upstream, weights)
        return plan.CriticalPath(length, tuple(self.nodes[i].id for i in path))

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON definition (see ``docs/dag-definition.schema.json``)."""
        from core_engine.definition import dag_to_dict

        return dag_to_dict(self)

    def to_json(self) -> str:
        """Canonical JSON text: sorted keys, no insignificant whitespace, UTF-8 characters."""
        from core_engine.definition import canonical_json

        return canonical_json(self.to_dict())

    @property
    def content_hash(self) -> str:
        """``sha256:<hex>`` of the canonical JSON: a stable identity for this definition."""
        cached: str | None = getattr(self, "_hash", None)
        if cached is None:
            digest = hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()
            cached = f"sha256:{digest}"
            object.__setattr__(self, "_hash", cached)
        return cached

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        registry: TaskTypeRegistry | None = None,
        resolve_callables: bool = True,
    ) -> DAG:
        """Build a DAG from its JSON definition (see :func:`core_engine.definition.dag_from_dict`)."""
        from core_engine.definition import dag_from_dict

        return dag_from_dict(data, registry=registry, resolve_callables=resolve_callables)

    @classmethod
    def from_json(
        cls,
        text: str | bytes,
        *,
        registry: TaskTypeRegistry | None = None,
        resolve_callables: bool = True,
    ) -> DAG:
        """Parse JSON text and build the DAG (see :meth:`from_dict`)."""
        from core_engine.definition import parse_json

        return cls.from_dict(parse_json(text), registry=registry, resolve_callables=resolve_callables)


def _dependency_field(node: Node, dep: str) -> str:
    for pname, value in sorted(node.params.items()):
        if getattr(value, "node_id", None) == dep:
            return f"params.{pname}"
    return "depends_on"


def _closest(name: str, candidates: Sequence[str]) -> str | None:
    import difflib

    if len(candidates) > 10_000:
        return None  # difflib is quadratic-ish; not worth it on huge DAGs
    match = difflib.get_close_matches(name, candidates, n=1)
    return f"did you mean {match[0]!r}?" if match else None


def _cycle_issues(
    ids: Sequence[str], downstream: Sequence[Sequence[int]], order: Sequence[int]
) -> list[ValidationIssue]:
    ordered = set(order)
    candidates = [i for i in range(len(ids)) if i not in ordered]
    issues = []
    for _ in range(MAX_REPORTED_CYCLES):
        cycle = plan.find_cycle(downstream, candidates)
        if not cycle:
            break
        names = tuple(ids[i] for i in cycle)
        issues.append(
            ValidationIssue(
                "cycle",
                f"dependency cycle: {' -> '.join(names)}",
                node_id=names[0],
                field="depends_on",
                suggestion="remove one of these dependencies",
                path=names,
            )
        )
        on_cycle = set(cycle)
        candidates = [i for i in candidates if i not in on_cycle]
    return issues
