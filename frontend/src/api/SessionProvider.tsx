// The session of the app: restores a sign-in from the refresh cookie at start, signs in, up and
// out, switches organization, and provides the urql client for the current user + organization.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { type CombinedError, Provider } from "urql";

import { type Auth, type AuthResult, createAuth, type SignedInUser } from "./auth";
import { type ApiClient, createApiClient } from "./client";
import { SignInMutation, SignUpMutation } from "./documents";
import { SessionStore } from "./session";

export type SessionStatus =
  | { kind: "loading" } // restoring a sign-in from the refresh cookie
  | { kind: "signedOut"; expired: boolean } // expired: an ongoing sign-in ended
  | { kind: "signedIn"; user: SignedInUser }
  | { kind: "error"; message: string }; // the server could not be asked

export interface SessionApi {
  status: SessionStatus;
  /** The organization requests act in (null: the server's default, the oldest membership). */
  organizationId: string | null;
  signIn(email: string, password: string): Promise<CombinedError | null>;
  signUp(name: string, email: string, password: string): Promise<CombinedError | null>;
  signOut(): Promise<void>;
  switchOrganization(id: string): void;
  /** Ask the server again after a failed start. */
  retry(): void;
}

const SessionContext = createContext<SessionApi | null>(null);

/** The session of the surrounding {@link SessionProvider}. */
export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession needs a <SessionProvider> around it");
  return session;
}

export interface SessionProviderProps {
  children: ReactNode;
  /** For tests: the store, auth and client factory to use. */
  store?: SessionStore;
  auth?: Auth;
  makeClient?(store: SessionStore, auth: Auth): ApiClient;
}

/** Provide the session and the urql client to `children`. */
export function SessionProvider({ children, store, auth, makeClient = createApiClient }: SessionProviderProps) {
  const [session] = useState(() => store ?? new SessionStore());
  const [status, setStatus] = useState<SessionStatus>({ kind: "loading" });
  const [organizationId, setOrganizationId] = useState(session.organizationId);
  const [theAuth] = useState(
    () => auth ?? createAuth({ session, onSignedOut: () => setStatus({ kind: "signedOut", expired: true }) }),
  );
  const userId = status.kind === "signedIn" ? status.user.id : null;
  // A new client (empty cache, new websocket) for each user and organization.
  const api = useMemo(() => makeClient(session, theAuth), [makeClient, session, theAuth, userId, organizationId]);
  useEffect(() => () => api.dispose(), [api]);

  const restore = useCallback(() => {
    setStatus({ kind: "loading" });
    theAuth.refresh().then(
      (user) => setStatus(user ? { kind: "signedIn", user } : { kind: "signedOut", expired: false }),
      (error: unknown) => setStatus({ kind: "error", message: error instanceof Error ? error.message : String(error) }),
    );
  }, [theAuth]);
  useEffect(restore, [restore]);

  const value = useMemo<SessionApi>(() => {
    const accept = (result: AuthResult) => setStatus({ kind: "signedIn", user: theAuth.accept(result) });
    return {
      status,
      organizationId,
      async signIn(email, password) {
        const result = await api.client.mutation(SignInMutation, { input: { email, password } }).toPromise();
        if (result.data) accept(result.data.signIn);
        return result.error ?? null;
      },
      async signUp(name, email, password) {
        const result = await api.client.mutation(SignUpMutation, { input: { name, email, password } }).toPromise();
        if (result.data) accept(result.data.signUp);
        return result.error ?? null;
      },
      async signOut() {
        try {
          await theAuth.signOut();
        } finally {
          session.setOrganizationId(null);
          setOrganizationId(null);
          setStatus({ kind: "signedOut", expired: false });
        }
      },
      switchOrganization(id) {
        session.setOrganizationId(id);
        setOrganizationId(id);
      },
      retry: restore,
    };
  }, [status, organizationId, api, theAuth, session, restore]);

  return (
    <SessionContext.Provider value={value}>
      <Provider value={api.client}>{children}</Provider>
    </SessionContext.Provider>
  );
}
