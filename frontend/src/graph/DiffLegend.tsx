// The key of a diff drawing: what the colours and line styles of nodes and edges mean.
import { type Highlight, HIGHLIGHT_COLORS, HIGHLIGHTS } from "./highlights";

const MEANING: Record<Highlight, string> = {
  added: "only in the newer version",
  removed: "only in the older version",
  changed: "in both, different",
};

/** A line drawn like an edge of `highlight` (graph.css `.dag-edge--<highlight>`). */
function EdgeSample({ highlight }: { highlight: Highlight }) {
  return (
    <svg className={`dag-legend__edge dag-edge--${highlight}`} width="28" height="10" aria-hidden="true">
      <line x1="1" y1="5" x2="27" y2="5" stroke={HIGHLIGHT_COLORS[highlight]} />
    </svg>
  );
}

/** The legend of node and edge highlights. */
export function DiffLegend() {
  return (
    <div className="dag-legend" role="group" aria-label="Legend">
      <dl className="dag-legend__list">
        {HIGHLIGHTS.map((highlight) => (
          <div key={highlight} className="dag-legend__row">
            <dt>
              <span className={`dag-legend__node dag-node--${highlight}`} aria-hidden="true" />
              <EdgeSample highlight={highlight} />
              <span className="dag-legend__name">{highlight}</span>
            </dt>
            <dd>{MEANING[highlight]}</dd>
          </div>
        ))}
      </dl>
      <p className="dag-legend__note">Dashed edges: depends_on; solid: $ref.</p>
    </div>
  );
}
