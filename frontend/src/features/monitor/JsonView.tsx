// A read-only, collapsible view of a JSON value (a node's result), with a copy button.
import { useState } from "react";

import { Button } from "../../ui";

function Value({ value, name, depth }: { value: unknown; name: string | null; depth: number }) {
  const label = name === null ? null : <span className="json__key">{name}: </span>;
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value as Record<string, unknown>);
    const open = Array.isArray(value) ? "[" : "{";
    const close = Array.isArray(value) ? "]" : "}";
    if (entries.length === 0) {
      return (
        <div className="json__line">
          {label}
          <span className="json__punct">{`${open}${close}`}</span>
        </div>
      );
    }
    return (
      <details className="json__node" open={depth < 2}>
        <summary>
          {label}
          <span className="json__punct">{open}</span>
          <span className="json__count"> {entries.length} {Array.isArray(value) ? "items" : "keys"} </span>
          <span className="json__punct">{close}</span>
        </summary>
        <div className="json__children">
          {entries.map(([key, item]) => (
            <Value key={key} value={item} name={Array.isArray(value) ? null : key} depth={depth + 1} />
          ))}
        </div>
      </details>
    );
  }
  const kind = value === null ? "null" : typeof value;
  return (
    <div className="json__line">
      {label}
      <span className={`json__${kind}`}>{JSON.stringify(value) ?? String(value)}</span>
    </div>
  );
}

/** A JSON value as a tree (objects and arrays fold), with "Copy JSON". */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(JSON.stringify(value, null, 2)).then(() => setCopied(true));
  };
  return (
    <div className="json" role="group" aria-label={label}>
      <Button size="sm" variant="ghost" className="json__copy" onClick={copy}>
        {copied ? "Copied" : "Copy JSON"}
      </Button>
      <Value value={value} name={null} depth={0} />
    </div>
  );
}
