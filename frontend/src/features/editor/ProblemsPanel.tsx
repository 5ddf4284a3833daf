// The problems panel: every issue the server's validation found; a node's issue selects it.
import type { ValidationState } from "./useValidation";

export interface ProblemsPanelProps {
  validation: ValidationState;
  onSelectNode(nodeId: string): void;
}

export function ProblemsPanel({ validation, onSelectNode }: ProblemsPanelProps) {
  const count = validation.status === "done" ? validation.issues.length : 0;
  return (
    <section className="editor-problems" aria-label="Problems" data-testid="problems-panel" aria-live="polite">
      <h2 className="editor-panel-title">
        Problems{" "}
        {validation.status === "done" && (
          <span className={count === 0 ? "editor-count editor-count--ok" : "editor-count editor-count--bad"} data-testid="problems-count">
            {count}
          </span>
        )}
        {validation.status === "pending" && <span className="editor-muted"> checking…</span>}
      </h2>
      {validation.status === "error" && (
        <p className="editor-problems__error" role="alert">
          Validation is unavailable: {validation.message}
        </p>
      )}
      {validation.status === "done" && count === 0 && (
        <p className="editor-muted" data-testid="problems-none">
          No problems: this definition is valid.
        </p>
      )}
      {validation.status === "done" && count > 0 && (
        <ul className="editor-problems__list">
          {validation.issues.map((issue, index) => (
            <li key={`${issue.code}-${issue.nodeId ?? ""}-${issue.field ?? ""}-${index}`} data-testid="problem" data-node-id={issue.nodeId ?? ""}>
              <span className="editor-problems__code">{issue.code}</span>{" "}
              {issue.nodeId !== null && issue.nodeId !== undefined ? (
                <button type="button" className="editor-link" onClick={() => onSelectNode(issue.nodeId as string)}>
                  {issue.nodeId}
                  {issue.field !== null && issue.field !== undefined ? `.${issue.field}` : ""}
                </button>
              ) : (
                <span className="editor-muted">DAG{issue.field ? `.${issue.field}` : ""}</span>
              )}
              : {issue.message}
              {issue.suggestion !== null && issue.suggestion !== undefined && issue.suggestion !== "" && (
                <span className="editor-muted"> — {issue.suggestion}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
