// Sign in with email and password, or with a configured provider.
import { type FormEvent, useState } from "react";
import { Link, Navigate, useSearchParams } from "react-router";

import { useSession } from "../../api/SessionProvider";
import { Button, TextField } from "../../ui";
import { AuthCard, nextPath } from "./AuthForm";
import { OAuthButtons } from "./OAuthButtons";
import { type FieldErrors, oauthErrorMessage, serverErrors, type SignInValues, validateSignIn } from "./validation";

export default function SignInPage() {
  const session = useSession();
  const [search] = useSearchParams();
  const [values, setValues] = useState<SignInValues>({ email: "", password: "" });
  const [errors, setErrors] = useState<FieldErrors<keyof SignInValues>>(() => {
    const reason = search.get("auth_error");
    return reason ? { form: oauthErrorMessage(reason) } : {};
  });
  const [busy, setBusy] = useState(false);

  if (session.status.kind === "signedIn") return <Navigate to={nextPath(search)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateSignIn(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const error = await session.signIn(values.email.trim(), values.password);
    setBusy(false);
    if (error) setErrors(serverErrors(error, ["email", "password"] as const));
  }

  const expired = session.status.kind === "signedOut" && session.status.expired;
  return (
    <AuthCard title="Sign in">
      {expired && !errors.form && <div className="alert alert-warning">Your session has ended. Sign in again.</div>}
      {errors.form && (
        <div className="alert alert-error" role="alert">
          {errors.form}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <TextField label="Email" type="email" autoComplete="email" autoFocus value={values.email} error={errors.email} onChange={(e) => setValues({ ...values, email: e.target.value })} />
        <TextField label="Password" type="password" autoComplete="current-password" value={values.password} error={errors.password} onChange={(e) => setValues({ ...values, password: e.target.value })} />
        <Button type="submit" variant="primary" block loading={busy}>
          Sign in
        </Button>
      </form>
      <OAuthButtons />
      <p className="auth-switch">
        No account yet? <Link to={`/signup${search.size ? `?${search.toString()}` : ""}`}>Create one</Link>
      </p>
    </AuthCard>
  );
}
