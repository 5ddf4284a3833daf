// One version's graph, or the diff of two versions drawn on one graph.
import { useQuery } from "urql";

import { errorMessage } from "../../api/errors";
import { DagGraph } from "../../graph/DagGraph";
import { EmptyState, ErrorState, LoadingState } from "../../ui";
import { isEmptyDiff, mergeForDiff } from "./diff";
import { DagVersionDiffQuery, DagVersionQuery } from "./queries";

export function VersionGraph({ dagId, version }: { dagId: string; version: number }) {
  const [{ data, error }, reexecute] = useQuery({ query: DagVersionQuery, variables: { dagId, version } });
  if (error && !data) return <ErrorState message={errorMessage(error)} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  if (!data) return <LoadingState label={`Loading version ${version}…`} />;
  return <DagGraph definition={data.dagVersion.definition} ariaLabel={`Graph of version ${version}`} />;
}

export function VersionDiffView({ dagId, from, to }: { dagId: string; from: number; to: number }) {
  const [diffResult, reexecuteDiff] = useQuery({ query: DagVersionDiffQuery, variables: { dagId, from, to } });
  const [fromResult] = useQuery({ query: DagVersionQuery, variables: { dagId, version: from } });
  const [toResult] = useQuery({ query: DagVersionQuery, variables: { dagId, version: to } });
  const error = diffResult.error ?? fromResult.error ?? toResult.error;
  if (error) return <ErrorState message={errorMessage(error)} onRetry={() => reexecuteDiff({ requestPolicy: "network-only" })} />;
  const diff = diffResult.data?.dagVersionDiff;
  if (!diff || !fromResult.data || !toResult.data) return <LoadingState label={`Comparing v${from} with v${to}…`} />;
  const merged = mergeForDiff(fromResult.data.dagVersion.definition, toResult.data.dagVersion.definition, diff);
  if (!merged) return <ErrorState message="A definition of these versions cannot be read." />;
  return (
    <>
      <div className="dag-graph-box">
        <DagGraph definition={merged.definition} highlights={merged.highlights} ariaLabel={`Changes from version ${from} to ${to}`} />
      </div>
      {isEmptyDiff(diff) ? (
        <EmptyState title="No changes" description={`Versions ${from} and ${to} define the same DAG.`} />
      ) : (
        <div className="diff-summary" aria-label="Summary of changes">
          <DiffList title="Nodes added" className="added" items={diff.nodesAdded} />
          <DiffList title="Nodes removed" className="removed" items={diff.nodesRemoved} />
          <DiffList title="Nodes changed" className="changed" items={diff.nodesChanged.map((c) => `${c.nodeId} (${c.fields.join(", ")})`)} />
          <DiffList title="Edges added" className="added" items={diff.edgesAdded.map((e) => `${e.upstream} → ${e.downstream}`)} />
          <DiffList title="Edges removed" className="removed" items={diff.edgesRemoved.map((e) => `${e.upstream} → ${e.downstream}`)} />
          <DiffList title="DAG fields changed" className="changed" items={diff.fieldsChanged} />
        </div>
      )}
    </>
  );
}

function DiffList({ title, className, items }: { title: string; className: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <section>
      <h3>
        {title} ({items.length})
      </h3>
      <ul className={className}>
        {items.map((item) => (
          <li key={item}>
            <code>{item}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
