// The right-hand panel: the selected node's id, config, params, retries and timeout; the
// selected edge; or, with nothing selected, the DAG's name, description and run parameters.
import { useState } from "react";

import { type DagDefinition, type Json, type NodeDef, nodeIdProblem, type RunParamDef } from "../../graph/definition";
import type { DagFlowEdge } from "../../graph/flow";
import { Button, TextField } from "../../ui";
import type { TaskType } from "./Editor";
import { renameNode, setEdgeParam, updateNode } from "./lib/graphEdit";
import type { FieldSpec } from "./lib/schemaForm";
import { schemaFields } from "./lib/schemaForm";
import { DraftInput, SchemaForm } from "./SchemaForm";
import type { ValidationIssue } from "./useValidation";

export interface InspectorProps {
  definition: DagDefinition;
  node: NodeDef | null;
  edge: DagFlowEdge | null;
  taskTypes: TaskType[];
  issues: ValidationIssue[];
  onChange(definition: DagDefinition, selection?: { kind: "node"; id: string } | null): void;
  onRename(definition: DagDefinition, from: string, to: string): void;
  onDelete(nodeIds: string[], edgeIds: string[]): void;
}

/** The node options every node has, as a schema for the form generator. */
const NODE_OPTIONS_SCHEMA = {
  type: "object",
  properties: {
    timeout: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 604800,
      description: "Seconds one attempt may run before it fails; empty: no limit.",
    },
    trigger: {
      enum: ["all_success", "none_failed", "all_done"],
      default: "all_success",
      description: "When the node runs given how its upstream nodes ended.",
    },
    retry: {
      type: "object",
      description: "When and how often a failed attempt is tried again.",
      properties: {
        max_attempts: {
          type: "integer",
          minimum: 1,
          maximum: 100,
          default: 1,
          description: "Total attempts including the first (1 = no retry).",
        },
        backoff_base: {
          type: "number",
          minimum: 0,
          maximum: 86400,
          default: 1,
          description: "Delay before the first retry, in seconds; it doubles each retry.",
        },
        backoff_cap: {
          type: "number",
          minimum: 0,
          maximum: 86400,
          default: 60,
          description: "Longest delay between retries, in seconds.",
        },
        jitter: {
          type: "number",
          minimum: 0,
          maximum: 1,
          default: 0,
          description: "Fraction by which each delay is randomly spread.",
        },
        retry_on: {
          type: "array",
          items: { type: "string" },
          description: "Exception class names to retry; empty: every exception.",
        },
      },
    },
  },
};
const NODE_OPTION_FIELDS: FieldSpec[] = schemaFields(NODE_OPTIONS_SCHEMA);

function issuesOf(issues: ValidationIssue[], nodeId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.nodeId !== nodeId || issue.field === null || issue.field === undefined) continue;
    const field = issue.field.replace(/^task\.config\./, "").replace(/^config\./, "");
    out[field] = issue.message;
  }
  return out;
}

export function Inspector(props: InspectorProps) {
  if (props.node !== null) return <NodeInspector {...props} node={props.node} />;
  if (props.edge !== null) return <EdgeInspector {...props} edge={props.edge} />;
  return <DagInspector {...props} />;
}

function NodeInspector({ definition, node, taskTypes, issues, onChange, onRename, onDelete }: InspectorProps & { node: NodeDef }) {
  const [idDraft, setIdDraft] = useState(node.id);
  const [idError, setIdError] = useState<string | null>(null);
  const taskType = "type" in node.task ? taskTypes.find((candidate) => candidate.name === (node.task as { type: string }).type) : undefined;
  const nodeIssues = issues.filter((issue) => issue.nodeId === node.id);
  const fieldIssues = issuesOf(issues, node.id);

  const commitId = () => {
    if (idDraft === node.id) return;
    const result = renameNode(definition, node.id, idDraft);
    if ("error" in result) setIdError(result.error);
    else {
      setIdError(null);
      onRename(result.ok, node.id, idDraft);
    }
  };
  const setNode = (update: (current: NodeDef) => NodeDef) => onChange(updateNode(definition, node.id, update));
  const options: Record<string, Json> = {};
  if (node.timeout !== undefined && node.timeout !== null) options.timeout = node.timeout;
  if (node.trigger !== undefined) options.trigger = node.trigger;
  if (node.retry !== undefined) options.retry = node.retry as Record<string, Json>;

  return (
    <aside className="editor-inspector" aria-label={`Node ${node.id}`} data-testid="inspector">
      <h2 className="editor-panel-title">Node</h2>
      <TextField
        label="Node id"
        data-testid="node-id-input"
        value={idDraft}
        error={idError ?? (idDraft !== node.id ? nodeIdProblem(idDraft) : null)}
        hint="Press Enter to rename; references follow."
        onChange={(event) => {
          setIdDraft(event.target.value);
          setIdError(null);
        }}
        onBlur={commitId}
        onKeyDown={(event) => {
          if (event.key === "Enter") commitId();
          if (event.key === "Escape") {
            setIdDraft(node.id);
            setIdError(null);
          }
        }}
      />
      {nodeIssues.length > 0 && (
        <ul className="editor-inspector__issues" aria-label="Problems of this node">
          {nodeIssues.map((issue, index) => (
            <li key={index}>
              {issue.field ? <code>{issue.field}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      )}
      <section className="editor-section">
        {"callable" in node.task ? (
          <>
            <h3>Python callable</h3>
            <TextField
              label="Callable"
              hint="module:function"
              value={node.task.callable}
              onChange={(event) => setNode((current) => ({ ...current, task: { callable: event.target.value } }))}
            />
          </>
        ) : (
          <>
            <h3>
              {node.task.type} <span className="editor-muted">config</span>
            </h3>
            {taskType === undefined ? (
              <p className="editor-problems__error">The server has no task type “{node.task.type}”.</p>
            ) : (
              <>
                <p className="editor-muted">{taskType.description}</p>
                <SchemaForm
                  key={node.id}
                  fields={schemaFields(taskType.configSchema)}
                  value={node.task.config}
                  problems={fieldIssues}
                  onChange={(config) =>
                    setNode((current) => ({ ...current, task: { type: (current.task as { type: string }).type, config } }))
                  }
                />
              </>
            )}
          </>
        )}
      </section>
      <section className="editor-section">
        <h3>Parameters</h3>
        <p className="editor-muted">
          Keyword arguments as JSON; {'{"$ref": "node"}'} passes an upstream result, {'{"$param": "name"}'} a run parameter.
        </p>
        <DraftInput
          key={node.id}
          multiline
          inputProps={{ "aria-label": "Parameters (JSON)", "data-testid": "node-params-input", className: "input editor-code" }}
          value={(node.params ?? {}) as Json}
          format={(value) => JSON.stringify(value ?? {}, null, 2)}
          parse={(text) => {
            try {
              const value = JSON.parse(text === "" ? "{}" : text) as Json;
              if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "must be a JSON object" };
              return { value };
            } catch {
              return { error: "is not valid JSON" };
            }
          }}
          onChange={(params) => setNode((current) => ({ ...current, params: (params ?? {}) as Record<string, Json> }))}
        />
      </section>
      <section className="editor-section">
        <h3>Timeout and retries</h3>
        <SchemaForm
          key={node.id}
          fields={NODE_OPTION_FIELDS}
          value={options}
          problems={fieldIssues}
          onChange={(next) =>
            setNode((current) => {
              const copy: NodeDef = { ...current };
              copy.timeout = typeof next.timeout === "number" ? next.timeout : null;
              if (next.trigger === undefined) delete copy.trigger;
              else copy.trigger = next.trigger as NodeDef["trigger"];
              if (next.retry === undefined) delete copy.retry;
              else copy.retry = next.retry as NodeDef["retry"];
              return copy;
            })
          }
        />
      </section>
      <Button variant="danger" size="sm" onClick={() => onDelete([node.id], [])} data-testid="delete-node-button">
        Delete node
      </Button>
    </aside>
  );
}

function EdgeInspector({ definition, edge, onChange, onDelete }: InspectorProps & { edge: DagFlowEdge }) {
  const [name, setName] = useState(edge.data?.params[0] ?? "");
  return (
    <aside className="editor-inspector" aria-label="Edge" data-testid="inspector">
      <h2 className="editor-panel-title">Dependency</h2>
      <p>
        <code>{edge.target}</code> waits for <code>{edge.source}</code>
        {edge.data?.kind === "ref" ? ` and receives its result as ${edge.data.params.join(", ")}.` : " (ordering only)."}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onChange(setEdgeParam(definition, edge.source, edge.target, name === "" ? null : name), null);
        }}
      >
        <TextField
          label="Pass the result as parameter"
          hint="Empty: ordering only (depends_on)."
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <Button size="sm" type="submit">
          Apply
        </Button>
      </form>
      <Button variant="danger" size="sm" onClick={() => onDelete([], [edge.id])} data-testid="delete-edge-button">
        Delete dependency
      </Button>
    </aside>
  );
}

function DagInspector({ definition, onChange }: InspectorProps) {
  return (
    <aside className="editor-inspector" aria-label="DAG settings" data-testid="inspector">
      <h2 className="editor-panel-title">DAG</h2>
      <p className="editor-muted">Select a node or a dependency to edit it.</p>
      <div className="field">
        <label htmlFor="editor-dag-description">Description</label>
        <textarea
          id="editor-dag-description"
          className="input"
          rows={3}
          value={definition.description ?? ""}
          onChange={(event) => onChange({ ...definition, description: event.target.value })}
        />
      </div>
      <section className="editor-section">
        <h3>Run parameters</h3>
        <p className="editor-muted">
          By name: {'{"type": "string" | "integer" | …, "required": true, "default": …, "description": "…"}'}.
        </p>
        <DraftInput
          multiline
          inputProps={{ "aria-label": "Run parameters (JSON)", "data-testid": "dag-params-input", className: "input editor-code" }}
          value={(definition.params ?? {}) as Json}
          format={(value) => JSON.stringify(value ?? {}, null, 2)}
          parse={(text) => {
            try {
              const value = JSON.parse(text === "" ? "{}" : text) as Json;
              if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "must be a JSON object" };
              return { value };
            } catch {
              return { error: "is not valid JSON" };
            }
          }}
          onChange={(params) => onChange({ ...definition, params: (params ?? {}) as unknown as Record<string, RunParamDef> })}
        />
      </section>
    </aside>
  );
}
