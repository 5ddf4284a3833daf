// Live validation: the definition is sent to `validateDefinition` a moment after the last edit.
import { useEffect, useState } from "react";
import { useClient } from "urql";

import type { DagDefinition } from "../../graph/definition";
import type { EditorValidateDefinitionMutation } from "../../gql/graphql";
import { ValidateDefinitionMutation } from "./documents";

export type ValidationIssue = EditorValidateDefinitionMutation["validateDefinition"]["issues"][number];

/** Where validation stands: running, its issues, or why it could not run. */
export type ValidationState =
  | { status: "pending" }
  | { status: "done"; valid: boolean; issues: ValidationIssue[] }
  | { status: "error"; message: string };

/** Quiet time after the last edit before validating, in milliseconds. */
export const VALIDATION_DEBOUNCE_MS = 400;

/** Validate `definition` on the server, debounced; stale answers are dropped. */
export function useValidation(definition: DagDefinition): ValidationState {
  const client = useClient();
  const [state, setState] = useState<ValidationState>({ status: "pending" });
  useEffect(() => {
    let current = true;
    setState((previous) => (previous.status === "done" ? previous : { status: "pending" }));
    const timer = setTimeout(() => {
      client
        .mutation(ValidateDefinitionMutation, { definition }, { requestPolicy: "network-only" })
        .toPromise()
        .then((result) => {
          if (!current) return;
          if (result.data !== undefined && result.data !== null) {
            const payload = result.data.validateDefinition;
            setState({ status: "done", valid: payload.valid, issues: payload.issues });
          } else {
            setState({ status: "error", message: result.error?.message ?? "no answer from the server" });
          }
        });
    }, VALIDATION_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, definition]);
  return state;
}
