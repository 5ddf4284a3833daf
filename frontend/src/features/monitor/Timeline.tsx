// The Gantt chart of an execution's attempts: one row per node (and mapped instance), a bar per
// attempt coloured by its outcome, on a time axis from the run's start.
import { useMemo } from "react";

import { type AttemptSpan, type MonitorState, spanKey } from "./state";
import { formatDuration, formatTick, tickStep, timeScale, timeTicks } from "./timelineScale";

export interface TimelineProps {
  state: MonitorState;
  /** Node ids in the order to show them (the definition's). */
  nodeIds: readonly string[];
  /** Unix epoch seconds: where running attempts end for now. */
  now: number;
  selectedNodeId: string | null;
  onSelect(nodeId: string): void;
}

const LABEL_WIDTH = 180;
const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 24;
const WIDTH = 900;
const MAX_TICKS = 8;

interface Row {
  key: string;
  nodeId: string;
  label: string;
  spans: AttemptSpan[];
}

function rowsOf(state: MonitorState, nodeIds: readonly string[]): Row[] {
  const ids = [...nodeIds];
  for (const key of Object.keys(state.nodes)) if (!ids.includes(key)) ids.push(key);
  const rows: Row[] = [];
  for (const nodeId of ids) {
    rows.push({ key: nodeId, nodeId, label: nodeId, spans: state.spans[nodeId] ?? [] });
    const instances = state.nodes[nodeId]?.instances ?? [];
    instances.forEach((_, index) => {
      const key = spanKey(nodeId, index);
      rows.push({ key, nodeId, label: `  [${index}]`, spans: state.spans[key] ?? [] });
    });
  }
  return rows;
}

/** The timeline as an SVG, or a message while no attempt has started. */
export function Timeline({ state, nodeIds, now, selectedNodeId, onSelect }: TimelineProps) {
  const rows = useMemo(() => rowsOf(state, nodeIds), [state, nodeIds]);
  const starts = rows.flatMap((row) => row.spans.map((span) => span.startedAt));
  if (starts.length === 0) {
    return <p className="monitor-muted">No attempt has started yet.</p>;
  }
  const origin = state.startedAt ?? Math.min(...starts);
  const ends = rows.flatMap((row) => row.spans.map((span) => span.finishedAt ?? now));
  const end = Math.max(state.finishedAt ?? 0, ...ends) - origin;
  const scale = timeScale([0, Math.max(end, 0.001)], [LABEL_WIDTH, WIDTH - 12]);
  const ticks = timeTicks(scale, MAX_TICKS);
  const step = tickStep(scale.domain[1] - scale.domain[0], MAX_TICKS);
  const height = AXIS_HEIGHT + rows.length * ROW_HEIGHT + 4;

  return (
    <svg
      className="timeline"
      role="img"
      aria-label="Timeline of attempts"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      {ticks.map((tick) => (
        <g key={tick} className="timeline__tick">
          <line x1={scale(tick)} x2={scale(tick)} y1={AXIS_HEIGHT - 4} y2={height} />
          <text x={scale(tick)} y={AXIS_HEIGHT - 8} textAnchor="middle">
            {formatTick(tick, step)}
          </text>
        </g>
      ))}
      {rows.map((row, index) => {
        const y = AXIS_HEIGHT + index * ROW_HEIGHT;
        const selected = row.nodeId === selectedNodeId;
        return (
          <g
            key={row.key}
            className={`timeline__row${selected ? " timeline__row--selected" : ""}`}
            data-testid={`timeline-row-${row.key}`}
            onClick={() => onSelect(row.nodeId)}
          >
            <rect className="timeline__band" x={0} y={y} width={WIDTH} height={ROW_HEIGHT} />
            <text className="timeline__label" x={8} y={y + ROW_HEIGHT / 2 + 4}>
              {row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label}
            </text>
            {row.spans.map((span) => {
              const start = span.startedAt - origin;
              const stop = (span.finishedAt ?? now) - origin;
              const x = scale(start);
              const width = Math.max(2, scale(stop) - x);
              const outcome = span.outcome ?? "running";
              return (
                <rect
                  key={span.attempt}
                  className={`timeline__bar timeline__bar--${outcome}`}
                  data-outcome={outcome}
                  x={x}
                  y={y + 5}
                  width={width}
                  height={ROW_HEIGHT - 10}
                  rx={3}
                >
                  <title>
                    {`${row.key} · attempt ${span.attempt} · ${outcome} · ${formatDuration(stop - start)}`}
                  </title>
                </rect>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}
