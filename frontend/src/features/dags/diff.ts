// The drawing of a diff between two versions: one definition holding the nodes of both, each
// added, removed or changed node highlighted.

/** What the API's dagVersionDiff returns (the fields used here). */
export interface VersionDiff {
  nodesAdded: string[];
  nodesRemoved: string[];
  nodesChanged: { nodeId: string; fields: string[] }[];
  edgesAdded: { upstream: string; downstream: string }[];
  edgesRemoved: { upstream: string; downstream: string }[];
  fieldsChanged: string[];
}

export type Highlight = "added" | "removed" | "changed";

interface NodeLike {
  id: string;
  [key: string]: unknown;
}
interface DefinitionLike {
  nodes: NodeLike[];
  [key: string]: unknown;
}

function isDefinition(value: unknown): value is DefinitionLike {
  return typeof value === "object" && value !== null && Array.isArray((value as { nodes?: unknown }).nodes);
}

/**
 * The `to` definition plus the nodes only `from` has (placed with their old dependencies), and the
 * highlight of every node the diff names. Returns null when either definition is unreadable.
 */
export function mergeForDiff(from: unknown, to: unknown, diff: VersionDiff): { definition: DefinitionLike; highlights: Record<string, Highlight> } | null {
  if (!isDefinition(from) || !isDefinition(to)) return null;
  const removed = new Set(diff.nodesRemoved);
  const removedNodes = from.nodes.filter((node) => removed.has(node.id));
  const highlights: Record<string, Highlight> = {};
  for (const id of diff.nodesAdded) highlights[id] = "added";
  for (const id of diff.nodesRemoved) highlights[id] = "removed";
  for (const change of diff.nodesChanged) highlights[change.nodeId] = "changed";
  return { definition: { ...to, nodes: [...to.nodes, ...removedNodes] }, highlights };
}

/** Whether the diff changes nothing. */
export function isEmptyDiff(diff: VersionDiff): boolean {
  return [diff.nodesAdded, diff.nodesRemoved, diff.nodesChanged, diff.edgesAdded, diff.edgesRemoved, diff.fieldsChanged].every((list) => list.length === 0);
}
