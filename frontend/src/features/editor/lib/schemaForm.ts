// Form fields from a task type's config JSON Schema, for the subset the task types use:
// object with properties, string (pattern, minLength), integer, number (minimum, maximum,
// exclusiveMinimum), boolean, enum, array of strings or numbers, object of strings
// (additionalProperties: string) and, for anything else, a raw JSON value.
import type { Json } from "../../../graph/definition";

interface Common {
  name: string;
  /** Dotted path from the config root, e.g. "retry.max_attempts". */
  path: string;
  description: string;
  required: boolean;
  default: Json | undefined;
}

/** One form field; `kind` says which input draws it. */
export type FieldSpec =
  | (Common & { kind: "string"; pattern?: string; minLength?: number })
  | (Common & { kind: "integer" | "number"; minimum?: number; maximum?: number; exclusiveMinimum?: number })
  | (Common & { kind: "boolean" })
  | (Common & { kind: "enum"; options: Json[] })
  | (Common & { kind: "list"; item: "string" | "integer" | "number"; minItems?: number })
  | (Common & { kind: "map" })
  | (Common & { kind: "object"; fields: FieldSpec[] })
  | (Common & { kind: "json" });

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function field(name: string, path: string, schema: Schema, required: boolean): FieldSpec {
  const common: Common = {
    name,
    path,
    description: typeof schema.description === "string" ? schema.description : "",
    required,
    default: schema.default as Json | undefined,
  };
  if (Array.isArray(schema.enum)) return { ...common, kind: "enum", options: schema.enum as Json[] };
  switch (schema.type) {
    case "string": {
      const spec: FieldSpec = { ...common, kind: "string" };
      if (typeof schema.pattern === "string") spec.pattern = schema.pattern;
      const minLength = num(schema.minLength);
      if (minLength !== undefined) spec.minLength = minLength;
      return spec;
    }
    case "integer":
    case "number": {
      const spec: FieldSpec = { ...common, kind: schema.type };
      const [minimum, maximum, exclusiveMinimum] = [num(schema.minimum), num(schema.maximum), num(schema.exclusiveMinimum)];
      if (minimum !== undefined) spec.minimum = minimum;
      if (maximum !== undefined) spec.maximum = maximum;
      if (exclusiveMinimum !== undefined) spec.exclusiveMinimum = exclusiveMinimum;
      return spec;
    }
    case "boolean":
      return { ...common, kind: "boolean" };
    case "array": {
      const itemType = isSchema(schema.items) ? schema.items.type : undefined;
      if (itemType === "string" || itemType === "integer" || itemType === "number") {
        const spec: FieldSpec = { ...common, kind: "list", item: itemType };
        const minItems = num(schema.minItems);
        if (minItems !== undefined) spec.minItems = minItems;
        return spec;
      }
      return { ...common, kind: "json" };
    }
    case "object": {
      if (isSchema(schema.properties)) return { ...common, kind: "object", fields: schemaFields(schema, path) };
      if (isSchema(schema.additionalProperties) && schema.additionalProperties.type === "string") {
        return { ...common, kind: "map" };
      }
      return { ...common, kind: "json" };
    }
    default:
      return { ...common, kind: "json" };
  }
}

/** The fields of an object schema's properties, in declaration order. */
export function schemaFields(schema: unknown, basePath = ""): FieldSpec[] {
  if (!isSchema(schema) || !isSchema(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties).map(([name, sub]) =>
    field(name, basePath === "" ? name : `${basePath}.${name}`, isSchema(sub) ? sub : {}, required.has(name)),
  );
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueProblem(spec: FieldSpec, value: Json): string | null {
  switch (spec.kind) {
    case "string":
      if (typeof value !== "string") return "must be text";
      if (spec.minLength !== undefined && value.length < spec.minLength) return `needs at least ${spec.minLength} characters`;
      if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(value)) return `must match ${spec.pattern}`;
      return null;
    case "integer":
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
      if (spec.kind === "integer" && !Number.isInteger(value)) return "must be a whole number";
      if (spec.minimum !== undefined && value < spec.minimum) return `must be at least ${spec.minimum}`;
      if (spec.exclusiveMinimum !== undefined && value <= spec.exclusiveMinimum) return `must be more than ${spec.exclusiveMinimum}`;
      if (spec.maximum !== undefined && value > spec.maximum) return `must be at most ${spec.maximum}`;
      return null;
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "enum":
      return spec.options.some((option) => JSON.stringify(option) === JSON.stringify(value))
        ? null
        : `must be one of ${spec.options.map((option) => JSON.stringify(option)).join(", ")}`;
    case "list":
      if (!Array.isArray(value)) return "must be a list";
      if (spec.minItems !== undefined && value.length < spec.minItems) return `needs at least ${spec.minItems} item(s)`;
      if (value.some((item) => (spec.item === "string" ? typeof item !== "string" : typeof item !== "number"))) {
        return spec.item === "string" ? "items must be text" : "items must be numbers";
      }
      return null;
    case "map":
      return isObject(value) && Object.values(value).every((item) => typeof item === "string")
        ? null
        : "must be names with text values";
    case "object":
      return isObject(value) ? null : "must be an object";
    case "json":
      return null;
  }
}

/** Problems of `value` against `fields`, by field path (required fields missing, wrong types, bounds). */
export function formProblems(fields: readonly FieldSpec[], value: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  const object = isObject(value) ? value : {};
  for (const spec of fields) {
    const current = object[spec.name];
    if (current === undefined) {
      if (spec.required) problems[spec.path] = "is required";
      continue;
    }
    const problem = valueProblem(spec, current);
    if (problem !== null) problems[spec.path] = problem;
    else if (spec.kind === "object") Object.assign(problems, formProblems(spec.fields, current));
  }
  return problems;
}

/** A starting config: required fields that have a default get it; everything else is left out. */
export function initialConfig(fields: readonly FieldSpec[]): Record<string, Json> {
  const config: Record<string, Json> = {};
  for (const spec of fields) {
    if (!spec.required) continue;
    if (spec.default !== undefined) config[spec.name] = spec.default;
    else if (spec.kind === "object") config[spec.name] = initialConfig(spec.fields);
  }
  return config;
}

/** `object` with `name` set to `value`, or removed when `value` is undefined. */
export function withField(object: Record<string, Json>, name: string, value: Json | undefined): Record<string, Json> {
  const copy = { ...object };
  if (value === undefined) delete copy[name];
  else copy[name] = value;
  return copy;
}
