// Typed helpers over the canonical JSON definition of a DAG (docs/dag-definition.schema.json):
// reading an unknown JSON value into typed nodes, the edges it implies (`depends_on` and
// `{"$ref": id}` params) and writing it back in the canonical order.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a node runs: a Python callable by import path, or a registered task type. */
export type TaskSpec = { callable: string } | { type: string; config: Record<string, Json> };

/** A node's retry policy (all fields optional: the engine fills the defaults). */
export interface RetrySpec {
  max_attempts?: number;
  backoff_base?: number;
  backoff_cap?: number;
  jitter?: number;
  retry_on?: string[];
}

/** One node of a definition. Unknown fields are kept as they are in `extra`-free JSON. */
export interface NodeDef {
  id: string;
  task: TaskSpec;
  params?: Record<string, Json>;
  depends_on?: string[];
  map_over?: string | null;
  retry?: RetrySpec;
  timeout?: number | null;
  tags?: string[];
  run_in?: "auto" | "loop" | "thread" | "process";
  trigger?: "all_success" | "none_failed" | "all_done";
}

/** A run parameter declaration. */
export interface RunParamDef {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object" | "any";
  required?: boolean;
  default?: Json;
  description?: string;
}

/** The whole definition (schema_version 1). */
export interface DagDefinition {
  schema_version: 1;
  name: string;
  description?: string;
  params?: Record<string, RunParamDef>;
  nodes: NodeDef[];
}

/** How an edge arises: a `$ref` param (data flows) or `depends_on` (ordering only). */
export type EdgeKind = "ref" | "order";

/** A dependency: `target` waits for `source`. */
export interface DefinitionEdge {
  source: string;
  target: string;
  kind: EdgeKind;
  /** For "ref" edges: the param names of `target` bound to `source`. */
  params: string[];
}

/** The definition could not be read: `path` names where (e.g. "nodes[2].id"). */
export class DefinitionParseError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(path === "" ? message : `${path}: ${message}`);
    this.name = "DefinitionParseError";
    this.path = path;
  }
}

/** The engine's NODE_ID_PATTERN anchored, and MAX_NODE_ID_LENGTH. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;
export const MAX_NODE_ID_LENGTH = 128;

/** Why `id` is not a valid node id, or null when it is. */
export function nodeIdProblem(id: string): string | null {
  if (id.length === 0) return "A node id cannot be empty.";
  if (id.length > MAX_NODE_ID_LENGTH) return `A node id has at most ${MAX_NODE_ID_LENGTH} characters.`;
  if (!NODE_ID_PATTERN.test(id)) {
    return "Start with a letter, digit or _, then use letters, digits and _ . : - only.";
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new DefinitionParseError(path, "must be a list of strings");
  }
  return value as string[];
}

function parseTask(value: unknown, path: string): TaskSpec {
  if (!isObject(value)) throw new DefinitionParseError(path, "must be an object");
  if (typeof value.callable === "string") return { callable: value.callable };
  if (typeof value.type === "string") {
    const config = value.config ?? {};
    if (!isObject(config)) throw new DefinitionParseError(`${path}.config`, "must be an object");
    return { type: value.type, config: config as Record<string, Json> };
  }
  throw new DefinitionParseError(path, 'needs "callable" (a string) or "type" (a string)');
}

function parseNode(value: unknown, path: string): NodeDef {
  if (!isObject(value)) throw new DefinitionParseError(path, "must be an object");
  if (typeof value.id !== "string") throw new DefinitionParseError(`${path}.id`, "must be a string");
  const node: NodeDef = { ...(value as object), id: value.id, task: parseTask(value.task, `${path}.task`) } as NodeDef;
  if (value.params !== undefined && !isObject(value.params)) {
    throw new DefinitionParseError(`${path}.params`, "must be an object");
  }
  if (value.depends_on !== undefined) node.depends_on = stringList(value.depends_on, `${path}.depends_on`);
  if (value.tags !== undefined) node.tags = stringList(value.tags, `${path}.tags`);
  if (value.retry !== undefined && !isObject(value.retry)) {
    throw new DefinitionParseError(`${path}.retry`, "must be an object");
  }
  return node;
}

/**
 * Read an unknown JSON value (e.g. `DagVersion.definition` or an imported file) as a definition.
 * Only the shape needed to draw and edit it is checked; the server validates the rest.
 * @throws DefinitionParseError naming the offending path.
 */
export function parseDefinition(value: unknown): DagDefinition {
  if (!isObject(value)) throw new DefinitionParseError("", "A definition must be a JSON object.");
  if (value.schema_version !== undefined && value.schema_version !== 1) {
    throw new DefinitionParseError("schema_version", "only schema version 1 is supported");
  }
  if (typeof value.name !== "string") throw new DefinitionParseError("name", "must be a string");
  if (!Array.isArray(value.nodes)) throw new DefinitionParseError("nodes", "must be a list");
  if (value.params !== undefined && !isObject(value.params)) {
    throw new DefinitionParseError("params", "must be an object");
  }
  const definition: DagDefinition = {
    ...(value as object),
    schema_version: 1,
    name: value.name,
    nodes: value.nodes.map((node, index) => parseNode(node, `nodes[${index}]`)),
  } as DagDefinition;
  return definition;
}

/** Like parseDefinition, but returns null instead of throwing (for read-only views). */
export function tryParseDefinition(value: unknown): DagDefinition | null {
  try {
    return parseDefinition(value);
  } catch {
    return null;
  }
}

/** The upstream node id a param value references, or null if it is not `{"$ref": id}`. */
export function refTarget(value: Json | undefined): string | null {
  if (isObject(value) && Object.keys(value).length === 1 && typeof value.$ref === "string") {
    return value.$ref;
  }
  return null;
}

/** A short label of what a node runs: the task type name or the callable's qualname. */
export function taskLabel(task: TaskSpec): string {
  if ("callable" in task) return task.callable.split(":").pop() ?? task.callable;
  return task.type;
}

/**
 * Every edge of the definition, one per (source, target, kind), sorted by source then target.
 * Edges to ids that are not nodes are kept (the validator reports them as unknown_dependency).
 */
export function definitionEdges(definition: DagDefinition): DefinitionEdge[] {
  const edges = new Map<string, DefinitionEdge>();
  for (const node of definition.nodes) {
    for (const [name, value] of Object.entries(node.params ?? {})) {
      const source = refTarget(value);
      if (source === null) continue;
      const key = `ref\u0000${source}\u0000${node.id}`;
      const edge = edges.get(key) ?? { source, target: node.id, kind: "ref" as const, params: [] };
      edge.params.push(name);
      edges.set(key, edge);
    }
    for (const source of node.depends_on ?? []) {
      const key = `order\u0000${source}\u0000${node.id}`;
      if (!edges.has(key)) edges.set(key, { source, target: node.id, kind: "order", params: [] });
    }
  }
  return [...edges.values()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target) || a.kind.localeCompare(b.kind),
  );
}

/** Upstream ids of each node (union of $ref and depends_on), by node id. */
export function upstreamMap(definition: DagDefinition): Map<string, Set<string>> {
  const upstream = new Map<string, Set<string>>(definition.nodes.map((node) => [node.id, new Set<string>()]));
  for (const edge of definitionEdges(definition)) upstream.get(edge.target)?.add(edge.source);
  return upstream;
}

/** True when `target` can already reach `source` downstream, so `source -> target` would close a cycle. */
export function wouldCreateCycle(
  edges: ReadonlyArray<{ source: string; target: string }>,
  source: string,
  target: string,
): boolean {
  if (source === target) return true;
  const downstream = new Map<string, string[]>();
  for (const edge of edges) {
    const list = downstream.get(edge.source) ?? [];
    list.push(edge.target);
    downstream.set(edge.source, list);
  }
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    if (current === source) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    stack.push(...(downstream.get(current) ?? []));
  }
  return false;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key] as Json)]),
    );
  }
  return value;
}

/** The definition in canonical order: nodes by id, depends_on/tags sorted and de-duplicated, keys sorted. */
export function canonicalDefinition(definition: DagDefinition): DagDefinition {
  const nodes = [...definition.nodes]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((node) => {
      const copy: NodeDef = { ...node };
      if (copy.depends_on !== undefined) copy.depends_on = [...new Set(copy.depends_on)].sort();
      if (copy.tags !== undefined) copy.tags = [...new Set(copy.tags)].sort();
      return copy;
    });
  return sortKeys({ ...definition, nodes } as unknown as Json) as unknown as DagDefinition;
}
