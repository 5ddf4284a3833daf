// The visual DAG editor: palette, canvas (React Flow), inspector, problems panel and toolbar.
import "@xyflow/react/dist/style.css";
import "../../graph/graph.css";
import "./editor.css";

import {
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";

import type { DagDefinition, NodeDef } from "../../graph/definition";
import { type DagFlowEdge, definitionToFlow } from "../../graph/flow";
import { layoutDag, NODE_HEIGHT, NODE_WIDTH, type Positions } from "../../graph/layout";
import { nodeTypes, type TaskFlowNode } from "../../graph/TaskNode";
import type { EditorTaskTypesQuery } from "../../gql/graphql";
import { Button } from "../../ui";
import { definitionKey, editorReducer, type EditorState, initialEditorState, isDirty, type Snapshot } from "./lib/editorState";
import { addNode, connect, connectionProblem, removeEdge, removeNodes, uniqueNodeId } from "./lib/graphEdit";
import { downloadDefinition, readDefinitionFile } from "./lib/io";
import { initialConfig, schemaFields } from "./lib/schemaForm";
import { Inspector } from "./Inspector";
import { Palette, PALETTE_MIME } from "./Palette";
import { ProblemsPanel } from "./ProblemsPanel";
import { SaveDialog, type SaveTarget } from "./SaveDialog";
import { UnsavedChangesGuard } from "./UnsavedChangesGuard";
import { useValidation } from "./useValidation";

export type TaskType = EditorTaskTypesQuery["taskTypes"][number];

export interface EditorProps {
  /** The definition to start from and whether it is already saved (an existing version). */
  initial: Snapshot;
  initialSaved: boolean;
  taskTypes: TaskType[];
  /** Where saving goes: a new DAG, or a new version of an existing one. */
  target: SaveTarget;
  /** Called after a successful save. */
  onSaved(result: { dagId: string; version: number; positions: Positions }): void;
  /** Shown next to the title, e.g. "v3" or "new DAG". */
  subtitle: string;
  /** Extra toolbar content (e.g. a Run button), shown when nothing is unsaved. */
  savedActions?: React.ReactNode;
}

/** The editor; state lives in one reducer (lib/editorState.ts). */
export function Editor(props: EditorProps) {
  return (
    <ReactFlowProvider>
      <EditorInner {...props} />
    </ReactFlowProvider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

function EditorInner({ initial, initialSaved, taskTypes, target, onSaved, subtitle, savedActions }: EditorProps) {
  const [state, dispatch] = useReducer(editorReducer, undefined, () => initialEditorState(initial, initialSaved));
  const { definition, positions } = state.history.present;
  const flow = useReactFlow<TaskFlowNode, DagFlowEdge>();
  const canvas = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [saveOpen, setSaveOpen] = useState(false);
  const validation = useValidation(definition);

  // The latest state, for callbacks that must not go stale (keyboard, blocker, drag).
  const latest = useRef<EditorState>(state);
  latest.current = state;
  const dirty = isDirty(state);
  const isDirtyNow = useCallback(() => isDirty(latest.current), []);

  const edit = useCallback(
    (definitionNext: DagDefinition, positionsNext?: Positions, selection?: EditorState["selection"]) => {
      const present = latest.current.history.present;
      dispatch({
        type: "edit",
        snapshot: { definition: definitionNext, positions: positionsNext ?? present.positions },
        ...(selection === undefined ? {} : { selection }),
      });
    },
    [],
  );

  const problemsByNode = useMemo(() => {
    const out: Record<string, string[]> = {};
    if (validation.status !== "done") return out;
    for (const issue of validation.issues) {
      if (issue.nodeId === null || issue.nodeId === undefined) continue;
      (out[issue.nodeId] ??= []).push(issue.message);
    }
    return out;
  }, [validation]);

  const selectedNodeId = state.selection?.kind === "node" ? state.selection.id : null;
  const selectedEdgeId = state.selection?.kind === "edge" ? state.selection.id : null;
  const { nodes, edges } = useMemo(() => {
    const drawn = definitionToFlow(definition, positions, {
      problems: problemsByNode,
      connectable: true,
      selectedNodeId,
    });
    return { nodes: drawn.nodes, edges: drawn.edges.map((edge) => ({ ...edge, selected: edge.id === selectedEdgeId })) };
  }, [definition, positions, problemsByNode, selectedNodeId, selectedEdgeId]);
  const edgesRef = useRef(edges);
  edgesRef.current = edges;

  // ---- adding, connecting, deleting -------------------------------------------------------

  const addTask = useCallback(
    (taskType: TaskType, at?: { x: number; y: number }) => {
      const present = latest.current.history.present;
      const id = uniqueNodeId(present.definition, taskType.name);
      const node: NodeDef = {
        id,
        task: { type: taskType.name, config: initialConfig(schemaFields(taskType.configSchema)) },
      };
      let position = at;
      if (position === undefined) {
        const box = canvas.current?.getBoundingClientRect();
        const center = box
          ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
          : { x: 0, y: 0 };
        const offset = (present.definition.nodes.length % 6) * 24;
        position = { x: center.x - NODE_WIDTH / 2 + offset, y: center.y - NODE_HEIGHT / 2 + offset };
      }
      edit(addNode(present.definition, node), { ...present.positions, [id]: position }, { kind: "node", id });
    },
    [edit, flow],
  );

  const onDrop = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      const name = event.dataTransfer.getData(PALETTE_MIME);
      const taskType = taskTypes.find((candidate) => candidate.name === name);
      if (taskType === undefined) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addTask(taskType, { x: point.x - NODE_WIDTH / 2, y: point.y - NODE_HEIGHT / 2 });
    },
    [addTask, flow, taskTypes],
  );

  const isValidConnection = useCallback(
    (connection: Connection | DagFlowEdge) =>
      connectionProblem(latest.current.history.present.definition, connection.source, connection.target) === null,
    [],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const result = connect(latest.current.history.present.definition, connection.source, connection.target);
      if ("error" in result) dispatch({ type: "refuse", message: result.error });
      else edit(result.ok);
    },
    [edit],
  );

  const onConnectEnd = useCallback((_event: MouseEvent | TouchEvent, connection: FinalConnectionState) => {
    // A drop on a handle that isValidConnection refused: say why.
    if (connection.isValid === false && connection.fromNode !== null && connection.toNode !== null) {
      const [source, target] =
        connection.fromHandle?.type === "target"
          ? [connection.toNode.id, connection.fromNode.id]
          : [connection.fromNode.id, connection.toNode.id];
      const problem = connectionProblem(latest.current.history.present.definition, source, target);
      if (problem !== null) dispatch({ type: "refuse", message: problem });
    }
  }, []);

  const deleteSelection = useCallback(
    (nodeIds: string[], edgeIds: string[]) => {
      let next = latest.current.history.present.definition;
      if (nodeIds.length > 0) next = removeNodes(next, nodeIds);
      for (const edgeId of edgeIds) {
        const edge = edgesRef.current.find((candidate) => candidate.id === edgeId);
        if (edge?.data !== undefined) next = removeEdge(next, edge.source, edge.target, edge.data.kind);
      }
      if (next !== latest.current.history.present.definition) edit(next, undefined, null);
    },
    [edit],
  );

  // ---- React Flow changes ----------------------------------------------------------------

  const dragStart = useRef<Positions | null>(null);
  const onNodesChange = useCallback((changes: NodeChange<TaskFlowNode>[]) => {
    let moved: Positions | null = null;
    for (const change of changes) {
      if (change.type === "position" && change.position !== undefined) {
        moved ??= { ...latest.current.history.present.positions };
        moved[change.id] = change.position;
      } else if (change.type === "select" && change.selected) {
        dispatch({ type: "select", selection: { kind: "node", id: change.id } });
      }
    }
    if (moved !== null) dispatch({ type: "move", positions: moved });
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<DagFlowEdge>[]) => {
    for (const change of changes) {
      if (change.type === "select" && change.selected) {
        dispatch({ type: "select", selection: { kind: "edge", id: change.id } });
      }
    }
  }, []);

  // ---- layout, undo/redo, import/export ---------------------------------------------------

  const autoLayout = useCallback(async () => {
    const present = latest.current.history.present;
    const laidOut = await layoutDag(present.definition);
    dispatch({ type: "edit", snapshot: { definition: present.definition, positions: laidOut } });
    window.requestAnimationFrame(() => void flow.fitView({ padding: 0.2 }));
  }, [flow]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTyping(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === "z") {
        event.preventDefault();
        dispatch({ type: event.shiftKey ? "redo" : "undo" });
      } else if (mod && event.key.toLowerCase() === "y") {
        event.preventDefault();
        dispatch({ type: "redo" });
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  const [importError, setImportError] = useState<string | null>(null);
  const onImport = useCallback(
    async (file: File) => {
      const result = readDefinitionFile(await file.text());
      if ("error" in result) {
        setImportError(`${file.name}: ${result.error}`);
        return;
      }
      setImportError(null);
      const laidOut = await layoutDag(result.ok);
      edit(result.ok, laidOut, null);
      window.requestAnimationFrame(() => void flow.fitView({ padding: 0.2 }));
    },
    [edit, flow],
  );

  const selectedNode = definition.nodes.find((node) => node.id === selectedNodeId) ?? null;
  const selectedEdge = edges.find((edge) => edge.id === selectedEdgeId) ?? null;
  const focusNode = useCallback(
    (id: string) => {
      dispatch({ type: "select", selection: { kind: "node", id } });
      const position = latest.current.history.present.positions[id];
      if (position !== undefined) {
        void flow.setCenter(position.x + NODE_WIDTH / 2, position.y + NODE_HEIGHT / 2, { zoom: 1, duration: 200 });
      }
    },
    [flow],
  );

  const valid = validation.status === "done" && validation.valid;

  return (
    <div className="editor" data-testid="editor">
      <UnsavedChangesGuard isDirty={isDirtyNow} />
      <header className="editor-toolbar" role="toolbar" aria-label="Editor">
        <div className="editor-toolbar__title">
          <label className="visually-hidden" htmlFor="editor-dag-name">
            DAG name
          </label>
          <input
            id="editor-dag-name"
            className="input editor-toolbar__name"
            data-testid="dag-name-input"
            value={definition.name}
            onChange={(event) => edit({ ...definition, name: event.target.value })}
          />
          <span className="editor-muted">{subtitle}</span>
          {dirty && (
            <span className="editor-unsaved" data-testid="unsaved-indicator">
              ● unsaved
            </span>
          )}
        </div>
        <div className="editor-toolbar__actions">
          <Button
            size="sm"
            variant="ghost"
            onClick={() => dispatch({ type: "undo" })}
            disabled={state.history.past.length === 0}
            aria-keyshortcuts="Control+Z"
            title="Undo (Ctrl+Z)"
          >
            Undo
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => dispatch({ type: "redo" })}
            disabled={state.history.future.length === 0}
            aria-keyshortcuts="Control+Shift+Z"
            title="Redo (Ctrl+Shift+Z)"
          >
            Redo
          </Button>
          <Button size="sm" onClick={() => void autoLayout()} disabled={definition.nodes.length === 0}>
            Auto-layout
          </Button>
          <Button size="sm" onClick={() => fileInput.current?.click()}>
            Import JSON
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            data-testid="import-file-input"
            aria-label="Import definition file"
            tabIndex={-1}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file !== undefined) void onImport(file);
            }}
          />
          <Button size="sm" onClick={() => downloadDefinition(definition)}>
            Export JSON
          </Button>
          {!dirty && savedActions}
          <Button
            size="sm"
            variant="primary"
            data-testid="save-button"
            onClick={() => setSaveOpen(true)}
            disabled={!dirty && target.kind === "existing"}
          >
            Save version…
          </Button>
        </div>
      </header>
      {importError !== null && (
        <div className="editor-banner editor-banner--error" role="alert" data-testid="import-error">
          {importError}
          <button type="button" className="editor-banner__close" aria-label="Dismiss" onClick={() => setImportError(null)}>
            ✕
          </button>
        </div>
      )}
      {state.notice !== null && (
        <div className="editor-banner editor-banner--warning" role="alert" data-testid="editor-notice">
          {state.notice}
          <button
            type="button"
            className="editor-banner__close"
            aria-label="Dismiss"
            onClick={() => dispatch({ type: "dismissNotice" })}
          >
            ✕
          </button>
        </div>
      )}
      <div className="editor-body">
        <Palette taskTypes={taskTypes} onAdd={(taskType) => addTask(taskType)} />
        <div
          className="editor-canvas"
          ref={canvas}
          data-testid="editor-canvas"
          onDragOver={(event) => {
            if (event.dataTransfer.types.includes(PALETTE_MIME)) {
              event.preventDefault();
              event.dataTransfer.dropEffect = "copy";
            }
          }}
          onDrop={onDrop}
        >
          {definition.nodes.length === 0 && (
            <div className="editor-canvas__empty">
              Drag a task type from the palette (or click it) to add your first node.
            </div>
          )}
          <ReactFlow<TaskFlowNode, DagFlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onNodeDragStart={() => {
              dragStart.current = latest.current.history.present.positions;
            }}
            onNodeDragStop={() => {
              if (dragStart.current !== null) dispatch({ type: "commitMove", before: dragStart.current });
              dragStart.current = null;
            }}
            onDelete={({ nodes: gone, edges: goneEdges }) =>
              deleteSelection(
                gone.map((node) => node.id),
                goneEdges.map((edge) => edge.id),
              )
            }
            onPaneClick={() => dispatch({ type: "select", selection: null })}
            deleteKeyCode={["Delete", "Backspace"]}
            multiSelectionKeyCode={null}
            fitView
            minZoom={0.1}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        <Inspector
          key={selectedNode?.id ?? selectedEdge?.id ?? "dag"}
          definition={definition}
          node={selectedNode}
          edge={selectedEdge}
          taskTypes={taskTypes}
          issues={validation.status === "done" ? validation.issues : []}
          onChange={(next, selection) => edit(next, undefined, selection)}
          onRename={(next, from, to) => {
            const present = latest.current.history.present.positions;
            const moved: Positions = { ...present };
            if (present[from] !== undefined) {
              moved[to] = present[from];
              delete moved[from];
            }
            edit(next, moved, { kind: "node", id: to });
          }}
          onDelete={deleteSelection}
        />
      </div>
      <ProblemsPanel validation={validation} onSelectNode={focusNode} />
      <SaveDialog
        open={saveOpen}
        onClose={() => setSaveOpen(false)}
        definition={definition}
        target={target}
        valid={valid}
        onSaved={(result) => {
          dispatch({ type: "saved", definition });
          // Not dirty from now on, even before the next render (the blocker reads this).
          latest.current = { ...latest.current, saved: definitionKey(latest.current.history.present.definition) };
          setSaveOpen(false);
          onSaved({ ...result, positions });
        }}
      />
    </div>
  );
}
