// How a node or an edge differs between two versions, and the colour each difference is drawn
// in (graph.css uses the same colours for nodes and edges; DiffLegend shows them).

/** How a node or an edge differs between two versions. */
export type Highlight = "added" | "removed" | "changed";

/** Every highlight, in the order legends list them. */
export const HIGHLIGHTS: readonly Highlight[] = ["added", "removed", "changed"];

/** The colour of each highlight (graph.css: `.dag-node--<highlight>`, `.dag-edge--<highlight>`). */
export const HIGHLIGHT_COLORS: Record<Highlight, string> = {
  added: "#12b76a",
  removed: "#d92d20",
  changed: "#f79009",
};
