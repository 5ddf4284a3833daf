import "./jsdomPolyfills";

import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { DagGraph } from "./DagGraph";

const definition = {
  schema_version: 1,
  name: "two",
  nodes: [
    { id: "a", task: { type: "noop", config: {} } },
    { id: "b", task: { type: "sleep", config: { seconds: 1 } }, depends_on: ["a"] },
  ],
};

describe("DagGraph", () => {
  it("draws each node with its status and highlight", async () => {
    render(
      <div style={{ width: 800, height: 600 }}>
        <DagGraph definition={definition} statuses={{ a: "SUCCEEDED", b: "RUNNING" }} highlights={{ b: "added" }} />
      </div>,
    );
    const a = await screen.findByTestId("dag-node-a");
    expect(a.dataset.status).toBe("SUCCEEDED");
    const b = screen.getByTestId("dag-node-b");
    expect(b.dataset.highlight).toBe("added");
    expect(b.className).toContain("dag-node--status-running");
  });

  it("explains a definition it cannot draw", () => {
    render(<DagGraph definition={{ nodes: "no" }} />);
    expect(screen.getByRole("alert").textContent).toContain("name");
  });
});
