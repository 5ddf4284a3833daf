// The live monitor of an execution created through the API: every node turns to succeeded as
// the events arrive over the websocket (no polling), the node panel shows results and log
// lines, the timeline has an attempt per node, Retry starts a new run, and Cancel stops one.
import path from "node:path";

import { createDag, execute, executionStatus } from "../lib/api.mjs";
import { check } from "../lib/harness.mjs";

const NODES = ["extract", "report", "shout", "wait"];

/** Four nodes: extract, then wait (sleeps) and shout (a program logging to stderr), then report. */
export function pipelineDefinition(name) {
  return {
    schema_version: 1,
    name,
    nodes: [
      { id: "extract", task: { type: "noop", config: { result: { rows: [1, 2, 3], source: "e2e" } } } },
      { id: "wait", task: { type: "sleep", config: { seconds: 4 } }, depends_on: ["extract"] },
      {
        id: "shout",
        task: { type: "command", config: { argv: ["sh", "-c", "echo 'step one' >&2; echo 'step two' >&2; echo 42"] } },
        depends_on: ["extract"],
      },
      { id: "report", task: { type: "noop", config: { result: "done" } }, depends_on: ["shout", "wait"] },
    ],
  };
}

/** Wait until the monitor's execution status is `status` (lower case). */
async function waitForStatus(page, status, timeout = 60_000) {
  await page.locator(`[data-testid="execution-status"][data-status="${status}"]`).waitFor({ timeout });
}

export const liveMonitor = {
  name: "the monitor follows a run created through the API live",
  needs: ["sign up through the form"],
  async run(ctx) {
    const { page, token } = ctx.userA;
    const name = `api-pipeline-${Math.random().toString(36).slice(2, 8)}`;
    const dagId = await createDag(ctx.baseUrl, token, name, pipelineDefinition(name));
    const executionId = await execute(ctx.baseUrl, token, dagId);
    ctx.apiDag = { id: dagId, name, executionId };

    const stateReads = [];
    page.on("request", (request) => {
      // Queries go as GET (urql's default within the URL limit) or POST.
      const sent = `${request.url()} ${request.postData() ?? ""}`;
      if (new URL(request.url()).pathname === "/graphql" && sent.includes("MonitorExecutionState")) {
        stateReads.push(request.url());
      }
    });
    await page.goto(`/executions/${executionId}`);
    await page.getByRole("heading", { name }).waitFor();
    for (const node of NODES) await page.getByTestId(`dag-node-${node}`).waitFor();
    const first = await page.getByTestId("execution-status").getAttribute("data-status");
    check(first === "queued" || first === "running", `the run had already ended when the monitor opened (${first})`);
    // "wait" sleeps 4 s: the monitor must show it unfinished, then finished, without a reload.
    await page.locator('[data-testid="dag-node-wait"]:not([data-status="SUCCEEDED"])').waitFor();
    await waitForStatus(page, "succeeded");
    for (const node of NODES) {
      await page.locator(`[data-testid="dag-node-${node}"][data-status="SUCCEEDED"]`).waitFor({ timeout: 5_000 });
    }
    check(stateReads.length === 1, `the stored state was read ${stateReads.length} times: the monitor polls`);
    check((await executionStatus(ctx.baseUrl, token, executionId)) === "SUCCEEDED", "the API disagrees");
    await page.getByTestId("monitor-progress").filter({ hasText: "4 / 4 nodes ended" }).waitFor();
    await page.getByTestId("monitor-link").filter({ hasText: "Run ended" }).waitFor();
    const bars = page.locator('svg[aria-label="Timeline of attempts"] rect[data-outcome="succeeded"]');
    check((await bars.count()) === 4, `the timeline shows ${await bars.count()} succeeded attempts, not 4`);

    // A node's result, as JSON.
    await page.getByTestId("dag-node-extract").click();
    const panel = page.getByTestId("node-panel");
    await panel.getByRole("heading", { name: "extract" }).waitFor();
    await panel.locator('[data-testid="node-panel-status"][data-status="succeeded"]').waitFor();
    await panel.getByRole("group", { name: "Result" }).getByText('"e2e"').waitFor();
    // Another node's log lines, then Escape closes the panel.
    await page.getByTestId("dag-node-shout").click();
    await panel.getByRole("heading", { name: "shout" }).waitFor();
    await panel.getByTestId("node-logs").getByText("step two").waitFor();
    await panel.getByRole("group", { name: "Result" }).getByText("42").waitFor();
    await page.screenshot({ path: path.join(ctx.artifacts, "monitor.png"), fullPage: true });
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
  },
};

export const retryFromMonitor = {
  name: "retry from the monitor starts a new run that succeeds",
  needs: ["the monitor follows a run created through the API live"],
  async run(ctx) {
    const { page } = ctx.userA;
    await page.goto(`/executions/${ctx.apiDag.executionId}`);
    await waitForStatus(page, "succeeded");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/executions/") && !url.pathname.endsWith(ctx.apiDag.executionId));
    await page.getByRole("link", { name: "Retry of an earlier run" }).waitFor();
    await waitForStatus(page, "succeeded");
    await page.getByTestId("monitor-progress").filter({ hasText: "4 / 4 nodes ended" }).waitFor();
  },
};

/** Seconds the slow node of the cancel scenario would sleep if nothing stopped it. */
const SLOW_SECONDS = 20;

export const cancelFromMonitor = {
  name: "cancel from the monitor stops a running run",
  needs: ["sign up through the form"],
  async run(ctx) {
    const { page, token } = ctx.userA;
    const name = `api-slow-${Math.random().toString(36).slice(2, 8)}`;
    const dagId = await createDag(ctx.baseUrl, token, name, {
      schema_version: 1,
      name,
      nodes: [
        { id: "slow", task: { type: "sleep", config: { seconds: SLOW_SECONDS } } },
        { id: "after", task: { type: "noop", config: { result: "never" } }, depends_on: ["slow"] },
      ],
    });
    const executionId = await execute(ctx.baseUrl, token, dagId);
    await page.goto(`/executions/${executionId}`);
    await page.getByRole("heading", { name }).waitFor();
    // Cancel only once the slow node is really running on the worker.
    await page.locator('[data-testid="dag-node-slow"][data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    await waitForStatus(page, "running", 5_000);
    const cancelled = performance.now();
    await page.getByRole("button", { name: "Cancel run" }).click();
    await waitForStatus(page, "cancelled", 5_000);
    const seconds = (performance.now() - cancelled) / 1000;
    check(seconds < SLOW_SECONDS / 2, `the run showed cancelled only after ${seconds.toFixed(1)} s`);
    await page.locator('[data-testid="dag-node-slow"][data-status="CANCELLED"]').waitFor({ timeout: 5_000 });
    check(
      (await page.locator('[data-testid="dag-node-after"][data-status="SUCCEEDED"]').count()) === 0,
      "the node after the cancelled one ran",
    );
    await page.getByRole("button", { name: "Retry" }).waitFor();
    check((await page.getByRole("button", { name: "Cancel run" }).count()) === 0, "an ended run still offers Cancel");
    check((await executionStatus(ctx.baseUrl, token, executionId)) === "CANCELLED", "the API does not say CANCELLED");
  },
};
