// The drawn node of a DAG graph (read-only views and the editor): id, task label, status and
// diff highlight, validation problems, and the handles edges attach to.
import { Handle, type Node, type NodeHandle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";

import type { Highlight } from "./highlights";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout";

export type { Highlight } from "./highlights";

/** A node's run status as the API spells it (GraphQL enum NodeStatus). */
export type NodeStatus =
  | "PENDING"
  | "QUEUED"
  | "RUNNING"
  | "RETRYING"
  | "SUCCEEDED"
  | "FAILED"
  | "UPSTREAM_FAILED"
  | "SKIPPED"
  | "CANCELLED";

/** What a task node shows. */
export interface TaskNodeData extends Record<string, unknown> {
  nodeId: string;
  /** The task type or the callable's name. */
  label: string;
  status?: NodeStatus | undefined;
  highlight?: Highlight | undefined;
  /** Validation messages about this node (the editor's problems). */
  problems?: string[] | undefined;
  /** Whether edges can be drawn from/to its handles. */
  connectable?: boolean | undefined;
}

export type TaskFlowNode = Node<TaskNodeData, "task">;

function statusClass(status: string | undefined): string {
  return status === undefined ? "" : ` dag-node--status-${status.toLowerCase().replace("_", "-")}`;
}

function TaskNodeView({ data, selected }: NodeProps<TaskFlowNode>) {
  const problems = data.problems ?? [];
  const connectable = data.connectable ?? false;
  const classes =
    "dag-node" +
    statusClass(data.status) +
    (data.highlight === undefined ? "" : ` dag-node--${data.highlight}`) +
    (problems.length > 0 ? " dag-node--invalid" : "") +
    (selected ? " dag-node--selected" : "");
  return (
    <div
      className={classes}
      data-testid={`dag-node-${data.nodeId}`}
      data-status={data.status}
      data-highlight={data.highlight}
      title={problems.length > 0 ? problems.join("\n") : undefined}
    >
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={connectable}
        data-testid={`handle-target-${data.nodeId}`}
        aria-label={`Input of ${data.nodeId}`}
      />
      <div className="dag-node__id">{data.nodeId}</div>
      <div className="dag-node__meta">
        <span className="dag-node__label">{data.label}</span>
        {data.status !== undefined && (
          <span className="dag-node__status">{data.status.toLowerCase().replace("_", " ")}</span>
        )}
        {data.highlight !== undefined && <span className="dag-node__badge">{data.highlight}</span>}
        {problems.length > 0 && (
          <span className="dag-node__problems" aria-label={`${problems.length} problems`}>
            ⚠ {problems.length}
          </span>
        )}
      </div>
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={connectable}
        data-testid={`handle-source-${data.nodeId}`}
        aria-label={`Output of ${data.nodeId}`}
      />
    </div>
  );
}

export const TaskNode = memo(TaskNodeView);

/**
 * Where a task node's handles are (the middle of its left and right sides), so edges can be
 * drawn before React Flow measures the node (the first paint, and jsdom, which measures nothing).
 */
export const TASK_NODE_HANDLES: NodeHandle[] = [
  { type: "target", position: Position.Left, x: 0, y: NODE_HEIGHT / 2, width: 1, height: 1 },
  { type: "source", position: Position.Right, x: NODE_WIDTH, y: NODE_HEIGHT / 2, width: 1, height: 1 },
];

/** The node types every DAG graph registers. */
export const nodeTypes = { task: TaskNode };
