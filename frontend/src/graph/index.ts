// The DAG graph module: read-only drawing, layout, diffs and typed definition helpers.
export { DagGraph, type DagGraphProps } from "./DagGraph";
export * from "./definition";
export { describeBinding, diffEdges, type EdgeChange, type EdgeDiff } from "./diff";
export { DiffLegend } from "./DiffLegend";
export { definitionToFlow, edgeId, flowToDefinition, type DagEdgeData, type DagFlowEdge } from "./flow";
export { type Highlight, HIGHLIGHT_COLORS, HIGHLIGHTS } from "./highlights";
export { layoutDag, layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Positions } from "./layout";
export { type NodeStatus, TASK_NODE_HANDLES, type TaskFlowNode, type TaskNodeData, nodeTypes } from "./TaskNode";
