// Route `/dags/new` and `/dags/:dagId/edit`: loads the DAG's latest version and the task
// types, then shows the editor. After a save the page stays in the editor of the saved DAG.
import { useEffect, useMemo, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useQuery } from "urql";

import { type DagDefinition, parseDefinition } from "../../graph/definition";
import { layoutDag, type Positions } from "../../graph/layout";
import { Button, ErrorState, LoadingState } from "../../ui";
import { RunDialog } from "../run/RunDialog";
import { EditorDagQuery, TaskTypesQuery } from "./documents";
import { Editor } from "./Editor";
import { emptyDefinition } from "./lib/graphEdit";
import type { Snapshot } from "./lib/editorState";

/** Navigation state the editor leaves after creating a DAG, to keep the node positions. */
interface EditorLocationState {
  positions?: Positions;
}

export default function EditorPage() {
  const { dagId } = useParams();
  return dagId === undefined ? <NewDagEditor /> : <ExistingDagEditor key={dagId} dagId={dagId} />;
}

function useTaskTypes() {
  const [result, refetch] = useQuery({ query: TaskTypesQuery });
  return { result, refetch: () => refetch({ requestPolicy: "network-only" }) };
}

function useSnapshot(definition: DagDefinition | null, known: Positions | undefined): Snapshot | null {
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  useEffect(() => {
    if (definition === null) return;
    let cancelled = false;
    const missing = definition.nodes.some((node) => known?.[node.id] === undefined);
    (missing ? layoutDag(definition) : Promise.resolve(known as Positions)).then((positions) => {
      if (!cancelled) setSnapshot({ definition, positions });
    });
    return () => {
      cancelled = true;
    };
  }, [definition, known]);
  return snapshot;
}

function NewDagEditor() {
  const navigate = useNavigate();
  const taskTypes = useTaskTypes();
  const initial = useMemo<Snapshot>(() => ({ definition: emptyDefinition("untitled"), positions: {} }), []);
  if (taskTypes.result.fetching && taskTypes.result.data === undefined) return <LoadingState label="Loading task types…" />;
  if (taskTypes.result.error !== undefined || taskTypes.result.data === undefined) {
    return <ErrorState message={taskTypes.result.error?.message ?? "No task types."} onRetry={taskTypes.refetch} />;
  }
  return (
    <Editor
      initial={initial}
      initialSaved={false}
      taskTypes={taskTypes.result.data.taskTypes}
      target={{ kind: "new" }}
      subtitle="new DAG"
      onSaved={({ dagId, positions }) =>
        navigate(`/dags/${dagId}/edit`, { replace: true, state: { positions } satisfies EditorLocationState })
      }
    />
  );
}

function ExistingDagEditor({ dagId }: { dagId: string }) {
  const location = useLocation();
  const taskTypes = useTaskTypes();
  const [dag, refetchDag] = useQuery({ query: EditorDagQuery, variables: { id: dagId }, requestPolicy: "network-only" });
  const [runOpen, setRunOpen] = useState(false);
  const [version, setVersion] = useState<number | null>(null);
  const knownPositions = (location.state as EditorLocationState | null)?.positions;
  const parsed = useMemo((): { ok: DagDefinition } | { error: string } | null => {
    const latest = dag.data?.dag.latestVersion;
    if (latest === undefined) return null;
    try {
      return { ok: parseDefinition(latest.definition) };
    } catch (error) {
      return { error: String(error) };
    }
  }, [dag.data]);
  const snapshot = useSnapshot(parsed !== null && "ok" in parsed ? parsed.ok : null, knownPositions);

  if (dag.error !== undefined) {
    return <ErrorState title="This DAG could not be loaded" message={dag.error.message} onRetry={() => refetchDag({ requestPolicy: "network-only" })} />;
  }
  if (taskTypes.result.error !== undefined) {
    return <ErrorState message={taskTypes.result.error.message} onRetry={taskTypes.refetch} />;
  }
  if (parsed !== null && !("ok" in parsed)) {
    return <ErrorState title="This version cannot be edited" message={parsed.error} />;
  }
  if (snapshot === null || taskTypes.result.data === undefined || dag.data === undefined) {
    return <LoadingState label="Loading the DAG…" />;
  }
  const current = version ?? dag.data.dag.latestVersion.version;
  return (
    <>
      <Editor
        initial={snapshot}
        initialSaved
        taskTypes={taskTypes.result.data.taskTypes}
        target={{ kind: "existing", dagId }}
        subtitle={`editing v${current}`}
        onSaved={(result) => setVersion(result.version)}
        savedActions={
          <>
            <Link className="btn btn-sm btn-ghost" to={`/dags/${dagId}`}>
              DAG page
            </Link>
            <Button size="sm" onClick={() => setRunOpen(true)} data-testid="run-button">
              Run v{current}
            </Button>
          </>
        }
      />
      <RunDialog dagId={dagId} versionNumber={current} open={runOpen} onClose={() => setRunOpen(false)} />
    </>
  );
}
