// Warns before leaving with unsaved changes: the browser's beforeunload prompt, and a
// confirmation for in-app navigation (react-router's blocker, when the router is a data router).
import { useContext, useEffect } from "react";
import { UNSAFE_DataRouterContext, useBlocker } from "react-router";

export interface UnsavedChangesGuardProps {
  /** Whether there are unsaved changes; read when a navigation starts. */
  isDirty(): boolean;
}

/** Render inside the editor; renders nothing itself unless a navigation is blocked. */
export function UnsavedChangesGuard({ isDirty }: UnsavedChangesGuardProps) {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!isDirty()) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [isDirty]);
  // useBlocker works only under a data router (createBrowserRouter); skip it otherwise.
  const dataRouter = useContext(UNSAFE_DataRouterContext);
  return dataRouter === null ? null : <NavigationBlocker isDirty={isDirty} />;
}

function NavigationBlocker({ isDirty }: UnsavedChangesGuardProps) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => currentLocation.pathname !== nextLocation.pathname && isDirty(),
  );
  if (blocker.state !== "blocked") return null;
  return (
    <div className="editor-modal-backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="unsaved-title"
        className="editor-modal"
        onKeyDown={(event) => {
          if (event.key === "Escape") blocker.reset();
        }}
      >
        <h2 id="unsaved-title">Leave without saving?</h2>
        <p>Your changes to this DAG are not saved as a version yet.</p>
        <div className="editor-modal__actions">
          <button type="button" autoFocus onClick={() => blocker.reset()}>
            Stay
          </button>
          <button type="button" className="editor-button--danger" onClick={() => blocker.proceed()}>
            Leave and discard
          </button>
        </div>
      </div>
    </div>
  );
}
