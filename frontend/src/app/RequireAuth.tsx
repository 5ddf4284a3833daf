// The gate of the signed-in screens: a loading screen while the sign-in is restored, the sign-in
// page (remembering where to come back) when there is none.
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { useSession } from "../api/SessionProvider";
import { ErrorState, LoadingState } from "../ui";

export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, retry } = useSession();
  const location = useLocation();
  switch (status.kind) {
    case "loading":
      return <LoadingState label="Signing you in…" />;
    case "error":
      return <ErrorState title="OPEN cannot be reached" message={status.message} onRetry={retry} />;
    case "signedOut": {
      const next = location.pathname + location.search;
      return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
    }
    case "signedIn":
      return <>{children}</>;
  }
}

/** The sign-in and sign-up pages: nothing until the session is known. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { status } = useSession();
  if (status.kind === "loading") return <LoadingState label="Loading…" />;
  return <>{children}</>;
}
