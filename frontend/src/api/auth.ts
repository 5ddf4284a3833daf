// Authenticated requests: the access token (memory only) and the organization on every request,
// and one refresh through the httpOnly refresh cookie when the server says the token is no good.
import { print } from "graphql";

import { RefreshTokenMutation, SignOutMutation } from "./documents";
import type { SessionStore } from "./session";

/** Header naming the organization a request acts in (backend: open_backend.auth.resolve). */
export const ORGANIZATION_HEADER = "X-Organization-Id";

/** A token expiring within this is refreshed before it is sent (clock skew, request time). */
export const EXPIRY_MARGIN_MS = 10_000;

/** Who signed in, as the refresh and sign-in mutations return them. */
export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

/** The fields of AuthPayload the app reads. */
export interface AuthResult {
  accessToken: string;
  accessTokenExpiresAt: string;
  user: SignedInUser;
}

export interface AuthOptions {
  session: SessionStore;
  /** The network. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: "/graphql" (same origin: the refresh cookie is sent). */
  url?: string;
  /** Called when a refresh is refused: the sign-in has ended (expired, revoked, signed out elsewhere). */
  onSignedOut?(): void;
}

/** What {@link createAuth} returns. */
export interface Auth {
  /** A fetch for urql: adds the credentials, refreshes once on 401 / UNAUTHENTICATED and retries. */
  fetch: typeof fetch;
  /**
   * Exchange the refresh cookie for a new access token (one request at a time: concurrent callers
   * share it). Resolves to the user, or null when there is no valid sign-in (the token is cleared).
   * Rejects on a network failure or a server error (the sign-in is kept).
   */
  refresh(): Promise<SignedInUser | null>;
  /** Keep the token of a sign-in or sign-up. */
  accept(result: AuthResult): SignedInUser;
  /** Revoke the refresh token (and clear its cookie), then forget the access token. */
  signOut(): Promise<void>;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Whether a GraphQL response says the credentials were missing, invalid or expired. */
export function isUnauthenticated(status: number, body: GraphQLBody | null): boolean {
  if (status === 401) return true;
  return (body?.errors ?? []).some((error) => error.extensions?.code === "UNAUTHENTICATED");
}

async function readBody(response: Response): Promise<GraphQLBody | null> {
  if (!(response.headers.get("content-type") ?? "").includes("json")) return null;
  try {
    return (await response.clone().json()) as GraphQLBody;
  } catch {
    return null;
  }
}

/** Build the app's authenticated fetch and refresh around `options.session`. */
export function createAuth(options: AuthOptions): Auth {
  const { session } = options;
  const url = options.url ?? "/graphql";
  const network: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  let inFlight: Promise<SignedInUser | null> | null = null;

  function accept(result: AuthResult): SignedInUser {
    session.setAccessToken({ token: result.accessToken, expiresAt: Date.parse(result.accessTokenExpiresAt) });
    return result.user;
  }

  async function post(query: string): Promise<{ status: number; body: GraphQLBody | null }> {
    const response = await network(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: await readBody(response) };
  }

  async function doRefresh(): Promise<SignedInUser | null> {
    const { status, body } = await post(print(RefreshTokenMutation));
    const payload = body?.data?.refreshToken as AuthResult | undefined;
    if (payload) return accept(payload);
    if (isUnauthenticated(status, body)) {
      const hadToken = session.accessToken !== null;
      session.setAccessToken(null);
      if (hadToken) options.onSignedOut?.();
      return null;
    }
    const message = body?.errors?.[0]?.message ?? `HTTP ${status}`;
    throw new Error(`could not refresh the sign-in: ${message}`);
  }

  function refresh(): Promise<SignedInUser | null> {
    inFlight ??= doRefresh().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function withCredentials(init: RequestInit | undefined): RequestInit {
    const headers = new Headers(init?.headers);
    const token = session.accessToken;
    if (token) headers.set("Authorization", `Bearer ${token.token}`);
    else headers.delete("Authorization");
    const organization = session.organizationId;
    if (organization) headers.set(ORGANIZATION_HEADER, organization);
    return { ...init, headers, credentials: "same-origin" };
  }

  const authFetch: typeof fetch = async (input, init) => {
    if (session.accessToken !== null && session.expiresWithin(EXPIRY_MARGIN_MS)) {
      await refresh().catch(() => null); // offline: send the old token, the answer will tell
    }
    const sentToken = session.accessToken;
    const response = await network(input, withCredentials(init));
    if (sentToken === null) return response; // anonymous (sign-in, sign-up): nothing to refresh
    if (!isUnauthenticated(response.status, await readBody(response))) return response;
    // A token replaced while this request was out is retried with the new one, without a refresh.
    const user = session.accessToken?.token !== sentToken.token ? true : await refresh();
    if (user === null || session.accessToken === null) return response;
    return network(input, withCredentials(init));
  };

  async function signOut(): Promise<void> {
    try {
      await post(print(SignOutMutation));
    } finally {
      session.setAccessToken(null);
    }
  }

  return { fetch: authFetch, refresh, accept, signOut };
}
