// Layered (Sugiyama) layout of a DAG with elkjs: upstream nodes left, downstream nodes right.
// elkjs (~1.4 MB minified) is imported on the first layout, so it is its own chunk that only
// screens drawing a graph download.
import type { ELK } from "elkjs/lib/elk.bundled.js";

import { type DagDefinition, definitionEdges } from "./definition";

/** Size of a drawn node, in pixels (DagGraph and the editor draw nodes this size). */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 60;

/** Top-left corner of each node, in pixels, by node id. */
export type Positions = Record<string, { x: number; y: number }>;

let elkInstance: Promise<ELK> | null = null;

/** The shared layout engine, loaded on first use (a failed load is tried again next time). */
function loadElk(): Promise<ELK> {
  elkInstance ??= import("elkjs/lib/elk.bundled.js").then(
    ({ default: Elk }) => new Elk(),
    (error: unknown) => {
      elkInstance = null;
      throw error;
    },
  );
  return elkInstance;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "70",
  "elk.spacing.nodeNode": "30",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
};

/**
 * Lay out nodes and edges (edges between unknown ids are ignored).
 * @returns the top-left corner of each node, in pixels.
 */
export async function layoutGraph(
  nodeIds: readonly string[],
  edges: ReadonlyArray<{ source: string; target: string }>,
): Promise<Positions> {
  const known = new Set(nodeIds);
  const graph = {
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: nodeIds.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges
      .filter((edge) => known.has(edge.source) && known.has(edge.target) && edge.source !== edge.target)
      .map((edge, index) => ({ id: `e${index}`, sources: [edge.source], targets: [edge.target] })),
  };
  const elk = await loadElk();
  const result = await elk.layout(graph);
  const positions: Positions = {};
  for (const child of result.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return positions;
}

/** Lay out a definition's nodes along its edges (depends_on and $ref params). */
export function layoutDag(definition: DagDefinition): Promise<Positions> {
  return layoutGraph(
    definition.nodes.map((node) => node.id),
    definitionEdges(definition),
  );
}
