// The DAG graph module: read-only drawing, layout and typed definition helpers.
export { DagGraph, type DagGraphProps } from "./DagGraph";
export * from "./definition";
export { definitionToFlow, edgeId, flowToDefinition, type DagEdgeData, type DagFlowEdge } from "./flow";
export { layoutDag, layoutGraph, NODE_HEIGHT, NODE_WIDTH, type Positions } from "./layout";
export { type Highlight, type NodeStatus, type TaskFlowNode, type TaskNodeData, nodeTypes } from "./TaskNode";
