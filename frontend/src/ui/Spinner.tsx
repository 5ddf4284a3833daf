// Progress indicators: an inline spinner and a whole-region loading state.

export function Spinner({ large = false, label }: { large?: boolean; label?: string }) {
  return <span className={large ? "spinner spinner-lg" : "spinner"} role={label ? "status" : undefined} aria-label={label} aria-hidden={label ? undefined : true} />;
}

/** A region still loading: a spinner and what is loading ("Loading DAGs…"). */
export function LoadingState({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <Spinner large />
      <span>{label}</span>
    </div>
  );
}
