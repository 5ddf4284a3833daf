// Definition -> React Flow nodes and edges (positions come from layout.ts or the editor).
import { type Edge, MarkerType } from "@xyflow/react";

import {
  type DagDefinition,
  type DefinitionEdge,
  definitionEdges,
  type Json,
  type NodeDef,
  refTarget,
  taskLabel,
} from "./definition";
import { type Highlight, HIGHLIGHT_COLORS } from "./highlights";
import { NODE_HEIGHT, NODE_WIDTH, type Positions } from "./layout";
import type { NodeStatus, TaskFlowNode } from "./TaskNode";

/** Data of a drawn edge: how it arises, which params of the target it feeds, its diff highlight. */
export interface DagEdgeData extends Record<string, unknown> {
  kind: DefinitionEdge["kind"];
  params: string[];
  highlight?: Highlight | undefined;
}

export type DagFlowEdge = Edge<DagEdgeData>;

/** The React Flow id of an edge. */
export function edgeId(edge: { source: string; target: string; kind: DefinitionEdge["kind"] }): string {
  return `${edge.kind}:${edge.source}->${edge.target}`;
}

function flowEdge(edge: DefinitionEdge, highlight: Highlight | undefined): DagFlowEdge {
  const id = edgeId(edge);
  const flow: DagFlowEdge = {
    id,
    source: edge.source,
    target: edge.target,
    className: `dag-edge--${edge.kind}` + (highlight === undefined ? "" : ` dag-edge--${highlight}`),
    label: edge.params.length > 0 ? edge.params.join(", ") : undefined,
    markerEnd:
      highlight === undefined
        ? { type: MarkerType.ArrowClosed }
        : { type: MarkerType.ArrowClosed, color: HIGHLIGHT_COLORS[highlight] },
    data: highlight === undefined ? { kind: edge.kind, params: edge.params } : { kind: edge.kind, params: edge.params, highlight },
  };
  if (highlight !== undefined) {
    flow.ariaLabel = `Edge from ${edge.source} to ${edge.target}, ${highlight}`;
    flow.domAttributes = { "data-highlight": highlight } as DagFlowEdge["domAttributes"];
  }
  return flow;
}

/** What to draw on top of the definition. */
export interface FlowDecorations {
  statuses?: Record<string, NodeStatus | string> | undefined;
  highlights?: Record<string, Highlight> | undefined;
  /** Diff highlight of each edge, by edge id (edgeId). */
  edgeHighlights?: Record<string, Highlight> | undefined;
  /** Edges drawn besides the definition's, e.g. the edges a diff removed between kept nodes. */
  extraEdges?: readonly DefinitionEdge[] | undefined;
  problems?: Record<string, string[]> | undefined;
  connectable?: boolean | undefined;
  selectedNodeId?: string | null | undefined;
}

/** React Flow nodes and edges of a definition; nodes without a position are placed at 0,0. */
export function definitionToFlow(
  definition: DagDefinition,
  positions: Positions,
  decorations: FlowDecorations = {},
): { nodes: TaskFlowNode[]; edges: DagFlowEdge[] } {
  const ids = new Set(definition.nodes.map((node) => node.id));
  const nodes: TaskFlowNode[] = definition.nodes.map((node) => ({
    id: node.id,
    type: "task",
    position: positions[node.id] ?? { x: 0, y: 0 },
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    selected: decorations.selectedNodeId === node.id,
    data: {
      nodeId: node.id,
      label: taskLabel(node.task),
      status: decorations.statuses?.[node.id] as NodeStatus | undefined,
      highlight: decorations.highlights?.[node.id],
      problems: decorations.problems?.[node.id],
      connectable: decorations.connectable ?? false,
    },
  }));
  const own = definitionEdges(definition);
  const ownIds = new Set(own.map(edgeId));
  const extra = (decorations.extraEdges ?? []).filter((edge) => !ownIds.has(edgeId(edge)));
  const edges: DagFlowEdge[] = [...own, ...extra]
    .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
    .map((edge) => flowEdge(edge, decorations.edgeHighlights?.[edgeId(edge)]));
  return { nodes, edges };
}

/**
 * The definition drawn by `nodes` and `edges`: node order and membership from `nodes`, each
 * node's `depends_on` from "order" edges and its `$ref` params from "ref" edges; every other
 * field comes from `base`'s node of the same id. The inverse of definitionToFlow.
 */
export function flowToDefinition(
  base: DagDefinition,
  nodes: readonly TaskFlowNode[],
  edges: readonly DagFlowEdge[],
): DagDefinition {
  const byId = new Map(base.nodes.map((node) => [node.id, node]));
  return {
    ...base,
    nodes: nodes.map((flowNode) => {
      const original = byId.get(flowNode.id);
      if (original === undefined) throw new Error(`node ${flowNode.id} is not in the base definition`);
      const incoming = edges.filter((edge) => edge.target === flowNode.id);
      const params: Record<string, Json> = {};
      for (const [name, value] of Object.entries(original.params ?? {})) {
        if (refTarget(value) === null) params[name] = value;
      }
      for (const edge of incoming) {
        if (edge.data?.kind === "ref") for (const name of edge.data.params) params[name] = { $ref: edge.source };
      }
      const node: NodeDef = { ...original, params };
      const order = incoming.filter((edge) => edge.data?.kind !== "ref").map((edge) => edge.source);
      if (order.length > 0 || original.depends_on !== undefined) node.depends_on = order;
      if (original.params === undefined && Object.keys(params).length === 0) delete node.params;
      return node;
    }),
  };
}
