// Test doubles of the network layer for unit tests of screens: an urql client answering from
// functions (wonka sources), inside a memory router and the app's providers.
import { render, type RenderResult } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { Client, type Exchange, makeResult, type Operation, Provider } from "urql";
import { vi } from "vitest";
import { filter, fromValue, mergeMap, never, pipe } from "wonka";

import { ToastProvider } from "../ui";
import type { Auth } from "./auth";
import { SessionProvider } from "./SessionProvider";
import { SessionStore } from "./session";

/** What an answer function returns: data, or a GraphQL error with a code and details. */
export type Answer = { data: unknown } | { error: { message: string; code: string; details?: Record<string, unknown> } } | "pending";

export type Answerer = (request: { operationName: string; variables: Record<string, unknown> }) => Answer;

function operationName(operation: Operation): string {
  for (const definition of operation.query.definitions) {
    if (definition.kind === "OperationDefinition" && definition.name) return definition.name.value;
  }
  return "";
}

/**
 * A real urql client whose only exchange answers each operation with `answer` (no network);
 * `calls` records each operation's name and variables, in order.
 */
export function testClient(answer: Answerer) {
  const calls: { operationName: string; variables: Record<string, unknown> }[] = [];
  const answering: Exchange = () => (operations$) =>
    pipe(
      operations$,
      filter((operation) => operation.kind !== "teardown"),
      mergeMap((operation) => {
        const call = { operationName: operationName(operation), variables: (operation.variables ?? {}) as Record<string, unknown> };
        calls.push(call);
        const result = answer(call);
        if (result === "pending") return never;
        if ("data" in result) return fromValue(makeResult(operation, { data: result.data as Record<string, unknown> }));
        const { message, code, details = {} } = result.error;
        return fromValue(makeResult(operation, { errors: [{ message, extensions: { code, details } }] }));
      }),
    );
  const client = new Client({ url: "/graphql", exchanges: [answering], requestPolicy: "network-only" });
  return { client, calls };
}

/** Render `element` at `path` (matched by `pattern`) with `client`. */
export function renderScreen(element: ReactNode, { client, path = "/", pattern = "*" }: { client: Client; path?: string; pattern?: string }): RenderResult {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <ToastProvider>
        <Provider value={client}>
          <Routes>
            <Route path={pattern} element={element} />
            <Route path="*" element={<div>elsewhere</div>} />
          </Routes>
        </Provider>
      </ToastProvider>
    </MemoryRouter>,
  );
}

/** Render `element` inside a SessionProvider that starts signed out and uses `client`. */
export function renderSignedOut(element: ReactNode, { client, path = "/signin" }: { client: Client; path?: string }): RenderResult {
  const session = new SessionStore(null);
  const auth: Auth = {
    fetch: vi.fn() as unknown as typeof fetch,
    refresh: vi.fn(async () => null),
    accept: (result) => {
      session.setAccessToken({ token: result.accessToken, expiresAt: Date.parse(result.accessTokenExpiresAt) });
      return result.user;
    },
    signOut: vi.fn(async () => undefined),
  };
  return render(
    <MemoryRouter initialEntries={[path]}>
      <ToastProvider>
        <SessionProvider store={session} auth={auth} makeClient={() => ({ client, dispose: () => undefined })}>
          <Routes>
            <Route path="/signin" element={element} />
            <Route path="/signup" element={element} />
            <Route path="*" element={<div>signed in page</div>} />
          </Routes>
        </SessionProvider>
      </ToastProvider>
    </MemoryRouter>,
  );
}
