// The live monitor of one execution (route /executions/:executionId): the DAG coloured by node
// state, the timeline of attempts, a node panel, progress, makespan, cancel and retry.
import "./monitor.css";

import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation } from "urql";

import { DagGraph } from "../../graph/DagGraph";
import { Button, ErrorState, LoadingState, StatusBadge } from "../../ui";
import { tryParseDefinition } from "../../graph/definition";
import { NodePanel } from "./NodePanel";
import { CancelExecutionMutation, RetryExecutionMutation } from "./queries";
import { type MonitorState, TERMINAL_RUN_STATES, makespan, progress } from "./state";
import { Timeline } from "./Timeline";
import { formatDuration } from "./timelineScale";
import { type LinkStatus, useExecutionMonitor } from "./useExecutionMonitor";

/** Epoch seconds, re-read every second while `running`. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return running ? now : Date.now() / 1000;
}

const LINK_LABELS: Record<LinkStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Run ended",
};

/** GraphQL NodeStatus names of every node (PENDING until its first event), for DagGraph. */
function graphStatuses(state: MonitorState, nodeIds: readonly string[]): Record<string, string> {
  const statuses: Record<string, string> = Object.fromEntries(nodeIds.map((id) => [id, "PENDING"]));
  for (const [id, node] of Object.entries(state.nodes)) statuses[id] = node.state.toUpperCase();
  return statuses;
}

function ProgressBar({ ended, total }: { ended: number; total: number }) {
  const percent = total === 0 ? 0 : Math.round((100 * ended) / total);
  return (
    <div className="monitor-progress">
      <div
        className="monitor-progress__track"
        role="progressbar"
        aria-label="Nodes ended"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={ended}
      >
        <div className="monitor-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <span data-testid="monitor-progress">
        {ended} / {total} nodes ended
      </span>
    </div>
  );
}

function ExecutionMonitor({ executionId }: { executionId: string }) {
  const { load, reload } = useExecutionMonitor(executionId);
  const navigate = useNavigate();
  const [selected, setSelected] = useState<string | null>(null);
  const [cancelState, cancel] = useMutation(CancelExecutionMutation);
  const [retryState, retry] = useMutation(RetryExecutionMutation);
  const [actionError, setActionError] = useState<string | null>(null);
  const running = load.kind === "ready" && !TERMINAL_RUN_STATES.has(load.state.status);
  const now = useNow(running);
  const closePanel = useCallback(() => setSelected(null), []);

  const definition = load.kind === "ready" ? (load.dag?.definition ?? null) : null;
  const parsed = useMemo(() => (definition === null ? null : tryParseDefinition(definition)), [definition]);
  const nodeIds = useMemo(() => parsed?.nodes.map((node) => node.id) ?? [], [parsed]);

  if (load.kind === "loading") return <LoadingState label="Loading the execution…" />;
  if (load.kind === "error") {
    return (
      <div className="monitor-state">
        <ErrorState
          title={load.notFound ? "Execution not found" : "Could not load the execution"}
          message={load.notFound ? "It does not exist, or it belongs to another organization." : load.message}
          onRetry={load.notFound ? undefined : reload}
        />
        <p>
          <Link to="/executions">All executions</Link>
        </p>
      </div>
    );
  }

  const { execution, dag, state, link } = load;
  const ended = TERMINAL_RUN_STATES.has(state.status);
  const total = parsed?.nodes.length ?? state.nodeCount ?? Object.keys(state.nodes).length;
  const { ended: endedNodes } = progress(state, total);
  const span = makespan(state, now);

  const onCancel = async () => {
    setActionError(null);
    const result = await cancel({ id: execution.id });
    if (result.error) setActionError(result.error.graphQLErrors[0]?.message ?? result.error.message);
  };
  const onRetry = async () => {
    setActionError(null);
    const result = await retry({ id: execution.id });
    if (result.error || !result.data) {
      setActionError(result.error?.graphQLErrors[0]?.message ?? result.error?.message ?? "Retry failed.");
      return;
    }
    navigate(`/executions/${result.data.retryExecution.id}`);
  };

  return (
    <div className={`monitor${selected !== null ? " monitor--with-panel" : ""}`}>
      <header className="monitor__header">
        <div className="monitor__title">
          <h1>
            {dag ? <Link to={`/dags/${execution.dagId}`}>{dag.name}</Link> : "Execution"}
            {dag?.version != null && <span className="monitor-muted"> v{dag.version}</span>}
          </h1>
          <span data-testid="execution-status" data-status={state.status}>
            <StatusBadge status={state.status.toUpperCase()} />
          </span>
          <span className={`monitor-link monitor-link--${link}`} aria-live="polite" data-testid="monitor-link">
            {LINK_LABELS[link]}
          </span>
        </div>
        <div className="monitor__meta">
          <ProgressBar ended={endedNodes} total={total} />
          <span data-testid="monitor-makespan">Makespan {span === null ? "–" : formatDuration(span)}</span>
          <code className="monitor-muted" title="Execution id">
            {execution.id}
          </code>
          {execution.retryOfId !== null && (
            <Link to={`/executions/${execution.retryOfId}`}>Retry of an earlier run</Link>
          )}
        </div>
        <div className="monitor__actions">
          {!ended && (
            <Button variant="danger" onClick={onCancel} loading={cancelState.fetching}>
              Cancel run
            </Button>
          )}
          {ended && (
            <Button variant="primary" onClick={onRetry} loading={retryState.fetching}>
              Retry
            </Button>
          )}
        </div>
        {actionError !== null && (
          <p className="monitor-action-error" role="alert">
            {actionError}
          </p>
        )}
      </header>

      <section className="monitor__graph" aria-label="Graph">
        {definition === null ? (
          <p className="monitor-muted">{dag === null ? "Loading the graph…" : "This version's graph is not available."}</p>
        ) : (
          <DagGraph
            definition={definition}
            statuses={graphStatuses(state, nodeIds)}
            onNodeClick={setSelected}
            selectedNodeId={selected}
            ariaLabel="Execution graph"
          />
        )}
      </section>

      {selected !== null && <NodePanel nodeId={selected} state={state} now={now} onClose={closePanel} />}

      <section className="monitor__timeline" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <Timeline state={state} nodeIds={nodeIds} now={now} selectedNodeId={selected} onSelect={setSelected} />
      </section>
    </div>
  );
}

/** The page of route /executions/:executionId. */
export default function MonitorPage() {
  const { executionId } = useParams();
  if (executionId === undefined) return <p role="alert">No execution id in the address.</p>;
  return <ExecutionMonitor key={executionId} executionId={executionId} />;
}
