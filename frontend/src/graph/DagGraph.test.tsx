import "./jsdomPolyfills";

import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { DagGraph } from "./DagGraph";

const definition = {
  schema_version: 1,
  name: "two",
  nodes: [
    { id: "a", task: { type: "noop", config: {} } },
    { id: "b", task: { type: "sleep", config: { seconds: 1 } }, depends_on: ["a"] },
  ],
};

afterEach(cleanup);

const task = { type: "noop", config: {} };

/** Version 2 of a diff: `b` now feeds `c` through a $ref; the old version also had a -> c. */
const merged = {
  schema_version: 1,
  name: "diff",
  nodes: [
    { id: "a", task },
    { id: "b", task, depends_on: ["a"] },
    { id: "c", task, params: { rows: { $ref: "b" } } },
    { id: "new", task, depends_on: ["c"] },
  ],
};

/** The drawn edge `id` (React Flow's `rf__edge-<id>` test id). */
function edge(id: string): HTMLElement {
  return screen.getByTestId(`rf__edge-${id}`);
}

const drawnEdgeIds = () => screen.getAllByTestId(/^rf__edge-/).map((element) => element.dataset.id);

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

  it("draws each edge with its diff highlight, colour and accessible name", async () => {
    render(
      <div style={{ width: 800, height: 600 }}>
        <DagGraph definition={merged} highlights={{ new: "added" }} edgeHighlights={{ "order:c->new": "added", "ref:b->c": "changed" }} />
      </div>,
    );
    await screen.findByTestId("dag-node-a");
    const added = edge("order:c->new");
    expect(added.getAttribute("aria-label")).toBe("Edge from c to new, added");
    expect(added.dataset.highlight).toBe("added");
    expect(added.getAttribute("class")).toContain("dag-edge--added");
    expect(added.getAttribute("class")).toContain("dag-edge--order");
    const changed = edge("ref:b->c");
    expect(changed.dataset.highlight).toBe("changed");
    expect(changed.getAttribute("class")).toContain("dag-edge--changed");
    expect(changed.getAttribute("class")).toContain("dag-edge--ref");
    const plain = edge("order:a->b");
    expect(plain.dataset.highlight).toBeUndefined();
    expect(plain.getAttribute("class")).not.toMatch(/dag-edge--(added|removed|changed)/);
    // The arrowhead takes the highlight's colour.
    const marker = within(added).getByText((_, el) => el?.tagName === "path" && el.classList.contains("react-flow__edge-path"));
    expect(marker.getAttribute("marker-end")).toContain("12b76a");
  });

  it("draws the extra edges of a diff as removed", async () => {
    render(
      <div style={{ width: 800, height: 600 }}>
        <DagGraph
          definition={merged}
          edgeHighlights={{ "order:a->c": "removed" }}
          extraEdges={[{ source: "a", target: "c", kind: "order", params: [] }]}
        />
      </div>,
    );
    await screen.findByTestId("dag-node-a");
    const removed = edge("order:a->c");
    expect(removed.getAttribute("class")).toContain("dag-edge--removed");
    expect(removed.getAttribute("aria-label")).toBe("Edge from a to c, removed");
    expect(drawnEdgeIds().sort()).toEqual(["order:a->b", "order:a->c", "order:c->new", "ref:b->c"]);
  });

  it("shows the legend of a diff only", async () => {
    const { unmount } = render(
      <div style={{ width: 800, height: 600 }}>
        <DagGraph definition={merged} edgeHighlights={{ "ref:b->c": "changed" }} />
      </div>,
    );
    await screen.findByTestId("dag-node-a");
    const legend = screen.getByLabelText("Legend");
    expect(within(legend).getByText("added")).toBeTruthy();
    expect(within(legend).getByText("removed")).toBeTruthy();
    expect(within(legend).getByText("changed")).toBeTruthy();
    unmount();
    render(
      <div style={{ width: 800, height: 600 }}>
        <DagGraph definition={merged} />
      </div>,
    );
    await screen.findByTestId("dag-node-a");
    expect(screen.queryByLabelText("Legend")).toBeNull();
    expect(drawnEdgeIds().sort()).toEqual(["order:a->b", "order:c->new", "ref:b->c"]);
  });
});
