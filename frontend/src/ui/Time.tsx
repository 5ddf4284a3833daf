// A timestamp shown relative ("5 min ago") with the exact date as its title.
import { formatDateTime, formatRelative } from "./format";

export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value)}
    </time>
  );
}
