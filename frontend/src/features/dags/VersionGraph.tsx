// One version's graph, or the diff of two versions drawn on one graph.
import { useMemo } from "react";
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
  const diff = diffResult.data?.dagVersionDiff;
  const fromDefinition = fromResult.data?.dagVersion.definition;
  const toDefinition = toResult.data?.dagVersion.definition;
  // Memoized: a new drawing would make DagGraph lay the graph out again.
  const merged = useMemo(
    () => (diff && fromDefinition !== undefined && toDefinition !== undefined ? mergeForDiff(fromDefinition, toDefinition, diff) : undefined),
    [diff, fromDefinition, toDefinition],
  );
  if (error) return <ErrorState message={errorMessage(error)} onRetry={() => reexecuteDiff({ requestPolicy: "network-only" })} />;
  if (!diff || merged === undefined) return <LoadingState label={`Comparing v${from} with v${to}…`} />;
  if (!merged) return <ErrorState message="A definition of these versions cannot be read." />;
  return (
    <>
      <div className="dag-graph-box">
        <DagGraph
          definition={merged.definition}
          highlights={merged.highlights}
          edgeHighlights={merged.edgeHighlights}
          extraEdges={merged.extraEdges}
          ariaLabel={`Changes from version ${from} to ${to}`}
        />
      </div>
      {isEmptyDiff(diff) && merged.edgesChanged.length === 0 ? (
        <EmptyState title="No changes" description={`Versions ${from} and ${to} define the same DAG.`} />
      ) : (
        <div className="diff-summary" aria-label="Summary of changes">
          <DiffList title="Nodes added" className="added" items={diff.nodesAdded} />
          <DiffList title="Nodes removed" className="removed" items={diff.nodesRemoved} />
          <DiffList title="Nodes changed" className="changed" items={diff.nodesChanged.map((c) => `${c.nodeId} (${c.fields.join(", ")})`)} />
          <DiffList title="Edges added" className="added" items={diff.edgesAdded.map((e) => `${e.upstream} → ${e.downstream}`)} />
          <DiffList title="Edges removed" className="removed" items={diff.edgesRemoved.map((e) => `${e.upstream} → ${e.downstream}`)} />
          <DiffList title="Edges changed" className="changed" items={merged.edgesChanged.map((e) => `${e.source} → ${e.target} (${e.before} → ${e.after})`)} />
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
