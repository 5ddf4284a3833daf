import { describe, expect, it } from "vitest";

import type { DagDefinition, NodeDef } from "./definition";
import { describeBinding, diffEdges } from "./diff";

function node(id: string, fields: Partial<NodeDef> = {}): NodeDef {
  return { id, task: { type: "noop", config: {} }, ...fields };
}

function dag(...nodes: NodeDef[]): DagDefinition {
  return { schema_version: 1, name: "etl", nodes };
}

describe("diffEdges", () => {
  it("highlights nothing when the edges are the same", () => {
    const version = dag(node("a"), node("b", { depends_on: ["a"] }), node("c", { params: { x: { $ref: "b" } } }));
    expect(diffEdges(version, version)).toEqual({ highlights: {}, added: [], removed: [], changed: [] });
  });

  it("marks the edges of a new pair added and of a vanished pair removed", () => {
    const from = dag(node("a"), node("b", { depends_on: ["a"] }), node("old", { depends_on: ["a"] }));
    const to = dag(node("a"), node("b"), node("new", { params: { rows: { $ref: "b" } } }));
    const diff = diffEdges(from, to);
    expect(diff.highlights).toEqual({ "ref:b->new": "added", "order:a->b": "removed", "order:a->old": "removed" });
    expect(diff.added.map((e) => [e.source, e.target, e.kind])).toEqual([["b", "new", "ref"]]);
    expect(diff.removed.map((e) => [e.source, e.target])).toEqual([
      ["a", "b"],
      ["a", "old"],
    ]);
    expect(diff.changed).toEqual([]);
  });

  it("marks a pair changed when a depends_on becomes a $ref", () => {
    const from = dag(node("a"), node("b", { depends_on: ["a"] }));
    const to = dag(node("a"), node("b", { params: { n: { $ref: "a" } } }));
    const diff = diffEdges(from, to);
    expect(diff.highlights).toEqual({ "ref:a->b": "changed" });
    expect(diff.changed).toEqual([{ source: "a", target: "b", before: "depends_on", after: "$ref (n)" }]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });

  it("marks a $ref pair changed when it feeds other params", () => {
    const from = dag(node("a"), node("b", { params: { n: { $ref: "a" } } }));
    const to = dag(node("a"), node("b", { params: { n: { $ref: "a" }, m: { $ref: "a" } } }));
    expect(diffEdges(from, to).changed).toEqual([{ source: "a", target: "b", before: "$ref (n)", after: "$ref (m, n)" }]);
  });

  it("names the same pairs as the server's diff", () => {
    const from = dag(node("a"), node("b", { depends_on: ["a"] }), node("c", { depends_on: ["a", "b"] }));
    const to = dag(node("a"), node("b"), node("c", { depends_on: ["b"], params: { v: { $ref: "a" } } }), node("d", { depends_on: ["c"] }));
    const diff = diffEdges(from, to);
    // dagVersionDiff: pairs from depends_on and $ref, regardless of kind.
    expect(diff.added.map((e) => `${e.source}->${e.target}`)).toEqual(["c->d"]);
    expect(diff.removed.map((e) => `${e.source}->${e.target}`)).toEqual(["a->b"]);
    expect(diff.changed.map((e) => `${e.source}->${e.target}`)).toEqual(["a->c"]);
  });
});

describe("describeBinding", () => {
  it("names the kinds of a pair's edges, $ref params sorted", () => {
    expect(describeBinding([{ source: "a", target: "b", kind: "order", params: [] }])).toBe("depends_on");
    expect(
      describeBinding([
        { source: "a", target: "b", kind: "order", params: [] },
        { source: "a", target: "b", kind: "ref", params: ["y", "x"] },
      ]),
    ).toBe("$ref (x, y) + depends_on");
  });
});
