// A DAG version's declared run parameters as form fields (reusing the editor's schema form).
import type { DagDefinition, Json, RunParamDef } from "../../graph/definition";
import { type FieldSpec, schemaFields } from "../editor/lib/schemaForm";

function paramSchema(spec: RunParamDef): Record<string, unknown> {
  const schema: Record<string, unknown> = { description: spec.description ?? "" };
  if (spec.default !== undefined && spec.default !== null && spec.required !== true) schema.default = spec.default;
  switch (spec.type) {
    case "string":
    case "integer":
    case "number":
      schema.type = spec.type;
      break;
    case "boolean":
      schema.enum = [true, false];
      break;
    default:
      // array, object, any: a JSON value.
      break;
  }
  return schema;
}

/** Form fields of the params `definition` declares, sorted by name. */
export function runParamFields(definition: DagDefinition): FieldSpec[] {
  const params = definition.params ?? {};
  const names = Object.keys(params).sort();
  return schemaFields({
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, paramSchema(params[name] as RunParamDef)])),
    required: names.filter((name) => params[name]?.required === true),
  });
}

/** Per-parameter problems from a VALIDATION_FAILED error's `extensions.details.params`. */
export function paramProblems(details: unknown): Record<string, string> {
  if (typeof details !== "object" || details === null) return {};
  const params = (details as { params?: unknown }).params;
  if (typeof params !== "object" || params === null) return {};
  return Object.fromEntries(
    Object.entries(params as Record<string, unknown>).map(([name, problem]) => [name, String(problem as Json)]),
  );
}
