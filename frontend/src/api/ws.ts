// The graphql-transport-ws client for subscriptions. The server authenticates a websocket once,
// from the connection_init payload {authorization: "Bearer <token>", organization: "<id>"}
// (backend: open_backend.graphql.view); it closes a refused one with 4403, which graphql-ws
// retries: the next connection refreshes the token first.
import { type Client as WsClient, createClient } from "graphql-ws";

import type { Auth } from "./auth";
import type { SessionStore } from "./session";

/** Close code of a websocket whose credentials the server refused. */
export const FORBIDDEN_CLOSE_CODE = 4403;

/** A token expiring within this is refreshed before a connection is opened. */
const CONNECT_MARGIN_MS = 30_000;

/** `ws(s)://<host>/graphql` for the page's origin. */
export function websocketUrl(location: Pick<Location, "protocol" | "host">, path = "/graphql"): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}

/** The connection_init payload for the session's current credentials. */
export function connectionPayload(session: SessionStore): Record<string, string> {
  const payload: Record<string, string> = {};
  if (session.accessToken) payload.authorization = `Bearer ${session.accessToken.token}`;
  if (session.organizationId) payload.organization = session.organizationId;
  return payload;
}

/** A lazy websocket client (it connects with the first subscription) using `auth` for its token. */
export function createWsClient(session: SessionStore, auth: Auth, url = websocketUrl(window.location)): WsClient {
  let refused = false;
  return createClient({
    url,
    lazy: true,
    retryAttempts: 5,
    connectionParams: async () => {
      if (refused || session.expiresWithin(CONNECT_MARGIN_MS)) {
        refused = false;
        await auth.refresh().catch(() => null);
      }
      return connectionPayload(session);
    },
    on: {
      closed: (event) => {
        if ((event as CloseEvent | undefined)?.code === FORBIDDEN_CLOSE_CODE) refused = true;
      },
    },
  });
}
