// Pure edits of a definition: add, remove, rename and connect nodes. Each returns a new
// definition (the input is never changed) or an error message naming what is wrong.
import {
  type DagDefinition,
  definitionEdges,
  type EdgeKind,
  type Json,
  type NodeDef,
  nodeIdProblem,
  refTarget,
  wouldCreateCycle,
} from "../../../graph/definition";

/** The outcome of an edit: the new definition, or why the edit is refused. */
export type EditResult = { ok: DagDefinition } | { error: string };

/** An empty definition named `name`. */
export function emptyDefinition(name = "untitled"): DagDefinition {
  return { schema_version: 1, name, description: "", params: {}, nodes: [] };
}

/** The first free id among `base`, `base_2`, `base_3`, ... */
export function uniqueNodeId(definition: DagDefinition, base: string): string {
  const taken = new Set(definition.nodes.map((node) => node.id));
  const clean = base.replace(/[^A-Za-z0-9_.:-]/g, "_").replace(/^[.:-]/, "_") || "node";
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) if (!taken.has(`${clean}_${n}`)) return `${clean}_${n}`;
}

/** Add a node at the end of the list. */
export function addNode(definition: DagDefinition, node: NodeDef): DagDefinition {
  return { ...definition, nodes: [...definition.nodes, node] };
}

/** Replace node `id` with `update(node)`. */
export function updateNode(definition: DagDefinition, id: string, update: (node: NodeDef) => NodeDef): DagDefinition {
  return { ...definition, nodes: definition.nodes.map((node) => (node.id === id ? update(node) : node)) };
}

function withoutUpstream(node: NodeDef, upstream: ReadonlySet<string>, kinds: ReadonlySet<EdgeKind>): NodeDef {
  const copy: NodeDef = { ...node };
  if (kinds.has("order") && node.depends_on !== undefined) {
    copy.depends_on = node.depends_on.filter((id) => !upstream.has(id));
  }
  if (kinds.has("ref") && node.params !== undefined) {
    const params: Record<string, Json> = {};
    for (const [name, value] of Object.entries(node.params)) {
      const source = refTarget(value);
      if (source !== null && upstream.has(source)) {
        if (copy.map_over === name) copy.map_over = null;
        continue;
      }
      params[name] = value;
    }
    copy.params = params;
  }
  return copy;
}

/** Remove nodes and every reference to them (depends_on entries and `$ref` params). */
export function removeNodes(definition: DagDefinition, ids: Iterable<string>): DagDefinition {
  const gone = new Set(ids);
  const both = new Set<EdgeKind>(["order", "ref"]);
  return {
    ...definition,
    nodes: definition.nodes.filter((node) => !gone.has(node.id)).map((node) => withoutUpstream(node, gone, both)),
  };
}

/** Remove the edge `source -> target` of `kind` (a depends_on entry, or the `$ref` params). */
export function removeEdge(definition: DagDefinition, source: string, target: string, kind: EdgeKind): DagDefinition {
  return updateNode(definition, target, (node) => withoutUpstream(node, new Set([source]), new Set([kind])));
}

/** Rename node `from` to `to`, updating every reference to it. */
export function renameNode(definition: DagDefinition, from: string, to: string): EditResult {
  if (from === to) return { ok: definition };
  const problem = nodeIdProblem(to);
  if (problem !== null) return { error: problem };
  if (definition.nodes.some((node) => node.id === to)) return { error: `A node with id "${to}" already exists.` };
  const nodes = definition.nodes.map((node) => {
    const copy: NodeDef = { ...node, id: node.id === from ? to : node.id };
    if (node.depends_on !== undefined) copy.depends_on = node.depends_on.map((id) => (id === from ? to : id));
    if (node.params !== undefined) {
      copy.params = Object.fromEntries(
        Object.entries(node.params).map(([name, value]) => [name, refTarget(value) === from ? { $ref: to } : value]),
      );
    }
    return copy;
  });
  return { ok: { ...definition, nodes } };
}

/** Why `source -> target` cannot be added, or null when it can. */
export function connectionProblem(definition: DagDefinition, source: string, target: string): string | null {
  if (source === target) return "A node cannot depend on itself.";
  const edges = definitionEdges(definition);
  if (edges.some((edge) => edge.source === source && edge.target === target)) {
    return `${target} already depends on ${source}.`;
  }
  if (wouldCreateCycle(edges, source, target)) {
    return `Refused: ${source} → ${target} would close a cycle (${target} already leads to ${source}).`;
  }
  return null;
}

/** Make `target` wait for `source` (a depends_on entry), unless that would be a cycle or a duplicate. */
export function connect(definition: DagDefinition, source: string, target: string): EditResult {
  const problem = connectionProblem(definition, source, target);
  if (problem !== null) return { error: problem };
  return {
    ok: updateNode(definition, target, (node) => ({ ...node, depends_on: [...(node.depends_on ?? []), source] })),
  };
}

/** Turn the ordering edge `source -> target` into `{"$ref": source}` bound to param `name`, or back (name = null). */
export function setEdgeParam(definition: DagDefinition, source: string, target: string, name: string | null): DagDefinition {
  return updateNode(definition, target, (node) => {
    const cleared = withoutUpstream(node, new Set([source]), new Set<EdgeKind>(["order", "ref"]));
    if (name === null || name.trim() === "") {
      return { ...cleared, depends_on: [...(cleared.depends_on ?? []), source] };
    }
    return { ...cleared, params: { ...(cleared.params ?? {}), [name.trim()]: { $ref: source } } };
  });
}
