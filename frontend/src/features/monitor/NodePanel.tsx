// The side panel of one node: status, attempts and durations, log lines, and its result (as a
// JSON tree) or its error with the traceback.
import { useEffect, useRef } from "react";

import { Button, StatusBadge } from "../../ui";
import { JsonView } from "./JsonView";
import { type MonitorState, type NodeRun, spanKey } from "./state";
import { formatDuration } from "./timelineScale";

export interface NodePanelProps {
  nodeId: string;
  state: MonitorState;
  /** Unix epoch seconds, for attempts still running. */
  now: number;
  onClose(): void;
}

function clock(epoch: number | null): string {
  return epoch === null ? "–" : new Date(epoch * 1000).toLocaleTimeString(undefined, { hour12: false });
}

function Outcome({ node }: { node: NodeRun }) {
  if (node.state === "succeeded") {
    if (node.resultRef !== null) {
      return <p className="monitor-muted">The result is stored as an artifact ({node.resultRef}).</p>;
    }
    return (
      <section aria-labelledby="node-result">
        <h3 id="node-result">Result{node.resumed ? " (reused from the retried run)" : ""}</h3>
        <JsonView value={node.result} label="Result" />
      </section>
    );
  }
  if (node.error !== null) {
    return (
      <section aria-labelledby="node-error" className="node-panel__error">
        <h3 id="node-error">{node.state === "retrying" ? "Last error (retrying)" : "Error"}</h3>
        <p>
          <strong>{node.error.type}</strong>: {node.error.message}
        </p>
        {node.error.traceback !== "" && <pre className="node-panel__traceback">{node.error.traceback}</pre>}
      </section>
    );
  }
  if (node.reason !== null) {
    return (
      <p className="monitor-muted">
        {node.state === "upstream_failed" ? `Upstream node ${node.reason} did not succeed.` : node.reason}
      </p>
    );
  }
  return null;
}

/** The panel; Escape closes it. */
export function NodePanel({ nodeId, state, now, onClose }: NodePanelProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [nodeId]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const node = state.nodes[nodeId];
  const rows = [{ key: spanKey(nodeId, null), label: "" }];
  (node?.instances ?? []).forEach((_, index) => rows.push({ key: spanKey(nodeId, index), label: `[${index}] ` }));
  const attempts = rows.flatMap((row) => (state.spans[row.key] ?? []).map((span) => ({ ...span, label: row.label })));
  const logs = state.logs.filter((line) => line.nodeId === nodeId);
  const origin = state.startedAt;

  return (
    <aside className="node-panel" aria-label={`Node ${nodeId}`} data-testid="node-panel">
      <header className="node-panel__header">
        <h2 ref={heading} tabIndex={-1}>
          {nodeId}
        </h2>
        <Button variant="ghost" size="sm" onClick={onClose} aria-label="Close node panel">
          ✕
        </Button>
      </header>
      {node === undefined ? (
        <p className="monitor-muted">
          <StatusBadge status="PENDING" /> Nothing has happened to this node yet.
        </p>
      ) : (
        <>
          <dl className="node-panel__facts">
            <dt>Status</dt>
            <dd>
              <span data-testid="node-panel-status" data-status={node.state}>
                <StatusBadge status={node.state.toUpperCase()} />
              </span>
            </dd>
            <dt>Attempts</dt>
            <dd>{node.attempts}</dd>
            <dt>Started</dt>
            <dd>{clock(node.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{clock(node.finishedAt)}</dd>
            <dt>Duration</dt>
            <dd>
              {node.duration !== null
                ? formatDuration(node.duration)
                : node.startedAt !== null && node.finishedAt === null
                  ? `${formatDuration(now - node.startedAt)} so far`
                  : "–"}
            </dd>
            {node.instances !== null && (
              <>
                <dt>Instances</dt>
                <dd>
                  {node.instances.filter((i) => i.state === "succeeded").length} of {node.instances.length} succeeded
                </dd>
              </>
            )}
          </dl>
          <Outcome node={node} />
        </>
      )}
      {attempts.length > 0 && (
        <section aria-labelledby="node-attempts">
          <h3 id="node-attempts">Attempts</h3>
          <table className="node-panel__attempts">
            <thead>
              <tr>
                <th scope="col">Attempt</th>
                <th scope="col">Start</th>
                <th scope="col">Duration</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((span) => (
                <tr key={`${span.label}${span.attempt}`}>
                  <td>
                    {span.label}#{span.attempt}
                  </td>
                  <td>{origin === null ? clock(span.startedAt) : `+${formatDuration(span.startedAt - origin)}`}</td>
                  <td>{formatDuration((span.finishedAt ?? now) - span.startedAt)}</td>
                  <td>
                    <StatusBadge status={(span.outcome ?? "running").toUpperCase()} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-labelledby="node-logs">
        <h3 id="node-logs">Logs</h3>
        {logs.length === 0 ? (
          <p className="monitor-muted">No log lines.</p>
        ) : (
          <pre className="node-panel__logs" data-testid="node-logs">
            {logs.map((line) => (
              <div key={line.sequence}>
                <span className="node-panel__log-attempt">
                  {line.mapIndex === null ? "" : `[${line.mapIndex}] `}#{line.attempt}
                </span>{" "}
                {line.line}
              </div>
            ))}
          </pre>
        )}
      </section>
    </aside>
  );
}
