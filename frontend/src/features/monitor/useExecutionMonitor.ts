// Loads an execution's stored state, then follows its events live over the websocket
// (`executionEvents`, no polling), resubscribing after the last sequence seen when the
// subscription fails or an event arrives after a gap.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { type Client, type CombinedError, type OperationResult, useClient } from "urql";

import type { MonitorDagVersionsQuery } from "../../gql/graphql";

import { DagVersionsQuery, ExecutionEventsSubscription, ExecutionHeadQuery, ExecutionStateQuery } from "./queries";
import { type EventPayload, type MonitorState, TERMINAL_RUN_STATES, applyEvent } from "./state";
import { type StoredExecution, stateFromStored } from "./stored";

/** The live subscription: receiving, waiting to resubscribe, or done (the run ended). */
export type LinkStatus = "connecting" | "live" | "reconnecting" | "ended";

/** The definition an execution runs and the DAG's name. */
export interface ExecutionDag {
  name: string;
  version: number | null;
  /** The canonical JSON definition, or null when the version could not be found. */
  definition: unknown;
}

/** What the monitor shows: loading, an error, or the execution and its live state. */
export type MonitorLoad =
  | { kind: "loading" }
  | { kind: "error"; message: string; notFound: boolean }
  | {
      kind: "ready";
      execution: StoredExecution;
      dag: ExecutionDag | null;
      state: MonitorState;
      link: LinkStatus;
    };

type Action = { type: "reset"; state: MonitorState | null } | { type: "event"; event: EventPayload };

function reducer(state: MonitorState | null, action: Action): MonitorState | null {
  if (action.type === "reset") return action.state;
  return state === null ? null : applyEvent(state, action.event);
}

/** Longest wait before resubscribing, in milliseconds. */
const MAX_BACKOFF_MS = 10_000;

function messageOf(error: CombinedError | Error | string): string {
  if (typeof error === "string") return error;
  if ("graphQLErrors" in error && error.graphQLErrors.length > 0) {
    return error.graphQLErrors.map((e) => e.message).join("; ");
  }
  return error.message;
}

function isNotFound(error: CombinedError): boolean {
  return error.graphQLErrors.some((e) => e.extensions?.code === "NOT_FOUND");
}

async function loadDag(client: Client, dagId: string, versionId: string): Promise<ExecutionDag | null> {
  let after: string | null = null;
  for (let page = 0; page < 20; page += 1) {
    const result: OperationResult<MonitorDagVersionsQuery> = await client
      .query(DagVersionsQuery, { dagId, after }, { requestPolicy: "network-only" })
      .toPromise();
    if (result.error || !result.data) return null;
    const { dag } = result.data;
    const found = dag.versions.nodes.find((version) => version.id === versionId);
    if (found) return { name: dag.name, version: found.version, definition: found.definition };
    if (!dag.versions.pageInfo.hasNextPage) return { name: dag.name, version: null, definition: null };
    after = dag.versions.pageInfo.endCursor;
  }
  return null;
}

/**
 * The monitor's data for `executionId`. `reload()` starts over from the stored state.
 * Unmounting ends the subscription.
 */
export function useExecutionMonitor(executionId: string): { load: MonitorLoad; reload(): void } {
  const client = useClient();
  const [state, dispatch] = useReducer(reducer, null);
  const [execution, setExecution] = useState<StoredExecution | null>(null);
  const [dag, setDag] = useState<ExecutionDag | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);
  const [link, setLink] = useState<LinkStatus>("connecting");
  const [generation, setGeneration] = useState(0); // bumped by reload()
  const [subscription, setSubscription] = useState(0); // bumped to resubscribe
  const lastSeq = useRef(-1);
  const failures = useRef(0);
  lastSeq.current = state?.lastSeq ?? -1;

  // 1. The stored state: count the events first, then read the rows.
  useEffect(() => {
    let cancelled = false;
    setError(null);
    dispatch({ type: "reset", state: null });
    (async () => {
      const head = await client.query(ExecutionHeadQuery, { id: executionId }, { requestPolicy: "network-only" }).toPromise();
      if (cancelled) return;
      if (head.error || !head.data) {
        const notFound = head.error ? isNotFound(head.error) : false;
        setError({ message: head.error ? messageOf(head.error) : "No answer from the server.", notFound });
        return;
      }
      const count = head.data.execution.events.totalCount;
      const stored = await client.query(ExecutionStateQuery, { id: executionId }, { requestPolicy: "network-only" }).toPromise();
      if (cancelled) return;
      if (stored.error || !stored.data) {
        setError({ message: stored.error ? messageOf(stored.error) : "No answer from the server.", notFound: false });
        return;
      }
      setExecution(stored.data.execution);
      dispatch({ type: "reset", state: stateFromStored(stored.data.execution, count - 1) });
      const found = await loadDag(client, stored.data.execution.dagId, stored.data.execution.dagVersionId);
      if (!cancelled) setDag(found);
    })().catch((caught: unknown) => {
      if (!cancelled) setError({ message: caught instanceof Error ? caught.message : String(caught), notFound: false });
    });
    return () => {
      cancelled = true;
    };
  }, [client, executionId, generation]);

  const ready = state !== null;
  const outOfSync = state?.outOfSync ?? false;

  // 2. Live events after the last one applied; resubscribe on failure or after a gap.
  useEffect(() => {
    if (!ready) return;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const again = () => {
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures.current);
      failures.current += 1;
      setLink("reconnecting");
      retry = setTimeout(() => setSubscription((n) => n + 1), delay);
    };
    setLink("connecting");
    const { unsubscribe } = client
      .subscription(ExecutionEventsSubscription, { executionId, afterSequence: lastSeq.current })
      .subscribe((result) => {
        if (result.error) {
          if (isNotFound(result.error)) {
            setError({ message: messageOf(result.error), notFound: true });
            return;
          }
          again();
          return;
        }
        const event = result.data?.executionEvents;
        if (!event) return;
        failures.current = 0;
        setLink("live");
        const payload = event.payload as EventPayload;
        dispatch({ type: "event", event: { ...payload, seq: event.sequence, kind: event.kind } });
        if (event.kind === "run_finished") setLink("ended");
      });
    const online = () => setSubscription((n) => n + 1);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("online", online);
      if (retry !== undefined) clearTimeout(retry);
      unsubscribe();
    };
  }, [client, executionId, ready, subscription]);

  // An event after a gap was refused: start again after the last one applied.
  useEffect(() => {
    if (outOfSync) setSubscription((n) => n + 1);
  }, [outOfSync]);

  const reload = useCallback(() => {
    failures.current = 0;
    setGeneration((n) => n + 1);
  }, []);

  if (error) return { load: { kind: "error", ...error }, reload };
  if (state === null || execution === null) return { load: { kind: "loading" }, reload };
  const ended = TERMINAL_RUN_STATES.has(state.status);
  return {
    load: { kind: "ready", execution, dag, state, link: ended && link !== "reconnecting" ? "ended" : link },
    reload,
  };
}
