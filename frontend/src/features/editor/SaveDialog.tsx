// Save the definition as a new version (or a new DAG) with a message.
import { useState } from "react";
import { type CombinedError, useMutation } from "urql";

import type { DagDefinition } from "../../graph/definition";
import { Button, Dialog, TextField } from "../../ui";
import { CreateDagMutation, UpdateDagMutation } from "./documents";

/** Where saving goes. */
export type SaveTarget = { kind: "new" } | { kind: "existing"; dagId: string };

export interface SaveDialogProps {
  open: boolean;
  onClose(): void;
  definition: DagDefinition;
  target: SaveTarget;
  /** Whether the last validation passed (saving an invalid definition is refused by the server anyway). */
  valid: boolean;
  onSaved(result: { dagId: string; version: number }): void;
}

/** The message of a failed save, with the server's issues when it gives them. */
export function saveErrorMessage(error: CombinedError): string {
  const graphQLError = error.graphQLErrors[0];
  if (graphQLError === undefined) return error.message;
  const details = graphQLError.extensions?.details as { issues?: { message: string; node_id?: string | null }[] } | undefined;
  const issues = details?.issues ?? [];
  if (issues.length === 0) return graphQLError.message;
  return `${graphQLError.message}: ${issues.map((issue) => (issue.node_id ? `${issue.node_id}: ${issue.message}` : issue.message)).join("; ")}`;
}

export function SaveDialog({ open, onClose, definition, target, valid, onSaved }: SaveDialogProps) {
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [created, createDag] = useMutation(CreateDagMutation);
  const [updated, updateDag] = useMutation(UpdateDagMutation);
  const busy = created.fetching || updated.fetching;

  async function save() {
    setError(null);
    if (target.kind === "new") {
      const result = await createDag({
        input: { name: definition.name, description: definition.description ?? "", definition, message },
      });
      if (result.error !== undefined || result.data === undefined) {
        setError(result.error === undefined ? "No answer from the server." : saveErrorMessage(result.error));
        return;
      }
      setMessage("");
      onSaved({ dagId: result.data.createDag.dag.id, version: result.data.createDag.version.version });
    } else {
      const result = await updateDag({ input: { id: target.dagId, definition, message } });
      if (result.error !== undefined || result.data === undefined) {
        setError(result.error === undefined ? "No answer from the server." : saveErrorMessage(result.error));
        return;
      }
      const version = result.data.updateDag.version;
      if (version === null || version === undefined) {
        setError("Nothing to save: this definition equals the latest version.");
        return;
      }
      setMessage("");
      onSaved({ dagId: result.data.updateDag.dag.id, version: version.version });
    }
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={target.kind === "new" ? "Create the DAG" : "Save a new version"}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="editor-save-form" loading={busy} data-testid="save-version-submit">
            {target.kind === "new" ? "Create DAG" : "Save version"}
          </Button>
        </>
      }
    >
      <form
        id="editor-save-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {!valid && (
          <p className="editor-banner editor-banner--warning">
            The definition has problems; the server will refuse it until they are fixed.
          </p>
        )}
        <TextField
          label="Version message"
          hint="What changed, for the version history."
          data-testid="version-message-input"
          value={message}
          autoFocus
          onChange={(event) => setMessage(event.target.value)}
          maxLength={2000}
        />
        {error !== null && (
          <p className="editor-problems__error" role="alert" data-testid="save-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
