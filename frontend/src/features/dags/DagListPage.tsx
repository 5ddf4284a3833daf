// The organization's DAGs: search by name or description, filter by status, page through them.
import "./dags.css";

import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useQuery } from "urql";

import { errorMessage } from "../../api/errors";
import type { DagsQuery as DagsResult, DagStatus } from "../../gql/graphql";
import { Button, EmptyState, ErrorState, LoadingState, SelectField, StatusBadge, TextField, Time } from "../../ui";
import { DagsQuery } from "./queries";
import { useDebounced } from "./useDebounced";

export const PAGE_SIZE = 20;
const STATUSES: DagStatus[] = ["ACTIVE", "DRAFT", "ARCHIVED"];

type LastExecutionData = DagsResult["dags"]["nodes"][number]["lastExecution"];

/** A DAG's newest execution (part of the page's one query), or "Never run". */
function LastExecution({ last }: { last: LastExecutionData }) {
  if (!last) return <span className="muted">Never run</span>;
  return (
    <Link to={`/executions/${last.id}`} className="last-execution">
      <StatusBadge status={last.status} /> <Time value={last.createdAt} />
    </Link>
  );
}

export default function DagListPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [searchText, setSearchText] = useState(params.get("q") ?? "");
  const search = useDebounced(searchText.trim());
  const statusParam = params.get("status");
  const status = STATUSES.includes(statusParam as DagStatus) ? (statusParam as DagStatus) : null;
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // the `after` of each page seen
  const after = cursors[cursors.length - 1] ?? null;

  // Keep the filters in the URL (shareable, kept on reload) and start again at the first page.
  useEffect(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (search) next.set("q", search);
        else next.delete("q");
        return next;
      },
      { replace: true },
    );
    setCursors([null]);
  }, [search, setParams]);

  const [{ data, fetching, error }, reexecute] = useQuery({
    query: DagsQuery,
    variables: { first: PAGE_SIZE, after, search: search || null, status },
  });

  function setStatus(value: string) {
    setCursors([null]);
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set("status", value);
      else next.delete("status");
      return next;
    });
  }

  const connection = data?.dags;
  const filtered = Boolean(search || status);
  let body;
  if (error && !connection) body = <ErrorState message={errorMessage(error)} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  else if (!connection) body = <LoadingState label="Loading DAGs…" />;
  else if (connection.nodes.length === 0)
    body = filtered ? (
      <EmptyState title="No DAGs match" description="Try another search or status." action={<Button onClick={() => { setSearchText(""); setStatus(""); }}>Clear filters</Button>} />
    ) : (
      <EmptyState title="No DAGs yet" description="Draw your first DAG in the editor, or deploy one with `openctl deploy`." action={<Button variant="primary" onClick={() => navigate("/dags/new")}>New DAG</Button>} />
    );
  else
    body = (
      <>
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Versions</th>
              <th>Last execution</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {connection.nodes.map((dag) => (
              <tr key={dag.id}>
                <td>
                  <Link to={`/dags/${dag.id}`} className="dag-name">
                    {dag.name}
                  </Link>
                  {dag.description && <div className="dag-description">{dag.description}</div>}
                </td>
                <td>
                  <StatusBadge status={dag.status} />
                </td>
                <td>
                  v{dag.latestVersion.version}
                  {dag.activeVersion && <span className="muted"> (active v{dag.activeVersion.version})</span>}
                </td>
                <td>
                  <LastExecution last={dag.lastExecution} />
                </td>
                <td>
                  <Time value={dag.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="pager">
          <span>
            {connection.totalCount} DAG{connection.totalCount === 1 ? "" : "s"}
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
          <h1>DAGs</h1>
          <p>Workflows of this organization.</p>
        </div>
        <div className="page-actions">
          <Button variant="primary" onClick={() => navigate("/dags/new")}>
            New DAG
          </Button>
        </div>
      </div>
      <div className="toolbar" role="search">
        <TextField className="dag-search" label="Search" type="search" placeholder="Name or description" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        <SelectField label="Status" value={status ?? ""} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="card">{body}</div>
    </div>
  );
}
