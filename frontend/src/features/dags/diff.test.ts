import { describe, expect, it } from "vitest";

import { isEmptyDiff, mergeForDiff, type VersionDiff } from "./diff";

const task = { type: "noop", config: {} };
const from = {
  schema_version: 1,
  name: "etl",
  nodes: [
    { id: "a", task },
    { id: "b", task, depends_on: ["a"] },
    { id: "c", task, depends_on: ["b"] },
    { id: "old", task, depends_on: ["a"] },
  ],
};
const to = {
  schema_version: 1,
  name: "etl",
  nodes: [
    { id: "a", task },
    { id: "b", task, params: { n: { $ref: "a" } } },
    { id: "c", task },
    { id: "new", task, depends_on: ["b"] },
  ],
};
const diff: VersionDiff = {
  nodesAdded: ["new"],
  nodesRemoved: ["old"],
  nodesChanged: [
    { nodeId: "b", fields: ["depends_on", "params"] },
    { nodeId: "c", fields: ["depends_on"] },
  ],
  edgesAdded: [{ upstream: "b", downstream: "new" }],
  edgesRemoved: [
    { upstream: "a", downstream: "old" },
    { upstream: "b", downstream: "c" },
  ],
  fieldsChanged: [],
};

describe("mergeForDiff", () => {
  it("draws the new version plus the removed nodes, each node change highlighted", () => {
    const merged = mergeForDiff(from, to, diff);
    expect(merged?.definition.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "new", "old"]);
    expect(merged?.highlights).toEqual({ new: "added", old: "removed", b: "changed", c: "changed" });
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it("highlights the added, removed and changed edges", () => {
    expect(mergeForDiff(from, to, diff)?.edgeHighlights).toEqual({
      "order:b->new": "added",
      "order:a->old": "removed",
      "order:b->c": "removed",
      "ref:a->b": "changed",
    });
  });

  it("adds the removed edges between kept nodes, which the merged definition lacks", () => {
    const merged = mergeForDiff(from, to, diff);
    // a -> old comes with the removed node's own depends_on; b -> c is only in the old version.
    expect(merged?.extraEdges).toEqual([{ source: "b", target: "c", kind: "order", params: [] }]);
    expect(merged?.edgesChanged).toEqual([{ source: "a", target: "b", before: "depends_on", after: "$ref (n)" }]);
  });

  it("returns null for an unreadable definition", () => {
    expect(mergeForDiff(null, to, diff)).toBeNull();
    expect(mergeForDiff(from, { nodes: [{ id: "x" }] }, diff)).toBeNull();
  });
});
