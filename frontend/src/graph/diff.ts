// The edge diff of two definitions, for drawing: which edges of the new one are added or
// changed, and which edges of the old one are gone. Pure functions, no React Flow.
//
// Like the server's dagVersionDiff, an edge is the pair (upstream, downstream) from
// `depends_on` and `{"$ref": id}` params; a pair in both versions whose kinds or bound params
// differ (a `depends_on` that became a `$ref`, a `$ref` feeding other params) is changed.
import { type DagDefinition, type DefinitionEdge, definitionEdges } from "./definition";
import { edgeId } from "./flow";
import type { Highlight } from "./highlights";

/** An edge pair present in both versions, drawn differently. */
export interface EdgeChange {
  source: string;
  target: string;
  /** How the old version binds the pair, e.g. "depends_on" or "$ref (n, m)". */
  before: string;
  /** How the new version binds it. */
  after: string;
}

/** The edges of a diff from an old definition to a new one. */
export interface EdgeDiff {
  /** Highlight of each edge, by React Flow edge id (edgeId), for the new version's edges and the removed ones. */
  highlights: Record<string, Highlight>;
  /** The new version's edges whose pair the old version lacks. */
  added: DefinitionEdge[];
  /** The old version's edges whose pair the new version lacks. */
  removed: DefinitionEdge[];
  /** Pairs in both versions bound differently. */
  changed: EdgeChange[];
}

function pairKey(edge: { source: string; target: string }): string {
  return `${edge.source}\u0000${edge.target}`;
}

function byPair(edges: readonly DefinitionEdge[]): Map<string, DefinitionEdge[]> {
  const pairs = new Map<string, DefinitionEdge[]>();
  for (const edge of edges) pairs.set(pairKey(edge), [...(pairs.get(pairKey(edge)) ?? []), edge]);
  return pairs;
}

/** How the edges of one pair bind it: "depends_on", "$ref (a, b)" or both, e.g. "$ref (n) + depends_on". */
export function describeBinding(edges: readonly DefinitionEdge[]): string {
  const ref = edges.find((edge) => edge.kind === "ref");
  const parts = [];
  if (ref !== undefined) parts.push(`$ref (${[...ref.params].sort().join(", ")})`);
  if (edges.some((edge) => edge.kind === "order")) parts.push("depends_on");
  return parts.join(" + ");
}

/** The edge diff from `from` to `to` (see EdgeDiff); every list sorted by source, then target. */
export function diffEdges(from: DagDefinition, to: DagDefinition): EdgeDiff {
  const before = byPair(definitionEdges(from));
  const after = byPair(definitionEdges(to));
  const result: EdgeDiff = { highlights: {}, added: [], removed: [], changed: [] };
  for (const [key, edges] of after) {
    const old = before.get(key);
    if (old === undefined) {
      result.added.push(...edges);
      for (const edge of edges) result.highlights[edgeId(edge)] = "added";
    } else if (describeBinding(old) !== describeBinding(edges)) {
      const [{ source, target }] = edges as [DefinitionEdge];
      result.changed.push({ source, target, before: describeBinding(old), after: describeBinding(edges) });
      for (const edge of edges) result.highlights[edgeId(edge)] = "changed";
    }
  }
  for (const [key, edges] of before) {
    if (after.has(key)) continue;
    result.removed.push(...edges);
    for (const edge of edges) result.highlights[edgeId(edge)] = "removed";
  }
  const order = (a: { source: string; target: string }, b: { source: string; target: string }) =>
    a.source.localeCompare(b.source) || a.target.localeCompare(b.target);
  result.added.sort(order);
  result.removed.sort(order);
  result.changed.sort(order);
  return result;
}
