// Checks of the sign-in and sign-up forms before anything is sent, and the server's refusals
// turned into messages by field.
import type { CombinedError } from "urql";

import { errorCode, errorDetails, errorMessage } from "../../api/errors";

/** The server's bounds of a password (SignUpInput.password). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 1024;

export type FieldErrors<K extends string> = Partial<Record<K | "form", string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface SignInValues {
  email: string;
  password: string;
}

export interface SignUpValues extends SignInValues {
  name: string;
  confirm: string;
}

export function validateSignIn(values: SignInValues): FieldErrors<keyof SignInValues> {
  const errors: FieldErrors<keyof SignInValues> = {};
  if (!values.email.trim()) errors.email = "Enter your email address.";
  else if (!EMAIL.test(values.email.trim())) errors.email = "This is not a valid email address.";
  if (!values.password) errors.password = "Enter your password.";
  return errors;
}

export function validateSignUp(values: SignUpValues): FieldErrors<keyof SignUpValues> {
  const errors: FieldErrors<keyof SignUpValues> = { ...validateSignIn(values) };
  if (!values.name.trim()) errors.name = "Enter your name.";
  if (values.password && values.password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters.`;
  else if (values.password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters.`;
  if (!errors.password && values.confirm !== values.password) errors.confirm = "The passwords do not match.";
  return errors;
}

/** The server's refusal of a sign-in or sign-up, as messages by field (or for the whole form). */
export function serverErrors<K extends string>(error: CombinedError, fields: readonly K[]): FieldErrors<K> {
  const code = errorCode(error);
  const details = errorDetails(error);
  switch (code) {
    case "UNAUTHENTICATED":
      return { form: "Wrong email or password." } as FieldErrors<K>;
    case "RATE_LIMITED": {
      const wait = Number(details.retry_after);
      const when = Number.isFinite(wait) && wait > 0 ? `in ${Math.ceil(wait)} s` : "later";
      return { form: `Too many attempts. Try again ${when}.` } as FieldErrors<K>;
    }
    case "CONFLICT":
      return (fields as readonly string[]).includes("email")
        ? ({ email: "An account with this email already exists. Sign in instead." } as FieldErrors<K>)
        : ({ form: errorMessage(error) } as FieldErrors<K>);
    case "VALIDATION_FAILED": {
      const field = typeof details.field === "string" ? details.field : null;
      if (field && (fields as readonly string[]).includes(field)) return { [field]: errorMessage(error) } as FieldErrors<K>;
      return { form: errorMessage(error) } as FieldErrors<K>;
    }
    default:
      return { form: errorMessage(error) } as FieldErrors<K>;
  }
}

/** What `?auth_error=<reason>` (an OAuth sign-in refused, see oidc_routes.py) means. */
export function oauthErrorMessage(reason: string): string {
  const messages: Record<string, string> = {
    account_exists: "An account with this email already exists: sign in with your password.",
    email_not_verified: "The provider has not verified your email address.",
    invalid_state: "The sign-in took too long or was started elsewhere. Try again.",
    provider_unavailable: "The sign-in provider cannot be reached. Try again later.",
    invalid_profile: "The provider's profile could not be used for an account.",
  };
  return messages[reason] ?? "The sign-in with the provider failed. Try again.";
}
