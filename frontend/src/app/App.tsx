// The application shell: providers and the routes of every screen.
import "../ui/theme.css";
import "../ui/ui.css";

import { Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";

import { SessionProvider } from "../api/SessionProvider";
import SignInPage from "../features/auth/SignInPage";
import SignUpPage from "../features/auth/SignUpPage";
import DagListPage from "../features/dags/DagListPage";
import ExecutionsPage from "../features/executions/ExecutionsPage";
import ApiKeysPage from "../features/settings/ApiKeysPage";
import MembersPage from "../features/settings/MembersPage";
import { EmptyState, LoadingState, ToastProvider } from "../ui";
import { Layout } from "./Layout";
import { DagPage, EditorPage, MonitorPage } from "./lazyPages";
import { PublicOnly, RequireAuth } from "./RequireAuth";

export { MeQuery } from "./queries";

/** `/`: the DAGs, or the sign-in page with the error of a refused OAuth sign-in. */
function Home() {
  const { search } = useLocation();
  return <Navigate to={new URLSearchParams(search).has("auth_error") ? `/signin${search}` : "/dags"} replace />;
}

function NotFound() {
  return <EmptyState title="Page not found" description="There is nothing at this address." action={<a href="/dags">Go to the DAGs</a>} />;
}

/** The routes, without providers (tests wrap them in their own router). */
export function AppRoutes() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/signin" element={<PublicOnly><SignInPage /></PublicOnly>} />
        <Route path="/signup" element={<PublicOnly><SignUpPage /></PublicOnly>} />
        <Route element={<RequireAuth><Layout /></RequireAuth>}>
          <Route path="/dags" element={<DagListPage />} />
          <Route path="/dags/new" element={<EditorPage />} />
          <Route path="/dags/:dagId/edit" element={<EditorPage />} />
          <Route path="/dags/:dagId" element={<DagPage />} />
          <Route path="/executions" element={<ExecutionsPage />} />
          <Route path="/executions/:executionId" element={<MonitorPage />} />
          <Route path="/settings" element={<Navigate to="/settings/api-keys" replace />} />
          <Route path="/settings/api-keys" element={<ApiKeysPage />} />
          <Route path="/settings/members" element={<MembersPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <SessionProvider>
          <AppRoutes />
        </SessionProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
