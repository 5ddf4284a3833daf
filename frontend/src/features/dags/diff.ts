// The drawing of a diff between two versions: one definition holding the nodes of both, each
// added, removed or changed node and edge highlighted, and the removed edges between kept nodes.
import { type DagDefinition, type DefinitionEdge, definitionEdges, tryParseDefinition } from "../../graph/definition";
import { diffEdges, type EdgeChange } from "../../graph/diff";
import { edgeId } from "../../graph/flow";
import type { Highlight } from "../../graph/highlights";

/** What the API's dagVersionDiff returns (the fields used here). */
export interface VersionDiff {
  nodesAdded: string[];
  nodesRemoved: string[];
  nodesChanged: { nodeId: string; fields: string[] }[];
  edgesAdded: { upstream: string; downstream: string }[];
  edgesRemoved: { upstream: string; downstream: string }[];
  fieldsChanged: string[];
}

export type { Highlight };

/** What DagGraph draws for a diff, and the edge changes the server's diff does not name. */
export interface DiffDrawing {
  /** The newer definition plus the nodes only the older one has (with their old dependencies). */
  definition: DagDefinition;
  /** Highlight of each node, by node id. */
  highlights: Record<string, Highlight>;
  /** Highlight of each drawn edge, by edge id. */
  edgeHighlights: Record<string, Highlight>;
  /** The removed edges `definition` does not hold (those between nodes both versions have). */
  extraEdges: DefinitionEdge[];
  /** Edge pairs in both versions bound differently (depends_on vs $ref, other params). */
  edgesChanged: EdgeChange[];
}

/**
 * The drawing of `diff` from the definition `from` to `to`: nodes highlighted as the server's
 * diff says, edges as diffEdges computes from both definitions (the same pairs the server
 * reports, plus their kinds). Returns null when either definition is unreadable.
 */
export function mergeForDiff(from: unknown, to: unknown, diff: VersionDiff): DiffDrawing | null {
  const before = tryParseDefinition(from);
  const after = tryParseDefinition(to);
  if (before === null || after === null) return null;
  const removed = new Set(diff.nodesRemoved);
  const definition: DagDefinition = { ...after, nodes: [...after.nodes, ...before.nodes.filter((node) => removed.has(node.id))] };
  const highlights: Record<string, Highlight> = {};
  for (const id of diff.nodesAdded) highlights[id] = "added";
  for (const id of diff.nodesRemoved) highlights[id] = "removed";
  for (const change of diff.nodesChanged) highlights[change.nodeId] = "changed";
  const edges = diffEdges(before, after);
  const drawn = new Set(definitionEdges(definition).map(edgeId));
  const extraEdges = edges.removed.filter((edge) => !drawn.has(edgeId(edge)));
  return { definition, highlights, edgeHighlights: edges.highlights, extraEdges, edgesChanged: edges.changed };
}

/** Whether the diff changes nothing. */
export function isEmptyDiff(diff: VersionDiff): boolean {
  return [diff.nodesAdded, diff.nodesRemoved, diff.nodesChanged, diff.edgesAdded, diff.edgesRemoved, diff.fieldsChanged].every((list) => list.length === 0);
}
