// The history of executions, newest first, filtered by DAG, status and creation time.
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery } from "urql";

import { errorMessage } from "../../api/errors";
import { Button, EmptyState, ErrorState, formatDuration, LoadingState, SelectField, StatusBadge, statusLabel, Time } from "../../ui";
import { createdAfter, readFilters, STATUSES, WINDOWS } from "./filters";
import { DagNamesQuery, ExecutionsQuery } from "./queries";

const PAGE_SIZE = 25;

export default function ExecutionsPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const since = useMemo(() => createdAfter(filters.window, Date.now()), [filters.window]);
  const [dagsResult] = useQuery({ query: DagNamesQuery });
  const dagNames = new Map((dagsResult.data?.dags.nodes ?? []).map((d) => [d.id, d.name]));
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: ExecutionsQuery,
    variables: { first: PAGE_SIZE, after, dagId: filters.dagId, status: filters.status, createdAfter: since },
  });

  function setFilter(name: string, value: string) {
    setCursors([null]);
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  }

  const connection = data?.executions;
  const filtered = Boolean(filters.dagId || filters.status || filters.window);
  let body;
  if (error && !connection) body = <ErrorState message={errorMessage(error)} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  else if (!connection) body = <LoadingState label="Loading executions…" />;
  else if (connection.nodes.length === 0)
    body = filtered ? (
      <EmptyState title="No executions match" description="Try other filters." action={<Button onClick={() => { setCursors([null]); setParams({}); }}>Clear filters</Button>} />
    ) : (
      <EmptyState title="No executions yet" description="Run a DAG from its page to see it here." action={<Link to="/dags">Go to the DAGs</Link>} />
    );
  else
    body = (
      <>
        <table className="table">
          <thead>
            <tr>
              <th>Execution</th>
              <th>DAG</th>
              <th>Status</th>
              <th>Created</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {connection.nodes.map((execution) => (
              <tr key={execution.id}>
                <td>
                  <Link to={`/executions/${execution.id}`} className="mono">
                    {execution.id.slice(0, 8)}
                  </Link>
                  {execution.retryOfId && <span className="muted"> (retry)</span>}
                </td>
                <td>
                  <Link to={`/dags/${execution.dagId}`}>{dagNames.get(execution.dagId) ?? "DAG"}</Link>
                </td>
                <td>
                  <StatusBadge status={execution.status} />
                </td>
                <td>
                  <Time value={execution.createdAt} />
                </td>
                <td>{formatDuration(execution.startedAt, execution.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="pager">
          <span>
            {connection.totalCount} execution{connection.totalCount === 1 ? "" : "s"}
            {fetching && " · refreshing…"}
          </span>
          <span className="page-actions">
            <Button size="sm" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </Button>
            <Button size="sm" disabled={!connection.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}>
              Next
            </Button>
          </span>
        </div>
      </>
    );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Executions</h1>
          <p>Every run of this organization's DAGs, newest first.</p>
        </div>
        <Button onClick={() => reexecute({ requestPolicy: "network-only" })} loading={fetching && Boolean(connection)}>
          Refresh
        </Button>
      </div>
      <div className="toolbar" role="search">
        <SelectField label="DAG" value={filters.dagId ?? ""} onChange={(e) => setFilter("dag", e.target.value)}>
          <option value="">All DAGs</option>
          {(dagsResult.data?.dags.nodes ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" value={filters.status ?? ""} onChange={(e) => setFilter("status", e.target.value)}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Created" value={filters.window ?? ""} onChange={(e) => setFilter("window", e.target.value)}>
          <option value="">Any time</option>
          {WINDOWS.map((w) => (
            <option key={w.value} value={w.value}>
              {w.label}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="card">{body}</div>
    </div>
  );
}
