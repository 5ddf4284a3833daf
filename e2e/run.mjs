// The browser tests: playwright-core driving Debian's headless Chromium (no browser download)
// against a running OPEN gateway that serves the web app. Started by e2e/tests/test_browser.py,
// which brings up the real stack; by hand: OPEN_E2E_BASE_URL=http://127.0.0.1:8000 node e2e/run.mjs
//
// Environment:
//   OPEN_E2E_BASE_URL   the gateway (required)
//   OPEN_E2E_CHROMIUM   the browser binary (default /usr/bin/chromium)
//   OPEN_E2E_OPENCTL    the CLI command as a JSON list (default ["uv", "run", "openctl"])
//   OPEN_E2E_ARTIFACTS  where screenshots go (default e2e/artifacts)
//   OPEN_E2E_ONLY       run only scenarios whose name contains this text (with their needs)
// Prints one line per scenario and "N passed, M failed"; exits 1 if any failed.
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { runScenarios, writeReport } from "./lib/harness.mjs";
import { isolation, signUp } from "./scenarios/accounts.mjs";
import { apiKeyWithCli } from "./scenarios/apiKeys.mjs";
import { editorScenarios } from "./scenarios/editor.mjs";
import { cancelFromMonitor, liveMonitor, retryFromMonitor } from "./scenarios/monitor.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
// playwright-core is a dependency of the web app (frontend/package.json): resolve it from there.
const { chromium } = createRequire(path.join(here, "..", "frontend", "package.json"))("playwright-core");

const baseUrl = process.env.OPEN_E2E_BASE_URL;
if (!baseUrl) {
  console.error("OPEN_E2E_BASE_URL is not set: the gateway to test, e.g. http://127.0.0.1:8000");
  process.exit(2);
}
const artifacts = path.resolve(process.env.OPEN_E2E_ARTIFACTS ?? path.join(here, "artifacts"));
await mkdir(artifacts, { recursive: true });

const scenarios = [signUp, liveMonitor, retryFromMonitor, cancelFromMonitor, apiKeyWithCli, isolation, ...editorScenarios];
const only = process.env.OPEN_E2E_ONLY;
const wanted = only ? withNeeds(scenarios, scenarios.filter((s) => s.name.includes(only))) : scenarios;

const browser = await chromium.launch({
  executablePath: process.env.OPEN_E2E_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const ctx = {
  baseUrl: baseUrl.replace(/\/$/, ""),
  artifacts,
  browser,
  openctl: JSON.parse(process.env.OPEN_E2E_OPENCTL ?? '["uv", "run", "openctl"]'),
};
let results;
try {
  results = await runScenarios(wanted, ctx);
} finally {
  await browser.close();
}
await writeReport(artifacts, results);
console.log(`${results.passed.length} passed, ${results.failed.length} failed`);
process.exit(results.failed.length === 0 ? 0 : 1);

/** `chosen` and every scenario they need, in the order of `all`. */
function withNeeds(all, chosen) {
  const names = new Set(chosen.map((s) => s.name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of all) {
      if (!names.has(s.name)) continue;
      for (const need of s.needs ?? []) if (!names.has(need)) (names.add(need), (changed = true));
    }
  }
  return all.filter((s) => names.has(s.name));
}
