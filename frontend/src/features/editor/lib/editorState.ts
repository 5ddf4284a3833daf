// The editor's state and its reducer: an undo/redo history of (definition, positions)
// snapshots, the selection, a notice for refused edits, and what was last saved.
import { canonicalDefinition, type DagDefinition } from "../../../graph/definition";
import type { Positions } from "../../../graph/layout";
import { createHistory, type History, push, redo, replace, undo } from "./history";

/** One undoable state: the definition and where its nodes are drawn. */
export interface Snapshot {
  definition: DagDefinition;
  positions: Positions;
}

export type Selection = { kind: "node"; id: string } | { kind: "edge"; id: string } | null;

export interface EditorState {
  history: History<Snapshot>;
  selection: Selection;
  /** Why the last edit was refused (e.g. a cycle), shown until the next edit. */
  notice: string | null;
  /** Canonical JSON of the definition last loaded or saved, to tell unsaved changes. */
  saved: string;
}

export type EditorAction =
  /** Record an edit; `selection` replaces the selection when given. */
  | { type: "edit"; snapshot: Snapshot; selection?: Selection }
  /** Refuse an edit with a message. */
  | { type: "refuse"; message: string }
  /** Move nodes without recording a step (while dragging). */
  | { type: "move"; positions: Positions }
  /** Record the positions reached by a drag as one step. */
  | { type: "commitMove"; before: Positions }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "select"; selection: Selection }
  | { type: "dismissNotice" }
  /** Start over from a loaded definition (nothing to undo, nothing unsaved). */
  | { type: "load"; snapshot: Snapshot }
  /** The present definition was saved. */
  | { type: "saved"; definition: DagDefinition };

/** Canonical JSON text of a definition (what saving compares). */
export function definitionKey(definition: DagDefinition): string {
  return JSON.stringify(canonicalDefinition(definition));
}

/** A fresh state showing `snapshot`. `saved` says whether it is already saved (a loaded version). */
export function initialEditorState(snapshot: Snapshot, saved: boolean): EditorState {
  return {
    history: createHistory(snapshot),
    selection: null,
    notice: null,
    saved: saved ? definitionKey(snapshot.definition) : "",
  };
}

function selectionExists(selection: Selection, snapshot: Snapshot): Selection {
  if (selection?.kind === "node" && !snapshot.definition.nodes.some((node) => node.id === selection.id)) return null;
  return selection;
}

/** The editor's reducer (pure). */
export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "edit":
      return {
        ...state,
        history: push(state.history, action.snapshot),
        selection: action.selection === undefined ? selectionExists(state.selection, action.snapshot) : action.selection,
        notice: null,
      };
    case "refuse":
      return { ...state, notice: action.message };
    case "move":
      return { ...state, history: replace(state.history, { ...state.history.present, positions: action.positions }) };
    case "commitMove": {
      const moved = state.history.present;
      const before = { ...moved, positions: action.before };
      return { ...state, history: push(replace(state.history, before), moved) };
    }
    case "undo": {
      const history = undo(state.history);
      return { ...state, history, selection: selectionExists(state.selection, history.present), notice: null };
    }
    case "redo": {
      const history = redo(state.history);
      return { ...state, history, selection: selectionExists(state.selection, history.present), notice: null };
    }
    case "select":
      return { ...state, selection: action.selection };
    case "dismissNotice":
      return { ...state, notice: null };
    case "load":
      return initialEditorState(action.snapshot, true);
    case "saved":
      return { ...state, saved: definitionKey(action.definition) };
  }
}

/** Whether the present definition differs from the last saved one. */
export function isDirty(state: EditorState): boolean {
  return definitionKey(state.history.present.definition) !== state.saved;
}
