// Create an account (and its personal organization) and sign in.
import { type FormEvent, useState } from "react";
import { Link, Navigate, useSearchParams } from "react-router";

import { useSession } from "../../api/SessionProvider";
import { Button, TextField } from "../../ui";
import { AuthCard, nextPath } from "./AuthForm";
import { OAuthButtons } from "./OAuthButtons";
import { type FieldErrors, PASSWORD_MIN, serverErrors, type SignUpValues, validateSignUp } from "./validation";

export default function SignUpPage() {
  const session = useSession();
  const [search] = useSearchParams();
  const [values, setValues] = useState<SignUpValues>({ name: "", email: "", password: "", confirm: "" });
  const [errors, setErrors] = useState<FieldErrors<keyof SignUpValues>>({});
  const [busy, setBusy] = useState(false);

  if (session.status.kind === "signedIn") return <Navigate to={nextPath(search)} replace />;

  const set = (field: keyof SignUpValues) => (e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [field]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateSignUp(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const error = await session.signUp(values.name.trim(), values.email.trim(), values.password);
    setBusy(false);
    if (error) setErrors(serverErrors(error, ["name", "email", "password"] as const));
  }

  return (
    <AuthCard title="Create your account">
      {errors.form && (
        <div className="alert alert-error" role="alert">
          {errors.form}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <TextField label="Name" autoComplete="name" autoFocus value={values.name} error={errors.name} onChange={set("name")} />
        <TextField label="Email" type="email" autoComplete="email" value={values.email} error={errors.email} onChange={set("email")} />
        <TextField label="Password" type="password" autoComplete="new-password" hint={`At least ${PASSWORD_MIN} characters.`} value={values.password} error={errors.password} onChange={set("password")} />
        <TextField label="Confirm password" type="password" autoComplete="new-password" value={values.confirm} error={errors.confirm} onChange={set("confirm")} />
        <Button type="submit" variant="primary" block loading={busy}>
          Create account
        </Button>
      </form>
      <OAuthButtons />
      <p className="auth-switch">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthCard>
  );
}
