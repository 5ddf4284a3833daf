// Which organization the app acts in (sent as X-Organization-Id on every request).
import { useQuery } from "urql";

import { useSession } from "../api/SessionProvider";
import { MeQuery } from "./queries";

export function OrganizationSwitcher() {
  const { switchOrganization } = useSession();
  const [{ data, fetching, error }] = useQuery({ query: MeQuery });
  if (error) return <span className="shell-org-error">Organizations unavailable</span>;
  if (!data) return <span className="muted">{fetching ? "Loading…" : ""}</span>;
  const { memberships, activeOrganizationId } = data.me;
  if (memberships.length === 0) return <span className="muted">No organization</span>;
  return (
    <label className="shell-org">
      <span className="visually-hidden">Organization</span>
      <select className="select" value={activeOrganizationId ?? ""} onChange={(e) => switchOrganization(e.target.value)}>
        {memberships.map((m) => (
          <option key={m.organization.id} value={m.organization.id}>
            {m.organization.name} ({m.role.toLowerCase()})
          </option>
        ))}
      </select>
    </label>
  );
}
