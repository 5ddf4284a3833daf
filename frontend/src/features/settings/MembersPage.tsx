// Members of the organization and their roles: add an existing user, change a role, remove.
import { type FormEvent, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";

import { errorCode, errorMessage } from "../../api/errors";
import { useSession } from "../../api/SessionProvider";
import type { Role } from "../../gql/graphql";
import { Button, Dialog, EmptyState, ErrorState, LoadingState, SelectField, TextField, Time, useToast } from "../../ui";
import { ChangeMemberRoleMutation, InviteMemberMutation, MembersQuery, RemoveMemberMutation } from "./queries";
import { ROLE_HELP, ROLES, roleLabel } from "./roles";

interface MemberRow {
  id: string;
  role: Role;
  user: { id: string; name: string; email: string };
}

function InviteDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const toast = useToast();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("EDITOR");
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, invite] = useMutation(InviteMemberMutation);

  function close() {
    setEmail("");
    setError(null);
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) return setError("Enter the email of an existing account.");
    const result = await invite({ input: { email: email.trim(), role } }, { additionalTypenames: ["Member"] });
    if (result.error) {
      const code = errorCode(result.error);
      setError(code === "NOT_FOUND" ? "No account uses this email: ask them to sign up first." : errorMessage(result.error));
    } else {
      toast.show(`${email.trim()} added as ${roleLabel(role).toLowerCase()}`);
      close();
    }
  }

  return (
    <Dialog
      open={open}
      title="Add a member"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button variant="primary" type="submit" form="invite-member" loading={fetching}>
            Add member
          </Button>
        </>
      }
    >
      <form id="invite-member" onSubmit={submit} noValidate style={{ display: "flex", flexDirection: "column", gap: "var(--space-4)" }}>
        <TextField label="Email" type="email" autoFocus value={email} error={error} onChange={(e) => setEmail(e.target.value)} hint="The account must exist already." />
        <SelectField label="Role" value={role} hint={ROLE_HELP[role]} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}

export default function MembersPage() {
  const toast = useToast();
  const session = useSession();
  const me = session.status.kind === "signedIn" ? session.status.user.id : null;
  const context = useMemo(() => ({ additionalTypenames: ["Member"] }), []);
  const [{ data, error }, reexecute] = useQuery({ query: MembersQuery, variables: { first: 100 }, context });
  const [, changeRole] = useMutation(ChangeMemberRoleMutation);
  const [removal, remove] = useMutation(RemoveMemberMutation);
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<MemberRow | null>(null);

  async function onRoleChange(member: MemberRow, role: Role) {
    const result = await changeRole({ input: { userId: member.user.id, role } });
    if (result.error) toast.show(errorMessage(result.error), "error");
    else toast.show(`${member.user.email} is now ${roleLabel(role).toLowerCase()}`);
  }

  async function confirmRemove() {
    if (!removing) return;
    const result = await remove({ input: { userId: removing.user.id } }, { additionalTypenames: ["Member"] });
    if (result.error) toast.show(errorMessage(result.error), "error");
    else toast.show(`${removing.user.email} removed`);
    setRemoving(null);
  }

  let body;
  if (error && !data) body = <ErrorState message={errorMessage(error)} onRetry={() => reexecute({ requestPolicy: "network-only" })} />;
  else if (!data) body = <LoadingState label="Loading members…" />;
  else if (data.members.nodes.length === 0) body = <EmptyState title="No members" />;
  else
    body = (
      <table className="table">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>Joined</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.members.nodes.map((member) => (
            <tr key={member.id}>
              <td>
                <div>
                  {member.user.name || member.user.email} {member.user.id === me && <span className="muted">(you)</span>}
                </div>
                <div className="muted">{member.user.email}</div>
              </td>
              <td>
                <select className="select" aria-label={`Role of ${member.user.email}`} value={member.role} onChange={(e) => onRoleChange(member, e.target.value as Role)}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {roleLabel(r)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <Time value={member.createdAt} />
              </td>
              <td>
                <Button size="sm" variant="danger" onClick={() => setRemoving(member)}>
                  {member.user.id === me ? "Leave" : "Remove"}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Members</h1>
          <p>Who can act in this organization, and with which role.</p>
        </div>
        <Button variant="primary" onClick={() => setInviting(true)}>
          Add member
        </Button>
      </div>
      <div className="card">{body}</div>
      <InviteDialog open={inviting} onClose={() => setInviting(false)} />
      <Dialog
        open={removing !== null}
        title={removing?.user.id === me ? "Leave this organization?" : "Remove this member?"}
        onClose={() => setRemoving(null)}
        footer={
          <>
            <Button onClick={() => setRemoving(null)}>Cancel</Button>
            <Button variant="danger" onClick={confirmRemove} loading={removal.fetching}>
              {removing?.user.id === me ? "Leave" : "Remove"}
            </Button>
          </>
        }
      >
        <p>{removing?.user.email} loses access to its DAGs and executions at once.</p>
      </Dialog>
    </div>
  );
}
