// The heavy screens, loaded on demand so the entry chunk holds only the shell: every screen that
// draws a graph (React Flow; elkjs is loaded by graph/layout.ts on the first layout) is its own
// chunk. The editor, run dialog and monitor are found with import.meta.glob, so a screen that
// does not exist yet shows "not available" instead of breaking the build.
import { type ComponentType, createElement, lazy } from "react";

import { EmptyState } from "../ui";

type Module = Record<string, unknown>;

const modules = import.meta.glob<Module>([
  "../features/editor/EditorPage.tsx",
  "../features/monitor/MonitorPage.tsx",
  "../features/run/RunDialog.tsx",
]);

function Unavailable() {
  return createElement(EmptyState, { title: "Not available", description: "This screen is not part of this build yet." });
}

/**
 * A lazily loaded component from `path` (relative to this file): its `name` export, else its
 * default export; a placeholder when the file does not exist.
 */
export function lazyComponent<P extends object>(path: string, name = "default"): ComponentType<P> {
  const load = modules[path];
  if (!load) return Unavailable as ComponentType<P>;
  return lazy(async () => {
    const module = await load();
    const component = (module[name] ?? module.default) as ComponentType<P> | undefined;
    return { default: component ?? (Unavailable as ComponentType<P>) };
  });
}

/** Whether the file at `path` is part of the build. */
export function isAvailable(path: string): boolean {
  return path in modules;
}

/** The DAG page (versions, graph, diff): it draws graphs, so it is loaded when first visited. */
export const DagPage = lazy(() => import("../features/dags/DagPage"));
export const EditorPage = lazyComponent<object>("../features/editor/EditorPage.tsx");
export const MonitorPage = lazyComponent<object>("../features/monitor/MonitorPage.tsx");

export interface RunDialogProps {
  dagId: string;
  versionNumber?: number;
  open: boolean;
  onClose(): void;
}
export const RunDialog = lazyComponent<RunDialogProps>("../features/run/RunDialog.tsx", "RunDialog");
