// A read-only drawing of a DAG definition: layered layout, run status colours, diff highlights
// of nodes and edges (with their legend).
import "@xyflow/react/dist/style.css";
import "./graph.css";

import { Background, Controls, MiniMap, Panel, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";

import { type DagDefinition, type DefinitionEdge, definitionEdges, DefinitionParseError, parseDefinition } from "./definition";
import { DiffLegend } from "./DiffLegend";
import { definitionToFlow } from "./flow";
import type { Highlight } from "./highlights";
import { layoutGraph, type Positions } from "./layout";
import { type NodeStatus, TASK_NODE_HANDLES, nodeTypes } from "./TaskNode";

export interface DagGraphProps {
  /** The canonical JSON definition (docs/dag-definition.schema.json), e.g. DagVersion.definition. */
  definition: unknown;
  /** Run status of each node, by node id (GraphQL NodeStatus names). */
  statuses?: Record<string, NodeStatus | string>;
  /** Diff highlight of each node, by node id. */
  highlights?: Record<string, Highlight>;
  /** Diff highlight of each edge, by edge id (`edgeId`: "order:a->b", "ref:a->b"). */
  edgeHighlights?: Record<string, Highlight>;
  /** Edges drawn (and laid out) besides the definition's: a diff's edges removed between kept nodes. */
  extraEdges?: readonly DefinitionEdge[];
  onNodeClick?(nodeId: string): void;
  /** The node drawn as selected. */
  selectedNodeId?: string | null;
  /** Accessible name of the graph region. Default: "DAG graph". */
  ariaLabel?: string;
}

function parse(definition: unknown): { ok: DagDefinition } | { error: string } {
  try {
    return { ok: parseDefinition(definition) };
  } catch (error) {
    return { error: error instanceof DefinitionParseError ? error.message : String(error) };
  }
}

/** Draw a definition read-only. Shows a message for an unreadable or empty definition. */
export function DagGraph(props: DagGraphProps) {
  return (
    <ReactFlowProvider>
      <DagGraphInner {...props} />
    </ReactFlowProvider>
  );
}

function DagGraphInner({ definition, statuses, highlights, edgeHighlights, extraEdges, onNodeClick, selectedNodeId, ariaLabel }: DagGraphProps) {
  const parsed = useMemo(() => parse(definition), [definition]);
  const [positions, setPositions] = useState<Positions | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);

  useEffect(() => {
    if (!("ok" in parsed)) return;
    let cancelled = false;
    const nodeIds = parsed.ok.nodes.map((node) => node.id);
    layoutGraph(nodeIds, [...definitionEdges(parsed.ok), ...(extraEdges ?? [])]).then(
      (result) => {
        if (!cancelled) setPositions(result);
      },
      (error: unknown) => {
        if (!cancelled) setLayoutError(String(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [parsed, extraEdges]);

  const flow = useMemo(() => {
    if (!("ok" in parsed) || positions === null) return null;
    const drawn = definitionToFlow(parsed.ok, positions, { statuses, highlights, edgeHighlights, extraEdges, selectedNodeId });
    return { ...drawn, nodes: drawn.nodes.map((node) => ({ ...node, handles: TASK_NODE_HANDLES })) };
  }, [parsed, positions, statuses, highlights, edgeHighlights, extraEdges, selectedNodeId]);
  const isDiff = highlights !== undefined || edgeHighlights !== undefined;

  const label = ariaLabel ?? "DAG graph";
  if ("error" in parsed) {
    return (
      <div className="dag-graph dag-graph__message" role="alert" aria-label={label}>
        This definition cannot be drawn: {parsed.error}
      </div>
    );
  }
  if (parsed.ok.nodes.length === 0) {
    return (
      <div className="dag-graph dag-graph__message" aria-label={label}>
        This DAG has no nodes.
      </div>
    );
  }
  if (layoutError !== null) {
    return (
      <div className="dag-graph dag-graph__message" role="alert" aria-label={label}>
        The layout failed: {layoutError}
      </div>
    );
  }
  if (flow === null) {
    return (
      <div className="dag-graph dag-graph__message" aria-busy="true" aria-label={label}>
        Laying out the graph…
      </div>
    );
  }
  return (
    <div className="dag-graph" role="region" aria-label={label} data-testid="dag-graph">
      <ReactFlow
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={onNodeClick !== undefined}
        onNodeClick={onNodeClick === undefined ? undefined : (_event, node) => onNodeClick(node.id)}
        fitView
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        {flow.nodes.length > 12 && <MiniMap pannable zoomable />}
        {isDiff && (
          <Panel position="top-right">
            <DiffLegend />
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}

export default DagGraph;
