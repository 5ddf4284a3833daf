// The monitor's picture of one execution, and the pure fold of live events into it.
// `applyEvent` mirrors core_engine's replay rules (docs/events.md, "Replay"), plus the attempt
// spans of the timeline (as the backend's `service.timeline` builds them) and the log lines.

/** A node's (or mapped instance's) state, as core_engine's NodeState. */
export type NodeState =
  | "pending" // waiting for upstream nodes
  | "queued" // ready, waiting for a slot
  | "running" // an attempt is in progress (mapped node: its instances are)
  | "retrying" // an attempt failed; the next one waits out its backoff
  | "succeeded" // ended with a result
  | "failed" // ended with an error, retries exhausted
  | "upstream_failed" // never ran: an upstream failed or was cancelled
  | "skipped" // skipped itself, or an upstream skip propagated
  | "cancelled"; // the run stopped first

/** The run's state: core_engine's RunStatus, plus `queued` (the execution has not started). */
export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "timed_out";

/** The node states after which nothing more happens to a node. */
export const TERMINAL_NODE_STATES: ReadonlySet<NodeState> = new Set<NodeState>([
  "succeeded",
  "failed",
  "upstream_failed",
  "skipped",
  "cancelled",
]);

/** The run states after which nothing more happens to a run. */
export const TERMINAL_RUN_STATES: ReadonlySet<RunStatus> = new Set<RunStatus>([
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
]);

/** An error as events carry it: the exception's class name, str(exc) and its traceback. */
export interface ErrorInfo {
  type: string;
  message: string;
  traceback: string;
}

/** One node or mapped instance (core_engine's NodeRun). Times are Unix epoch seconds. */
export interface NodeRun {
  state: NodeState;
  /** Attempts started (0 if it never ran or its result was resumed). */
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Seconds of the final attempt (mapped node: from expansion to end). */
  duration: number | null;
  /** Whether `result` holds a value (a result may itself be null). */
  hasResult: boolean;
  result: unknown;
  /** The artifact of a result too large to keep inline, when the stored row says so. */
  resultRef: string | null;
  error: ErrorInfo | null;
  /** Why it was skipped, or the upstream node that failed. */
  reason: string | null;
  resumed: boolean;
  /** For a mapped node, one record per item; otherwise null. */
  instances: NodeRun[] | null;
}

/** One attempt on the timeline. Times are Unix epoch seconds. */
export interface AttemptSpan {
  attempt: number;
  startedAt: number;
  /** Null while the attempt runs. */
  finishedAt: number | null;
  /** "succeeded", "failed" or "retrying"; null while running. */
  outcome: string | null;
}

/** One log line of an attempt (a node_log event). */
export interface LogEntry {
  sequence: number;
  /** Unix epoch seconds. */
  ts: number;
  nodeId: string;
  mapIndex: number | null;
  attempt: number;
  line: string;
}

/** Everything the monitor shows about an execution. */
export interface MonitorState {
  status: RunStatus;
  /** Unix epoch seconds of run_started / run_finished, or null. */
  startedAt: number | null;
  finishedAt: number | null;
  /** Seconds, from run_finished, or null. */
  duration: number | null;
  /** Nodes of the DAG (mapped instances not counted), from run_started; null before it. */
  nodeCount: number | null;
  /** Per node id. */
  nodes: Record<string, NodeRun>;
  /** Attempts per timeline row, by `spanKey(nodeId, mapIndex)`. */
  spans: Record<string, AttemptSpan[]>;
  /** Log lines in sequence order. */
  logs: LogEntry[];
  /** Sequence of the last event applied (-1 before any). */
  lastSeq: number;
  /** True once an event arrived after a gap (it was not applied): resubscribe after lastSeq. */
  outOfSync: boolean;
}

/** An event as `executionEvents` delivers it in `payload` (core_engine's event_to_dict). */
export interface EventPayload {
  kind: string;
  seq: number;
  ts: number;
  [field: string]: unknown;
}

/** The key of a timeline row: the node id, with `[i]` for mapped instance i. */
export function spanKey(nodeId: string, mapIndex: number | null | undefined): string {
  return mapIndex === null || mapIndex === undefined ? nodeId : `${nodeId}[${mapIndex}]`;
}

/** A node record that nothing has happened to yet. */
export function emptyNodeRun(): NodeRun {
  return {
    state: "pending",
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    duration: null,
    hasResult: false,
    result: null,
    resultRef: null,
    error: null,
    reason: null,
    resumed: false,
    instances: null,
  };
}

/** The state of an execution with no event yet. */
export function emptyMonitorState(): MonitorState {
  return {
    status: "queued",
    startedAt: null,
    finishedAt: null,
    duration: null,
    nodeCount: null,
    nodes: {},
    spans: {},
    logs: [],
    lastSeq: -1,
    outOfSync: false,
  };
}

function errorOf(value: unknown): ErrorInfo | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  return {
    type: typeof record.type === "string" ? record.type : "Error",
    message: typeof record.message === "string" ? record.message : "",
    traceback: typeof record.traceback === "string" ? record.traceback : "",
  };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function mapIndexOf(event: EventPayload): number | null {
  return typeof event.map_index === "number" ? event.map_index : null;
}

/** The target record (node or instance) after `change`, in a copy of `nodes`. */
function updateTarget(
  nodes: Record<string, NodeRun>,
  nodeId: string,
  mapIndex: number | null,
  change: (run: NodeRun) => NodeRun,
): Record<string, NodeRun> {
  const node = nodes[nodeId] ?? emptyNodeRun();
  if (mapIndex === null) return { ...nodes, [nodeId]: change(node) };
  const instances = [...(node.instances ?? [])];
  while (instances.length <= mapIndex) instances.push(emptyNodeRun());
  instances[mapIndex] = change(instances[mapIndex] as NodeRun);
  return { ...nodes, [nodeId]: { ...node, instances } };
}

function startSpan(spans: Record<string, AttemptSpan[]>, key: string, attempt: number, ts: number) {
  const runs = spans[key] ?? [];
  if (runs.some((span) => span.attempt === attempt)) return spans; // already known
  return { ...spans, [key]: [...runs, { attempt, startedAt: ts, finishedAt: null, outcome: null }] };
}

function endSpan(
  spans: Record<string, AttemptSpan[]>,
  key: string,
  attempt: number,
  ts: number,
  outcome: string,
): Record<string, AttemptSpan[]> {
  const runs = spans[key];
  if (runs === undefined) return spans;
  const index = runs.findIndex((span) => span.attempt === attempt && span.finishedAt === null);
  if (index < 0) return spans;
  const next = [...runs];
  next[index] = { ...(runs[index] as AttemptSpan), finishedAt: ts, outcome };
  return { ...spans, [key]: next };
}

function foldNodes(nodes: Record<string, NodeRun>, event: EventPayload): Record<string, NodeRun> {
  const nodeId = typeof event.node_id === "string" ? event.node_id : null;
  if (nodeId === null) return nodes;
  const mapIndex = mapIndexOf(event);
  const ts = event.ts;
  switch (event.kind) {
    case "node_mapped": {
      const count = numberOr(event.instances, 0);
      return updateTarget(nodes, nodeId, null, (run) => ({
        ...run,
        state: "running",
        startedAt: ts,
        instances: Array.from({ length: count }, emptyNodeRun),
      }));
    }
    case "node_queued":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({ ...run, state: "queued" }));
    case "node_started":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({
        ...run,
        state: "running",
        attempts: numberOr(event.attempt, run.attempts),
        startedAt: run.startedAt ?? ts,
      }));
    case "node_retrying":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({
        ...run,
        state: "retrying",
        error: errorOf(event.error),
      }));
    case "node_succeeded":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({
        ...run,
        state: "succeeded",
        attempts: numberOr(event.attempt, run.attempts),
        hasResult: true,
        result: event.result,
        duration: numberOr(event.duration, 0),
        finishedAt: ts,
        resumed: event.resumed === true,
        error: null,
      }));
    case "node_failed":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({
        ...run,
        state: "failed",
        attempts: numberOr(event.attempt, run.attempts),
        error: errorOf(event.error),
        duration: numberOr(event.duration, 0),
        finishedAt: ts,
      }));
    case "node_skipped":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({
        ...run,
        state: "skipped",
        attempts: numberOr(event.attempt, run.attempts),
        reason: typeof event.reason === "string" ? event.reason : null,
        finishedAt: ts,
      }));
    case "node_cancelled":
      return updateTarget(nodes, nodeId, mapIndex, (run) => ({ ...run, state: "cancelled", finishedAt: ts }));
    case "node_upstream_failed":
      return updateTarget(nodes, nodeId, null, (run) => ({
        ...run,
        state: "upstream_failed",
        reason: typeof event.upstream_id === "string" ? event.upstream_id : null,
        finishedAt: ts,
      }));
    default:
      return nodes;
  }
}

function foldSpans(spans: Record<string, AttemptSpan[]>, event: EventPayload): Record<string, AttemptSpan[]> {
  const attempt = event.attempt;
  if (typeof attempt !== "number" || attempt < 1 || typeof event.node_id !== "string") return spans;
  const key = spanKey(event.node_id, mapIndexOf(event));
  switch (event.kind) {
    case "node_started":
      return startSpan(spans, key, attempt, event.ts);
    case "node_succeeded":
    case "node_failed":
    case "node_retrying":
      return endSpan(spans, key, attempt, event.ts, event.kind.slice("node_".length));
    default:
      return spans;
  }
}

/**
 * The state after one event. Events must come in sequence order: one at or below
 * `state.lastSeq` (a repeat after resubscribing) leaves the state as it is; one beyond
 * `lastSeq + 1` (a gap) is not applied and sets `outOfSync` so the caller resubscribes.
 * Never mutates `state`.
 */
export function applyEvent(state: MonitorState, event: EventPayload): MonitorState {
  if (event.seq <= state.lastSeq) return state;
  if (event.seq > state.lastSeq + 1) return state.outOfSync ? state : { ...state, outOfSync: true };
  const next: MonitorState = { ...state, lastSeq: event.seq, outOfSync: false };
  switch (event.kind) {
    case "run_started":
      next.status = "running";
      next.startedAt = event.ts;
      next.nodeCount = typeof event.node_count === "number" ? event.node_count : state.nodeCount;
      return next;
    case "run_finished":
      next.status = isRunStatus(event.status) ? event.status : state.status;
      next.finishedAt = event.ts;
      next.duration = typeof event.duration === "number" ? event.duration : null;
      return next;
    case "node_log":
      if (typeof event.node_id === "string" && typeof event.line === "string") {
        next.logs = [
          ...state.logs,
          {
            sequence: event.seq,
            ts: event.ts,
            nodeId: event.node_id,
            mapIndex: mapIndexOf(event),
            attempt: numberOr(event.attempt, 0),
            line: event.line,
          },
        ];
      }
      return next;
    default:
      next.nodes = foldNodes(state.nodes, event);
      next.spans = foldSpans(state.spans, event);
      return next;
  }
}

/** The state after each event of `events` in turn. */
export function applyEvents(state: MonitorState, events: readonly EventPayload[]): MonitorState {
  return events.reduce(applyEvent, state);
}

function isRunStatus(value: unknown): value is RunStatus {
  return (
    value === "queued" ||
    value === "running" ||
    value === "succeeded" ||
    value === "failed" ||
    value === "cancelled" ||
    value === "timed_out"
  );
}

/** Whether `value` names a node state. */
export function isNodeState(value: string): value is NodeState {
  return (
    value === "pending" ||
    value === "queued" ||
    value === "running" ||
    value === "retrying" ||
    TERMINAL_NODE_STATES.has(value as NodeState)
  );
}

/** A timestamp of the API (ISO 8601; UTC when it names no offset) in Unix epoch seconds. */
export function epochSeconds(iso: string): number {
  const hasOffset = /([zZ]|[+-]\d\d:?\d\d)$/.test(iso);
  return Date.parse(hasOffset ? iso : `${iso}Z`) / 1000;
}

/** How many of the DAG's nodes (instances not counted) have ended, of `total`. */
export function progress(state: MonitorState, total: number): { ended: number; total: number } {
  const ended = Object.values(state.nodes).filter((node) => TERMINAL_NODE_STATES.has(node.state)).length;
  return { ended, total: Math.max(total, ended) };
}

/**
 * The run's makespan in seconds: run_finished's duration, else from start to end, else (still
 * running) from start to `now` (epoch seconds); null before it started.
 */
export function makespan(state: MonitorState, now: number): number | null {
  if (state.duration !== null) return state.duration;
  if (state.startedAt === null) return null;
  return Math.max(0, (state.finishedAt ?? now) - state.startedAt);
}
