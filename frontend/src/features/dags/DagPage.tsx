// One DAG: its versions, the selected version's graph, the diff with another version, and
// the actions (edit, run, activate).
import "./dags.css";

import { Suspense, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useMutation, useQuery } from "urql";

import { errorCode, errorMessage } from "../../api/errors";
import { isAvailable, RunDialog } from "../../app/lazyPages";
import { Badge, Button, ErrorState, LoadingState, SelectField, StatusBadge, Time, useToast } from "../../ui";
import { ActivateDagMutation, DagQuery } from "./queries";
import { VersionDiffView, VersionGraph } from "./VersionGraph";

function parseVersion(value: string | null): number | null {
  const number = value === null ? NaN : Number(value);
  return Number.isInteger(number) && number > 0 ? number : null;
}

export default function DagPage() {
  const { dagId = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const [running, setRunning] = useState(false);
  const [{ data, error }, reexecute] = useQuery({ query: DagQuery, variables: { id: dagId } });
  const [activation, activate] = useMutation(ActivateDagMutation);

  if (error && !data) {
    const missing = errorCode(error) === "NOT_FOUND";
    return (
      <div className="page">
        <ErrorState title={missing ? "DAG not found" : "The DAG could not be loaded"} message={missing ? "It does not exist in this organization, or it was deleted." : errorMessage(error)} onRetry={missing ? undefined : () => reexecute({ requestPolicy: "network-only" })} />
        {missing && <Link to="/dags">Back to the DAGs</Link>}
      </div>
    );
  }
  if (!data) return <LoadingState label="Loading the DAG…" />;

  const dag = data.dag;
  const versions = dag.versions.nodes;
  const selected = parseVersion(params.get("version")) ?? dag.latestVersion.version;
  const compare = parseVersion(params.get("compare"));
  const comparing = compare !== null && compare !== selected;
  const setParam = (name: string, value: number | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === null) next.delete(name);
      else next.set(name, String(value));
      return next;
    });

  async function activateSelected() {
    const result = await activate({ input: { id: dag.id, version: selected } });
    if (result.error) toast.show(errorMessage(result.error), "error");
    else toast.show(`Version ${selected} is now active`);
  }

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <div className="muted">
            <Link to="/dags">DAGs</Link> /
          </div>
          <h1>
            {dag.name} <StatusBadge status={dag.status} />
          </h1>
          {dag.description && <p>{dag.description}</p>}
        </div>
        <div className="page-actions">
          <Button onClick={() => navigate(`/dags/${dag.id}/edit`)}>Edit</Button>
          {dag.activeVersion?.version !== selected && (
            <Button onClick={activateSelected} loading={activation.fetching}>
              Activate v{selected}
            </Button>
          )}
          <Button variant="primary" onClick={() => setRunning(true)} disabled={!isAvailable("../features/run/RunDialog.tsx")}>
            Run
          </Button>
        </div>
      </div>
      <div className="dag-layout">
        <section className="card dag-versions" aria-label="Versions">
          <div className="card-body">
            <h2>Versions ({dag.versions.totalCount})</h2>
          </div>
          <ol>
            {versions.map((v) => (
              <li key={v.id}>
                <button type="button" className="dag-version" aria-current={v.version === selected ? "true" : undefined} onClick={() => setParam("version", v.version)}>
                  <span className="dag-version-head">
                    <span>
                      v{v.version} {dag.activeVersion?.version === v.version && <Badge tone="success">active</Badge>}
                    </span>
                    <span className="muted">
                      <Time value={v.createdAt} />
                    </span>
                  </span>
                  <span className="dag-version-message">{v.message || "No message"}</span>
                  <span className="dag-version-message">
                    {v.nodeCount} node{v.nodeCount === 1 ? "" : "s"} · {v.createdBy?.name || v.createdBy?.email || "API key"}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </section>
        <section className="card dag-view" aria-label={comparing ? "Diff" : "Graph"}>
          <div className="dag-view-head">
            <h2>{comparing ? `Changes from v${compare} to v${selected}` : `Version ${selected}`}</h2>
            {comparing && (
              <div className="diff-legend" aria-hidden="true">
                <span className="diff-added">added</span>
                <span className="diff-removed">removed</span>
                <span className="diff-changed">changed</span>
              </div>
            )}
            <SelectField label="Compare with" value={comparing ? String(compare) : ""} onChange={(e) => setParam("compare", parseVersion(e.target.value))} disabled={versions.length < 2}>
              <option value="">No comparison</option>
              {versions
                .filter((v) => v.version !== selected)
                .map((v) => (
                  <option key={v.id} value={v.version}>
                    v{v.version}
                  </option>
                ))}
            </SelectField>
          </div>
          {comparing ? (
            <VersionDiffView dagId={dag.id} from={compare} to={selected} />
          ) : (
            <div className="dag-graph-box">
              <VersionGraph dagId={dag.id} version={selected} />
            </div>
          )}
        </section>
      </div>
      <Suspense fallback={null}>{running && <RunDialog dagId={dag.id} versionNumber={selected} open={running} onClose={() => setRunning(false)} />}</Suspense>
    </div>
  );
}
