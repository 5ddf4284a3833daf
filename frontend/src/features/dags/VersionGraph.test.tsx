import "../../graph/jsdomPolyfills";

import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { type Answerer, renderScreen, testClient } from "../../api/testing";
import { VersionDiffView } from "./VersionGraph";

afterEach(cleanup);

const task = { type: "noop", config: {} };
const DEFINITIONS: Record<number, unknown> = {
  1: { schema_version: 1, name: "etl", nodes: [{ id: "a", task }, { id: "b", task, depends_on: ["a"] }, { id: "c", task, depends_on: ["b"] }] },
  2: { schema_version: 1, name: "etl", nodes: [{ id: "a", task }, { id: "b", task, params: { n: { $ref: "a" } } }, { id: "c", task }, { id: "d", task, depends_on: ["c"] }] },
};

const server: Answerer = ({ operationName, variables }) => {
  if (operationName === "DagVersionDefinition") {
    const version = variables.version as number;
    return { data: { dagVersion: { id: `v${version}`, version, definition: DEFINITIONS[version] } } };
  }
  if (operationName === "DagVersionDiff")
    return {
      data: {
        dagVersionDiff: {
          from: 1,
          to: 2,
          nodesAdded: ["d"],
          nodesRemoved: [],
          nodesChanged: [
            { nodeId: "b", fields: ["depends_on", "params"] },
            { nodeId: "c", fields: ["depends_on"] },
          ],
          edgesAdded: [{ upstream: "c", downstream: "d" }],
          edgesRemoved: [{ upstream: "b", downstream: "c" }],
          fieldsChanged: [],
        },
      },
    };
  return "pending";
};

describe("VersionDiffView", () => {
  it("draws added, removed and changed edges with a legend, and lists the changed ones", async () => {
    const { client } = testClient(server);
    renderScreen(<VersionDiffView dagId="d1" from={1} to={2} />, { client });
    const graph = await screen.findByRole("region", { name: "Changes from version 1 to 2" });
    await within(graph).findByTestId("dag-node-d");
    expect(screen.getByTestId("rf__edge-order:c->d").dataset.highlight).toBe("added");
    expect(screen.getByTestId("rf__edge-order:b->c").dataset.highlight).toBe("removed");
    expect(screen.getByTestId("rf__edge-ref:a->b").dataset.highlight).toBe("changed");
    expect(within(graph).getByLabelText("Legend")).toBeTruthy();
    const summary = screen.getByLabelText("Summary of changes");
    expect(within(summary).getByText("Edges changed (1)")).toBeTruthy();
    expect(within(summary).getByText("a → b (depends_on → $ref (n))")).toBeTruthy();
  });
});
