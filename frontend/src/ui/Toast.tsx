// Short notices at the bottom right ("API key revoked"); errors stay until dismissed.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

type Kind = "info" | "error";
interface Toast {
  id: number;
  kind: Kind;
  message: string;
}

interface ToastApi {
  show(message: string, kind?: Kind): void;
}

const ToastContext = createContext<ToastApi>({ show: () => undefined });

/** Show a toast: `useToast().show("Saved")`. */
export function useToast(): ToastApi {
  return useContext(ToastContext);
}

let nextId = 1;

export function ToastProvider({ children, durationMs = 4000 }: { children: ReactNode; durationMs?: number }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const api = useMemo<ToastApi>(
    () => ({
      show(message, kind = "info") {
        const id = nextId++;
        setToasts((all) => [...all, { id, kind, message }]);
        if (kind === "info") setTimeout(() => dismiss(id), durationMs);
      },
    }),
    [dismiss, durationMs],
  );
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === "error" ? "alert" : "status"}>
            <span>{toast.message}</span>
            <button type="button" className="btn btn-ghost btn-sm" style={{ color: "inherit" }} aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ✕
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
