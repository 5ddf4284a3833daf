// Undo/redo over immutable snapshots: a past stack, the present, and a future stack.

/** Snapshots before, at and after the present; the newest past entry is last. */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

/** Most snapshots kept in `past`; older ones are dropped. */
export const HISTORY_LIMIT = 200;

/** A history whose present is `initial`, with nothing to undo or redo. */
export function createHistory<T>(initial: T): History<T> {
  return { past: [], present: initial, future: [] };
}

/** Make `next` the present; the old present becomes undoable and the redo stack is cleared. */
export function push<T>(history: History<T>, next: T): History<T> {
  if (Object.is(next, history.present)) return history;
  const past = [...history.past, history.present];
  return { past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past, present: next, future: [] };
}

/** Replace the present without recording a step (e.g. a node being dragged). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return { ...history, present: next };
}

/** Step back once; unchanged when there is nothing to undo. */
export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

/** Step forward once; unchanged when there is nothing to redo. */
export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
