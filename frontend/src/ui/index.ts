// The shared UI components (FE1 owns this folder; others may add new files).
import "./theme.css";
import "./ui.css";

export { Badge, StatusBadge, statusLabel, type Tone } from "./Badge";
export { Button, type ButtonProps } from "./Button";
export { CopyButton } from "./CopyButton";
export { Dialog, type DialogProps } from "./Dialog";
export { SelectField, TextField } from "./Field";
export { formatDateTime, formatDuration, formatRelative } from "./format";
export { LoadingState, Spinner } from "./Spinner";
export { EmptyState, ErrorState } from "./States";
export { Time } from "./Time";
export { ToastProvider, useToast } from "./Toast";
