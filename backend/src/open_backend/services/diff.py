"""What changed between two canonical DAG definitions: nodes, edges and DAG-level fields.

Pure functions over the JSON definitions the backend stores (``DAG.to_dict()``), no database.
A node is *changed* when it keeps its id but its canonical node dict differs; the diff names the
top-level node fields that differ (``"task"``, ``"params"``, ``"retry"``, ...). Edges are
``(upstream, downstream)`` pairs, from ``depends_on`` and from ``{"$ref": node}`` parameters,
as the engine derives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from core_engine.node import Ref, decode_param

#: DAG-level fields compared besides the nodes.
DAG_FIELDS: Final = ("name", "description", "params", "schema_version")

Edge = tuple[str, str]


@dataclass(frozen=True, slots=True)
class NodeChange:
    """A node present in both definitions with different content.

    Attributes:
        node_id: the node's id.
        fields: the top-level node fields whose values differ, sorted.
    """

    node_id: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DefinitionDiff:
    """The difference from an old definition to a new one; every tuple is sorted.

    Attributes:
        nodes_added: ids only in the new definition.
        nodes_removed: ids only in the old definition.
        nodes_changed: nodes in both whose canonical dicts differ.
        edges_added: ``(upstream, downstream)`` only in the new definition.
        edges_removed: ``(upstream, downstream)`` only in the old definition.
        fields_changed: DAG-level fields (of :data:`DAG_FIELDS`) whose values differ.
    """

    nodes_added: tuple[str, ...]
    nodes_removed: tuple[str, ...]
    nodes_changed: tuple[NodeChange, ...]
    edges_added: tuple[Edge, ...]
    edges_removed: tuple[Edge, ...]
    fields_changed: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """Whether the two definitions are the same."""
        return not (
            self.nodes_added
            or self.nodes_removed
            or self.nodes_changed
            or self.edges_added
            or self.edges_removed
            or self.fields_changed
        )


def _nodes_by_id(definition: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    nodes = definition.get("nodes", [])
    return {
        node["id"]: node for node in nodes if isinstance(node, Mapping) and isinstance(node.get("id"), str)
    }


def node_edges(node: Mapping[str, Any]) -> set[Edge]:
    """The ``(upstream, node id)`` edges of one canonical node dict."""
    node_id = node["id"]
    upstream = {dep for dep in node.get("depends_on", []) if isinstance(dep, str)}
    params = node.get("params", {})
    if isinstance(params, Mapping):
        for value in params.values():
            decoded = decode_param(value)
            if isinstance(decoded, Ref):
                upstream.add(decoded.node_id)
    return {(up, node_id) for up in upstream}


def diff_definitions(old: Mapping[str, Any], new: Mapping[str, Any]) -> DefinitionDiff:
    """The diff from ``old`` to ``new`` (both canonical definitions, as stored with versions)."""
    old_nodes, new_nodes = _nodes_by_id(old), _nodes_by_id(new)
    changed = []
    for node_id in sorted(old_nodes.keys() & new_nodes.keys()):
        before, after = old_nodes[node_id], new_nodes[node_id]
        if before != after:
            fields = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
            changed.append(NodeChange(node_id, tuple(fields)))
    old_edges = {edge for node in old_nodes.values() for edge in node_edges(node)}
    new_edges = {edge for node in new_nodes.values() for edge in node_edges(node)}
    return DefinitionDiff(
        nodes_added=tuple(sorted(new_nodes.keys() - old_nodes.keys())),
        nodes_removed=tuple(sorted(old_nodes.keys() - new_nodes.keys())),
        nodes_changed=tuple(changed),
        edges_added=tuple(sorted(new_edges - old_edges)),
        edges_removed=tuple(sorted(old_edges - new_edges)),
        fields_changed=tuple(field for field in DAG_FIELDS if old.get(field) != new.get(field)),
    )
