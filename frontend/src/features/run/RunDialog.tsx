// The run dialog: the version's declared parameters as a form, then `executeDag` and the
// live monitor at /executions/:id. Parameter errors from the server show under each field.
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useMutation, useQuery } from "urql";

import { type DagDefinition, type Json, parseDefinition } from "../../graph/definition";
import { graphql } from "../../gql";
import { Button, Dialog, ErrorState, LoadingState } from "../../ui";
import { formProblems } from "../editor/lib/schemaForm";
import { SchemaForm } from "../editor/SchemaForm";
import { paramProblems, runParamFields } from "./runParams";

export const RunDialogDagQuery = graphql(`
  query RunDialogDag($id: ID!) {
    dag(id: $id) {
      id
      name
      activeVersion {
        id
        version
        definition
      }
      latestVersion {
        id
        version
        definition
      }
    }
  }
`);

export const RunDialogVersionQuery = graphql(`
  query RunDialogVersion($dagId: ID!, $version: Int!) {
    dagVersion(dagId: $dagId, version: $version) {
      id
      version
      definition
    }
  }
`);

export const ExecuteDagMutation = graphql(`
  mutation RunDialogExecuteDag($input: ExecuteDagInput!) {
    executeDag(input: $input) {
      id
      status
    }
  }
`);

export interface RunDialogProps {
  dagId: string;
  /** The version to run; default: the active version, else the latest. */
  versionNumber?: number;
  open: boolean;
  onClose(): void;
}

export function RunDialog({ dagId, versionNumber, open, onClose }: RunDialogProps) {
  const [dagResult] = useQuery({
    query: RunDialogDagQuery,
    variables: { id: dagId },
    pause: !open || versionNumber !== undefined,
    requestPolicy: "cache-and-network",
  });
  const [versionResult] = useQuery({
    query: RunDialogVersionQuery,
    variables: { dagId, version: versionNumber ?? 0 },
    pause: !open || versionNumber === undefined,
  });
  const chosen =
    versionNumber !== undefined
      ? versionResult.data?.dagVersion
      : (dagResult.data?.dag.activeVersion ?? dagResult.data?.dag.latestVersion);
  const error = versionNumber !== undefined ? versionResult.error : dagResult.error;

  return (
    <Dialog open={open} onClose={onClose} title={chosen === undefined ? "Run" : `Run version ${chosen.version}`}>
      {error !== undefined ? (
        <ErrorState title="The DAG could not be loaded" message={error.message} />
      ) : chosen === undefined || chosen === null ? (
        <LoadingState label="Loading the parameters…" />
      ) : (
        <RunForm key={chosen.id} dagId={dagId} version={chosen.version} definition={chosen.definition} onCancel={onClose} />
      )}
    </Dialog>
  );
}

function RunForm({ dagId, version, definition, onCancel }: { dagId: string; version: number; definition: unknown; onCancel(): void }) {
  const navigate = useNavigate();
  const parsed = useMemo((): DagDefinition | null => {
    try {
      return parseDefinition(definition);
    } catch {
      return null;
    }
  }, [definition]);
  const fields = useMemo(() => (parsed === null ? [] : runParamFields(parsed)), [parsed]);
  const [values, setValues] = useState<Record<string, Json>>({});
  const [showLocal, setShowLocal] = useState(false);
  const [serverProblems, setServerProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [execution, execute] = useMutation(ExecuteDagMutation);

  const local = formProblems(fields, values);
  async function submit() {
    setShowLocal(true);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    const result = await execute({ input: { dagId, version, params: values } });
    if (result.data !== undefined && result.data !== null) {
      navigate(`/executions/${result.data.executeDag.id}`);
      return;
    }
    const graphQLError = result.error?.graphQLErrors[0];
    const problems = paramProblems(graphQLError?.extensions?.details);
    setServerProblems(problems);
    if (Object.keys(problems).length === 0 || graphQLError?.extensions?.code !== "VALIDATION_FAILED") {
      setFailure(graphQLError?.message ?? result.error?.message ?? "The run could not start.");
    }
  }

  if (parsed === null) return <ErrorState message="This version's definition cannot be read." />;
  return (
    <form
      data-testid="run-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {fields.length === 0 ? (
        <p className="schema-form__help">This DAG takes no parameters.</p>
      ) : (
        <SchemaForm
          fields={fields}
          value={values}
          onChange={(next) => {
            setValues(next);
            setServerProblems({});
          }}
          problems={serverProblems}
          hideLocalProblems={!showLocal}
        />
      )}
      {failure !== null && (
        <p className="schema-form__error" role="alert" data-testid="run-error">
          {failure}
        </p>
      )}
      <div className="dialog-footer run-dialog__footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="primary" type="submit" loading={execution.fetching} data-testid="run-submit">
          Run
        </Button>
      </div>
    </form>
  );
}
