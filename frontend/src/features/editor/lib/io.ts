// Import and export of the JSON definition file.
import { canonicalDefinition, type DagDefinition, DefinitionParseError, parseDefinition } from "../../../graph/definition";

/** Read an imported file's text as a definition, or say why it cannot be used. */
export function readDefinitionFile(text: string): { ok: DagDefinition } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `The file is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    return { ok: parseDefinition(value) };
  } catch (error) {
    const message = error instanceof DefinitionParseError ? error.message : String(error);
    return { error: `The file is not a DAG definition: ${message}` };
  }
}

/** The canonical JSON text of a definition, as the export writes it (2-space indent, final newline). */
export function definitionFileText(definition: DagDefinition): string {
  return `${JSON.stringify(canonicalDefinition(definition), null, 2)}\n`;
}

/** A file name for a definition's export, e.g. "my-dag.json". */
export function definitionFileName(definition: DagDefinition): string {
  const stem = definition.name.trim().replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "");
  return `${stem === "" ? "dag" : stem}.json`;
}

/** Offer the definition as a download. */
export function downloadDefinition(definition: DagDefinition): void {
  const blob = new Blob([definitionFileText(definition)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = definitionFileName(definition);
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
