// What a region shows when it has nothing, or when loading it failed.
import type { ReactNode } from "react";

import { Button } from "./Button";

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  /** E.g. a "New DAG" button. */
  action?: ReactNode;
}

export function EmptyState({ title, description, action }: EmptyStateProps) {
  return (
    <div className="state">
      <div className="state-title">{title}</div>
      {description && <p>{description}</p>}
      {action}
    </div>
  );
}

export interface ErrorStateProps {
  title?: string;
  message: string;
  onRetry?(): void;
}

export function ErrorState({ title = "Something went wrong", message, onRetry }: ErrorStateProps) {
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">{title}</div>
      <p>{message}</p>
      {onRetry && <Button onClick={onRetry}>Try again</Button>}
    </div>
  );
}
