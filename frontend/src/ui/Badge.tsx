// Small status labels; `StatusBadge` colours DAG, execution and node statuses consistently.
import type { ReactNode } from "react";

export type Tone = "neutral" | "success" | "danger" | "warning" | "info" | "primary";

export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
  return <span className={tone === "neutral" ? "badge" : `badge badge-${tone}`}>{children}</span>;
}

const TONES: Record<string, Tone> = {
  ACTIVE: "success",
  DRAFT: "neutral",
  ARCHIVED: "warning",
  QUEUED: "neutral",
  PENDING: "neutral",
  RUNNING: "info",
  RETRYING: "warning",
  SUCCEEDED: "success",
  FAILED: "danger",
  UPSTREAM_FAILED: "danger",
  TIMED_OUT: "danger",
  CANCELLED: "warning",
  SKIPPED: "neutral",
  REVOKED: "danger",
  EXPIRED: "warning",
};

/** "SUCCEEDED" -> "Succeeded", "TIMED_OUT" -> "Timed out". */
export function statusLabel(status: string): string {
  const words = status.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{statusLabel(status)}</Badge>;
}
