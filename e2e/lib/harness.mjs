// A small sequential test harness for the browser scenarios: each scenario is named, runs in
// order with a shared context (later ones use what earlier ones made: users, DAGs, executions),
// and a failure is recorded with a screenshot of every open page, without stopping the rest.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** @typedef {{ name: string, needs: string[], run: (ctx: any) => Promise<void> }} Scenario */

/** Lower-case words joined by hyphens, for file names. */
export function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/(^-|-$)/g, "");
}

/**
 * Run `scenarios` in order. A scenario whose `needs` (names of earlier scenarios) did not pass
 * fails at once, naming them.
 * @returns {{ passed: string[], failed: { name: string, error: string }[] }}
 */
export async function runScenarios(scenarios, ctx) {
  const passed = [];
  const failed = [];
  for (const scenario of scenarios) {
    const missing = (scenario.needs ?? []).filter((name) => !passed.includes(name));
    const started = performance.now();
    if (missing.length > 0) {
      failed.push({ name: scenario.name, error: `needs ${missing.join(", ")}, which did not pass` });
      console.log(`FAIL ${scenario.name}: needs ${missing.join(", ")}`);
      continue;
    }
    try {
      await scenario.run(ctx);
      passed.push(scenario.name);
      console.log(`ok   ${scenario.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failed.push({ name: scenario.name, error: message });
      console.log(`FAIL ${scenario.name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n${indent(message)}`);
      await screenshotAll(ctx, `failed-${slug(scenario.name)}`);
    }
  }
  return { passed, failed };
}

function indent(text) {
  return text
    .split("\n")
    .map((line) => `     ${line}`)
    .join("\n");
}

/** A screenshot of every open page of the browser, as <artifacts>/<prefix>-<n>.png. */
async function screenshotAll(ctx, prefix) {
  let index = 0;
  for (const context of ctx.browser.contexts()) {
    for (const page of context.pages()) {
      index += 1;
      const file = path.join(ctx.artifacts, `${prefix}-${index}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true });
        console.log(`     screenshot: ${path.relative(process.cwd(), file)} (${page.url()})`);
      } catch {
        // a page closing while the failure is reported has nothing to show
      }
    }
  }
}

/** Write the results as JSON (for CI), creating the folder. */
export async function writeReport(folder, results) {
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "results.json"), JSON.stringify(results, null, 2));
}

/** Throws `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}
