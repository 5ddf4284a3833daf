// The monitor's starting point: an execution's stored rows (node records, attempt spans, log
// lines) read as a MonitorState, before live events are applied after `lastSeq`.
import type { MonitorExecutionStateQuery } from "../../gql/graphql";
import {
  type AttemptSpan,
  type LogEntry,
  type MonitorState,
  type NodeRun,
  type RunStatus,
  emptyNodeRun,
  epochSeconds,
  spanKey,
} from "./state";

/** The stored execution as the state query returns it. */
export type StoredExecution = MonitorExecutionStateQuery["execution"];
type StoredNode = StoredExecution["nodes"][number];

function time(value: string | null): number | null {
  return value === null ? null : epochSeconds(value);
}

function errorOf(value: unknown): NodeRun["error"] {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  return {
    type: String(record.type ?? "Error"),
    message: String(record.message ?? ""),
    traceback: String(record.traceback ?? ""),
  };
}

function nodeRunOf(row: StoredNode): NodeRun {
  const state = row.status.toLowerCase() as NodeRun["state"];
  const succeeded = state === "succeeded";
  return {
    ...emptyNodeRun(),
    state,
    attempts: row.attempts,
    startedAt: time(row.startedAt),
    finishedAt: time(row.finishedAt),
    duration: row.durationS,
    hasResult: succeeded && row.resultRef === null,
    result: succeeded ? row.result : null,
    resultRef: row.resultRef,
    error: errorOf(row.error),
    resumed: succeeded && row.attempts === 0,
  };
}

/**
 * The state the stored rows describe, as of event `lastSeq` (the number of events counted
 * before the rows were read, minus one: events between the two reads are applied again, which
 * the replay rules make harmless).
 */
export function stateFromStored(execution: StoredExecution, lastSeq: number): MonitorState {
  const nodes: Record<string, NodeRun> = {};
  const rows = [...execution.nodes].sort((a, b) => (a.mapIndex ?? -1) - (b.mapIndex ?? -1));
  for (const row of rows) {
    if (row.mapIndex === null) {
      nodes[row.nodeId] = { ...nodeRunOf(row), instances: nodes[row.nodeId]?.instances ?? null };
    } else {
      const node = nodes[row.nodeId] ?? { ...emptyNodeRun(), state: "running" };
      const instances = [...(node.instances ?? [])];
      while (instances.length < row.mapIndex) instances.push(emptyNodeRun());
      instances[row.mapIndex] = nodeRunOf(row);
      nodes[row.nodeId] = { ...node, instances };
    }
  }
  const spans: Record<string, AttemptSpan[]> = {};
  for (const row of execution.timeline) {
    spans[spanKey(row.nodeId, row.mapIndex)] = row.attempts.map((span) => ({
      attempt: span.attempt,
      startedAt: epochSeconds(span.startedAt),
      finishedAt: time(span.finishedAt),
      outcome: span.outcome,
    }));
  }
  const logs: LogEntry[] = execution.logs
    .filter((line) => line.sequence <= lastSeq)
    .map((line) => ({ ...line, ts: epochSeconds(line.ts) }));
  const startedAt = time(execution.startedAt);
  const finishedAt = time(execution.finishedAt);
  return {
    status: execution.status.toLowerCase() as RunStatus,
    startedAt,
    finishedAt,
    duration: null,
    nodeCount: null,
    nodes,
    spans,
    logs,
    lastSeq,
    outOfSync: false,
  };
}
