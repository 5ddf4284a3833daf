import { describe, expect, it } from "vitest";

import {
  canonicalDefinition,
  DefinitionParseError,
  definitionEdges,
  nodeIdProblem,
  parseDefinition,
  wouldCreateCycle,
} from "./definition";
import { layoutDag } from "./layout";

const sample = {
  schema_version: 1,
  name: "etl",
  nodes: [
    { id: "load", task: { type: "noop", config: {} }, params: { rows: { $ref: "transform" } }, depends_on: ["extract"] },
    { id: "extract", task: { type: "noop", config: { result: [1] } } },
    { id: "transform", task: { callable: "pkg.mod:transform" }, params: { data: { $ref: "extract" }, n: 3 } },
  ],
};

describe("definition", () => {
  it("derives edges from $ref params and depends_on", () => {
    const edges = definitionEdges(parseDefinition(sample));
    expect(edges.map((e) => [e.source, e.target, e.kind, e.params])).toEqual([
      ["extract", "load", "order", []],
      ["extract", "transform", "ref", ["data"]],
      ["transform", "load", "ref", ["rows"]],
    ]);
  });

  it("names the path of a malformed node", () => {
    expect(() => parseDefinition({ name: "x", nodes: [{ id: 3, task: {} }] })).toThrow(DefinitionParseError);
    expect(() => parseDefinition({ name: "x", nodes: [{ id: 3, task: {} }] })).toThrow("nodes[0].id");
  });

  it("refuses an edge that closes a cycle and accepts one that does not", () => {
    const edges = [
      { source: "a", target: "b" },
      { source: "b", target: "c" },
    ];
    expect(wouldCreateCycle(edges, "c", "a")).toBe(true);
    expect(wouldCreateCycle(edges, "a", "a")).toBe(true);
    expect(wouldCreateCycle(edges, "a", "c")).toBe(false);
  });

  it("checks node ids like the engine", () => {
    expect(nodeIdProblem("load_1.x:y-z")).toBeNull();
    expect(nodeIdProblem("")).not.toBeNull();
    expect(nodeIdProblem("-bad")).not.toBeNull();
    expect(nodeIdProblem("a b")).not.toBeNull();
  });

  it("sorts nodes and depends_on in the canonical form", () => {
    const canonical = canonicalDefinition(
      parseDefinition({ ...sample, nodes: [{ id: "b", task: { callable: "m:f" }, depends_on: ["z", "a", "z"] }, sample.nodes[1]] }),
    );
    expect(canonical.nodes.map((n) => n.id)).toEqual(["b", "extract"]);
    expect(canonical.nodes[0]?.depends_on).toEqual(["a", "z"]);
  });

  it("lays out upstream nodes left of downstream nodes", async () => {
    const positions = await layoutDag(parseDefinition(sample));
    expect(positions.extract!.x).toBeLessThan(positions.transform!.x);
    expect(positions.transform!.x).toBeLessThan(positions.load!.x);
  });
});
