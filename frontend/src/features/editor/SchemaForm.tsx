// A config form generated from a task type's JSON Schema (fields from lib/schemaForm.ts).
import "./SchemaForm.css";

import { useEffect, useId, useState } from "react";

import type { Json } from "../../graph/definition";
import { type FieldSpec, formProblems, withField } from "./lib/schemaForm";

export interface SchemaFormProps {
  fields: readonly FieldSpec[];
  value: Record<string, Json>;
  onChange(value: Record<string, Json>): void;
  /** Extra problems by field path (e.g. from the server's validation). */
  problems?: Record<string, string>;
  /** Hide the form's own checks (e.g. until a first submit). Default: shown. */
  hideLocalProblems?: boolean;
}

/** Render `fields` editing `value`; every edit calls `onChange` with the whole new value. */
export function SchemaForm({ fields, value, onChange, problems, hideLocalProblems }: SchemaFormProps) {
  const local = hideLocalProblems === true ? {} : formProblems(fields, value);
  const all = { ...local, ...(problems ?? {}) };
  if (fields.length === 0) return <p className="editor-muted">This task type has no settings.</p>;
  return (
    <div className="schema-form">
      {fields.map((spec) => (
        <Field
          key={spec.path}
          spec={spec}
          value={value[spec.name]}
          problems={all}
          onChange={(next) => onChange(withField(value, spec.name, next))}
        />
      ))}
    </div>
  );
}

interface FieldProps {
  spec: FieldSpec;
  value: Json | undefined;
  problems: Record<string, string>;
  onChange(value: Json | undefined): void;
}

function defaultText(spec: FieldSpec): string | undefined {
  return spec.default === undefined ? undefined : `default: ${JSON.stringify(spec.default)}`;
}

function Field({ spec, value, problems, onChange }: FieldProps) {
  const id = useId();
  const problem = problems[spec.path];
  const describedBy = `${id}-help`;
  const label = (
    <label htmlFor={id} className="schema-form__label">
      {spec.name}
      {spec.required && (
        <span className="schema-form__required" aria-hidden="true">
          {" "}
          *
        </span>
      )}
    </label>
  );
  const help = (
    <div id={describedBy} className="schema-form__help">
      {spec.description}
      {problem !== undefined && (
        <div className="schema-form__error" role="alert">
          {spec.name} {problem}
        </div>
      )}
    </div>
  );
  const common = {
    id,
    "aria-describedby": describedBy,
    "aria-invalid": problem !== undefined,
    "aria-required": spec.required,
    "data-testid": `config-${spec.path}`,
    className: spec.kind === "boolean" ? undefined : "input",
  };

  if (spec.kind === "object") {
    return (
      <fieldset className="schema-form__object">
        <legend>
          {spec.name}
          {spec.required ? " *" : ""}
        </legend>
        <div className="schema-form__help">{spec.description}</div>
        {spec.fields.map((sub) => {
          const object = typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
          return (
            <Field
              key={sub.path}
              spec={sub}
              value={object[sub.name]}
              problems={problems}
              onChange={(next) => {
                const updated = withField(object, sub.name, next);
                onChange(Object.keys(updated).length === 0 && !spec.required ? undefined : updated);
              }}
            />
          );
        })}
      </fieldset>
    );
  }

  let input;
  switch (spec.kind) {
    case "boolean": {
      const checked = typeof value === "boolean" ? value : spec.default === true;
      return (
        <div className="schema-form__field schema-form__field--inline">
          <input {...common} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
          {label}
          {help}
        </div>
      );
    }
    case "enum":
      input = (
        <select
          {...common}
          value={value === undefined ? "" : JSON.stringify(value)}
          onChange={(event) => onChange(event.target.value === "" ? undefined : (JSON.parse(event.target.value) as Json))}
        >
          <option value="">{spec.default === undefined ? "— choose —" : `— ${defaultText(spec)} —`}</option>
          {spec.options.map((option) => (
            <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
              {typeof option === "string" ? option : JSON.stringify(option)}
            </option>
          ))}
        </select>
      );
      break;
    case "string":
      input = (
        <input
          {...common}
          type="text"
          value={typeof value === "string" ? value : ""}
          placeholder={defaultText(spec)}
          onChange={(event) => onChange(event.target.value === "" && !spec.required ? undefined : event.target.value)}
        />
      );
      break;
    case "integer":
    case "number":
      input = (
        <DraftInput
          inputProps={{ ...common, inputMode: spec.kind === "integer" ? "numeric" : "decimal", placeholder: defaultText(spec) }}
          value={value}
          format={(current) => (typeof current === "number" ? String(current) : "")}
          parse={(text) => {
            if (text.trim() === "") return { value: undefined };
            const parsed = Number(text);
            return Number.isNaN(parsed) ? { error: "is not a number" } : { value: parsed };
          }}
          onChange={onChange}
        />
      );
      break;
    case "list":
      input = (
        <DraftInput
          multiline
          inputProps={{ ...common, placeholder: `one ${spec.item === "string" ? "item" : "number"} per line` }}
          value={value}
          format={(current) => (Array.isArray(current) ? current.map(String).join("\n") : "")}
          parse={(text) => {
            const lines = text.split("\n").filter((line) => line !== "");
            if (lines.length === 0) return { value: undefined };
            if (spec.item === "string") return { value: lines };
            const numbers = lines.map(Number);
            return numbers.some(Number.isNaN) ? { error: "has a line that is not a number" } : { value: numbers };
          }}
          onChange={onChange}
        />
      );
      break;
    case "map":
      input = (
        <DraftInput
          multiline
          inputProps={{ ...common, placeholder: "NAME=value, one per line" }}
          value={value}
          format={(current) =>
            typeof current === "object" && current !== null && !Array.isArray(current)
              ? Object.entries(current)
                  .map(([key, item]) => `${key}=${String(item)}`)
                  .join("\n")
              : ""
          }
          parse={(text) => {
            const entries: [string, string][] = [];
            for (const line of text.split("\n")) {
              if (line.trim() === "") continue;
              const at = line.indexOf("=");
              if (at <= 0) return { error: `line "${line}" is not NAME=value` };
              entries.push([line.slice(0, at).trim(), line.slice(at + 1)]);
            }
            return { value: entries.length === 0 ? undefined : Object.fromEntries(entries) };
          }}
          onChange={onChange}
        />
      );
      break;
    case "json":
      input = (
        <DraftInput
          multiline
          inputProps={{ ...common, placeholder: "any JSON value, e.g. 42, \"text\", [1, 2]" }}
          value={value}
          format={(current) => (current === undefined ? "" : JSON.stringify(current, null, 2))}
          parse={(text) => {
            if (text.trim() === "") return { value: undefined };
            try {
              return { value: JSON.parse(text) as Json };
            } catch {
              return { error: "is not valid JSON" };
            }
          }}
          onChange={onChange}
        />
      );
      break;
  }
  return (
    <div className="schema-form__field">
      {label}
      {input}
      {help}
    </div>
  );
}

interface DraftInputProps {
  value: Json | undefined;
  format(value: Json | undefined): string;
  parse(text: string): { value: Json | undefined } | { error: string };
  onChange(value: Json | undefined): void;
  multiline?: boolean;
  inputProps: Record<string, unknown>;
}

/** A text input that keeps what is typed and commits it only when it parses. */
export function DraftInput({ value, format, parse, onChange, multiline, inputProps }: DraftInputProps) {
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo, another node) unless the draft already means the same.
    setText((current) => {
      const parsed = parse(current);
      return "value" in parsed && JSON.stringify(parsed.value) === JSON.stringify(value) ? current : format(value);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  const handle = (next: string) => {
    setText(next);
    const parsed = parse(next);
    if ("error" in parsed) setError(parsed.error);
    else {
      setError(null);
      onChange(parsed.value);
    }
  };
  const props = { ...inputProps, value: text, "aria-invalid": error !== null || inputProps["aria-invalid"] === true };
  return (
    <>
      {multiline === true ? (
        <textarea {...props} rows={3} onChange={(event) => handle(event.target.value)} />
      ) : (
        <input {...props} type="text" onChange={(event) => handle(event.target.value)} />
      )}
      {error !== null && (
        <div className="schema-form__error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}
