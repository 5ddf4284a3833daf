// The app's urql client: queries and mutations over HTTP with the authenticated fetch,
// subscriptions over graphql-transport-ws.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";

import type { Auth } from "./auth";
import type { SessionStore } from "./session";
import { createWsClient } from "./ws";

export interface ApiClient {
  client: Client;
  /** Close the websocket (on sign-out or organization switch). */
  dispose(): void;
}

/**
 * A new client for the session's current organization. Build a new one when the organization
 * changes: the cache holds that organization's data.
 */
export function createApiClient(session: SessionStore, auth: Auth, url = "/graphql"): ApiClient {
  const ws = createWsClient(session, auth);
  const client = new Client({
    url,
    fetch: auth.fetch,
    fetchOptions: { headers: { Accept: "application/graphql-response+json, application/json" } },
    requestPolicy: "cache-and-network",
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}
