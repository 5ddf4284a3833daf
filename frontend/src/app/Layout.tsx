// The frame of every signed-in screen: navigation, organization switcher, user and sign-out.
import "./shell.css";

import { Suspense } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";

import { useSession } from "../api/SessionProvider";
import { Button, LoadingState } from "../ui";
import { OrganizationSwitcher } from "./OrganizationSwitcher";

const NAV = [
  { to: "/dags", label: "DAGs" },
  { to: "/executions", label: "Executions" },
  { to: "/settings/api-keys", label: "API keys" },
  { to: "/settings/members", label: "Members" },
];

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const user = session.status.kind === "signedIn" ? session.status.user : null;

  async function signOut() {
    await session.signOut().catch(() => undefined);
    navigate("/signin", { replace: true });
  }

  return (
    <div className="shell">
      <nav className="shell-nav" aria-label="Main">
        <div className="shell-brand">OPEN</div>
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} className={({ isActive }) => (isActive ? "active" : undefined)}>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="shell-main">
        <header className="shell-top">
          <OrganizationSwitcher />
          <div className="shell-user">
            {user && <span title={user.email}>{user.name || user.email}</span>}
            <Button size="sm" onClick={signOut}>
              Sign out
            </Button>
          </div>
        </header>
        <div className="shell-content">
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </div>
      </div>
    </div>
  );
}
