// Reading GraphQL errors: their code and a sentence for the user.
import type { CombinedError } from "urql";

/** The extensions.code values the API uses (docs/schema.graphql, open_backend.errors). */
export type ErrorCode =
  | "VALIDATION_FAILED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "INTERNAL";

/** The first GraphQL error's code, "NETWORK" for a network failure, else null. */
export function errorCode(error: CombinedError | undefined | null): ErrorCode | "NETWORK" | null {
  if (!error) return null;
  if (error.networkError) return "NETWORK";
  const code = error.graphQLErrors[0]?.extensions?.code;
  return typeof code === "string" ? (code as ErrorCode) : null;
}

/** The first GraphQL error's extensions.details (field, issues, retry_after...), or {}. */
export function errorDetails(error: CombinedError | undefined | null): Record<string, unknown> {
  const details = error?.graphQLErrors[0]?.extensions?.details;
  return details && typeof details === "object" ? (details as Record<string, unknown>) : {};
}

/** A message for the user: the server's own message, or what a network failure means. */
export function errorMessage(error: CombinedError | undefined | null): string {
  if (!error) return "";
  if (error.networkError) return "The server cannot be reached. Check your connection and try again.";
  return error.graphQLErrors.map((e) => e.message).join(" ") || error.message;
}
