// API keys of the organization: create one (its secret is shown once, with a copy button),
// see when each was last used, revoke.
import { type FormEvent, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";

import { errorCode, errorDetails, errorMessage } from "../../api/errors";
import type { Role } from "../../gql/graphql";
import { Badge, Button, CopyButton, Dialog, EmptyState, ErrorState, LoadingState, SelectField, TextField, Time, useToast } from "../../ui";
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from "./queries";
import { ROLE_HELP, ROLES, roleLabel } from "./roles";

const EXPIRIES = [
  { value: "", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  revokedAt?: string | null;
  createdBy?: { name: string; email: string } | null;
}

function keyState(key: KeyRow, now: number): { label: string; tone: "success" | "danger" | "warning" } {
  if (key.revokedAt) return { label: "Revoked", tone: "danger" };
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return { label: "Expired", tone: "warning" };
  return { label: "Active", tone: "success" };
}

function CreateKeyDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("EDITOR");
  const [expiry, setExpiry] = useState("");
  const [errors, setErrors] = useState<{ name?: string; form?: string }>({});
  const [secret, setSecret] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(CreateApiKeyMutation);

  function close() {
    // The secret is forgotten here: it cannot be shown again.
    setSecret(null);
    setName("");
    setErrors({});
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setErrors({ name: "Name the key (e.g. the machine or job using it)." });
    const expiresAt = expiry ? new Date(Date.now() + Number(expiry) * 86_400_000).toISOString() : null;
    const result = await create({ input: { name: name.trim(), role, expiresAt } }, { additionalTypenames: ["ApiKey"] });
    if (result.error) {
      const field = errorDetails(result.error).field;
      setErrors(field === "name" ? { name: errorMessage(result.error) } : { form: errorCode(result.error) === "FORBIDDEN" ? "Creating API keys needs the Admin role." : errorMessage(result.error) });
    } else if (result.data) {
      setSecret(result.data.createApiKey.secret);
    }
  }

  if (secret !== null) {
    return (
      <Dialog open={open} title="API key created" onClose={close} footer={<Button variant="primary" onClick={close}>Done</Button>}>
        <div className="alert alert-warning">Copy this key now. It is shown only once: OPEN keeps only a hash of it.</div>
        <div className="secret">
          <code aria-label="API key secret">{secret}</code>
          <CopyButton text={secret} />
        </div>
        <p className="muted">
          Send it as <code>Authorization: Bearer &lt;key&gt;</code>, or use it with <code>openctl --api-key</code>.
        </p>
      </Dialog>
    );
  }
  return (
    <Dialog
      open={open}
      title="Create an API key"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button variant="primary" type="submit" form="create-api-key" loading={fetching}>
            Create key
          </Button>
        </>
      }
    >
      {errors.form && (
        <div className="alert alert-error" role="alert">
          {errors.form}
        </div>
      )}
      <form id="create-api-key" onSubmit={submit} noValidate style={{ display: "flex", flexDirection: "column", gap: "var(--space-4)" }}>
        <TextField label="Name" autoFocus value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
        <SelectField label="Role" value={role} hint={ROLE_HELP[role]} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Expires" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRIES.map((x) => (
            <option key={x.value} value={x.value}>
              {x.label}
            </option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}

export default function ApiKeysPage() {
  const toast = useToast();
  const context = useMemo(() => ({ additionalTypenames: ["ApiKey"] }), []); // refetched after a creation, even from empty
  const [{ data, error }, reexecute] = useQuery({ query: ApiKeysQuery, context });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [revocation, revoke] = useMutation(RevokeApiKeyMutation);
  const now = Date.now();

  async function confirmRevoke() {
    if (!revoking) return;
    const result = await revoke({ id: revoking.id });
    if (result.error) toast.show(errorMessage(result.error), "error");
    else toast.show(`API key “${revoking.name}” revoked`);
    setRevoking(null);
  }

  let body;
  if (error && !data) {
    body =
      errorCode(error) === "FORBIDDEN" ? (
        <ErrorState title="Not allowed" message="Managing API keys needs the Admin role in this organization." />
      ) : (
        <ErrorState message={errorMessage(error)} onRetry={() => reexecute({ requestPolicy: "network-only" })} />
      );
  } else if (!data) body = <LoadingState label="Loading API keys…" />;
  else if (data.apiKeys.length === 0)
    body = <EmptyState title="No API keys" description="Create a key for the CLI, the SDK or CI jobs." action={<Button variant="primary" onClick={() => setCreating(true)}>Create API key</Button>} />;
  else
    body = (
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Role</th>
            <th>State</th>
            <th>Last used</th>
            <th>Created</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.apiKeys.map((key) => {
            const state = keyState(key, now);
            return (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{roleLabel(key.role)}</td>
                <td>
                  <Badge tone={state.tone}>{state.label}</Badge>
                  {key.expiresAt && !key.revokedAt && (
                    <span className="muted">
                      {" "}
                      expires <Time value={key.expiresAt} />
                    </span>
                  )}
                </td>
                <td>{key.lastUsedAt ? <Time value={key.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                <td>
                  <Time value={key.createdAt} /> <span className="muted">{key.createdBy ? `by ${key.createdBy.name || key.createdBy.email}` : ""}</span>
                </td>
                <td>
                  {!key.revokedAt && (
                    <Button size="sm" variant="danger" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>API keys</h1>
          <p>Credentials for machines: each acts in this organization with one role.</p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create API key
        </Button>
      </div>
      <div className="card">{body}</div>
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
      <Dialog
        open={revoking !== null}
        title="Revoke this API key?"
        onClose={() => setRevoking(null)}
        footer={
          <>
            <Button onClick={() => setRevoking(null)}>Cancel</Button>
            <Button variant="danger" onClick={confirmRevoke} loading={revocation.fetching}>
              Revoke
            </Button>
          </>
        }
      >
        <p>
          “{revoking?.name}” stops working at once, for every client using it. This cannot be undone.
        </p>
      </Dialog>
    </div>
  );
}
