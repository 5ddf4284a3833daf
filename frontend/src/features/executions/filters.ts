// The executions page's filters, read from and written to the URL.
import type { ExecutionStatus } from "../../gql/graphql";

export const STATUSES: ExecutionStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"];

/** Time windows of the "Created" filter, by URL value, in milliseconds back from now. */
export const WINDOWS: { value: string; label: string; ms: number }[] = [
  { value: "1h", label: "Last hour", ms: 3_600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { value: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
];

export interface ExecutionFilters {
  dagId: string | null;
  status: ExecutionStatus | null;
  /** A WINDOWS value, or null for any time. */
  window: string | null;
}

export function readFilters(params: URLSearchParams): ExecutionFilters {
  const status = params.get("status");
  const window = params.get("window");
  return {
    dagId: params.get("dag") || null,
    status: STATUSES.includes(status as ExecutionStatus) ? (status as ExecutionStatus) : null,
    window: WINDOWS.some((w) => w.value === window) ? window : null,
  };
}

/** The query's createdAfter for a window, from `now` (epoch ms), rounded down to the minute so the variables stay stable. */
export function createdAfter(window: string | null, now: number): string | null {
  const found = WINDOWS.find((w) => w.value === window);
  if (!found) return null;
  return new Date(Math.floor((now - found.ms) / 60_000) * 60_000).toISOString();
}
