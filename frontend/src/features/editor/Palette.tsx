// The palette of task types: drag one onto the canvas, or click it (or press Enter) to add it.
import { useState } from "react";

import type { TaskType } from "./Editor";

/** The drag-and-drop data type carrying a task type's name. */
export const PALETTE_MIME = "application/x-open-task-type";

export interface PaletteProps {
  taskTypes: TaskType[];
  onAdd(taskType: TaskType): void;
}

export function Palette({ taskTypes, onAdd }: PaletteProps) {
  const [filter, setFilter] = useState("");
  const shown = taskTypes.filter((taskType) =>
    `${taskType.name} ${taskType.description}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  return (
    <aside className="editor-palette" aria-label="Task types" data-testid="palette">
      <h2 className="editor-panel-title">Task types</h2>
      <input
        className="input"
        type="search"
        placeholder="Filter…"
        aria-label="Filter task types"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {taskTypes.length === 0 && <p className="editor-muted">The server offers no task types.</p>}
      {taskTypes.length > 0 && shown.length === 0 && <p className="editor-muted">No task type matches.</p>}
      <ul className="editor-palette__list">
        {shown.map((taskType) => (
          <li key={taskType.name}>
            <button
              type="button"
              className="editor-palette__item"
              draggable
              data-testid={`palette-item-${taskType.name}`}
              aria-label={`Add ${taskType.name} node`}
              title={`${taskType.description}\nDrag onto the canvas, or click to add.`}
              onDragStart={(event) => {
                event.dataTransfer.setData(PALETTE_MIME, taskType.name);
                event.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => onAdd(taskType)}
            >
              <span className="editor-palette__name">{taskType.name}</span>
              <span className="editor-palette__description">{taskType.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
