// The visual editor: build a 4-node diamond by clicking task types in the palette and dragging
// edges between node handles with the mouse, see a cycle refused, save two versions with
// messages, run the latest from the editor and watch it succeed on the live monitor.
import path from "node:path";

import { gql } from "../lib/api.mjs";
import { check } from "../lib/harness.mjs";

/** The diamond: a -> b, a -> c, b -> d, c -> d, each node with the config its form needs. */
const NODES = [
  { id: "a", type: "noop", fill: { result: '{"rows": [1, 2, 3], "source": "editor"}' } },
  { id: "b", type: "sleep", fill: { seconds: "1" } },
  { id: "c", type: "command", fill: { argv: "echo\n42" } },
  { id: "d", type: "noop", fill: { result: '"done"' } },
];
const EDGES = [
  ["a", "b"],
  ["a", "c"],
  ["b", "d"],
  ["c", "d"],
];

/** The middle of a locator's box on the screen. */
async function middle(locator) {
  const box = await locator.boundingBox();
  check(box !== null, `${locator} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag with the mouse from `source`'s output handle to `target`'s input handle. */
async function dragEdge(page, source, target) {
  const from = await middle(page.getByTestId(`handle-source-${source}`));
  const to = await middle(page.getByTestId(`handle-target-${target}`));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 15, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

/** Click Auto-layout and wait until the nodes stop moving (the layout runs async, then fits the view). */
async function autoLayout(page) {
  const boxes = () =>
    page.locator(".react-flow__node").evaluateAll((nodes) => JSON.stringify(nodes.map((node) => node.getBoundingClientRect())));
  const before = await boxes();
  await page.getByRole("button", { name: "Auto-layout" }).click();
  let previous = before;
  for (let tries = 0; tries < 50; tries += 1) {
    await page.waitForTimeout(100);
    const now = await boxes();
    if (now !== before && now === previous) return;
    previous = now;
  }
  throw new Error("the nodes did not settle after Auto-layout");
}

/** The edges React Flow draws on the canvas. */
function drawnEdges(page) {
  return page.getByTestId("editor-canvas").locator(".react-flow__edge");
}

/** Wait until the server's validation of the present definition has no problems. */
async function waitValid(page) {
  await page.getByTestId("problems-none").waitFor();
  await page.getByTestId("problems-count").filter({ hasText: /^0$/ }).waitFor();
}

/** Add a node of `type` from the palette, rename it to `id` and fill its config form. */
async function addNode(page, { id, type, fill }) {
  await page.getByRole("complementary", { name: "Task types" }).getByRole("button", { name: `Add ${type} node` }).click();
  // A new node is selected: the inspector shows it under its generated id, which we replace.
  const fresh = page.locator(`[data-testid="inspector"][aria-label="Node ${type}"]`);
  await fresh.waitFor();
  const idField = fresh.getByLabel("Node id", { exact: true });
  await idField.fill(id);
  await idField.press("Enter");
  await page.locator(`[data-testid="inspector"][aria-label="Node ${id}"]`).waitFor();
  await page.getByTestId(`dag-node-${id}`).waitFor();
  for (const [field, text] of Object.entries(fill)) {
    await page.locator(`[data-testid="inspector"][aria-label="Node ${id}"]`).getByTestId(`config-${field}`).fill(text);
  }
}

export const buildInEditor = {
  name: "a diamond DAG drawn in the editor is saved, refuses a cycle and runs",
  needs: ["sign up through the form"],
  async run(ctx) {
    const { page, token } = ctx.userA;
    const name = `editor-diamond-${Math.random().toString(36).slice(2, 8)}`;
    await page.goto("/dags");
    await page.getByRole("button", { name: "New DAG" }).first().click();
    await page.waitForURL((url) => url.pathname === "/dags/new");
    await page.getByTestId("editor").waitFor();
    await page.getByLabel("DAG name").fill(name);

    // A sleep node without its required seconds is a problem the server reports, on that node.
    await addNode(page, NODES[0]);
    await addNode(page, { ...NODES[1], fill: {} });
    await page.locator('[data-testid="problem"][data-node-id="b"]').waitFor();
    await page.locator('[data-testid="dag-node-b"].dag-node--invalid').waitFor();
    await page.locator('[data-testid="inspector"][aria-label="Node b"]').getByTestId("config-seconds").fill("1");
    await page.locator('[data-testid="problem"][data-node-id="b"]').waitFor({ state: "detached" });
    await addNode(page, NODES[2]);
    await addNode(page, NODES[3]);
    await waitValid(page);
    check((await page.locator(".react-flow__node").count()) === 4, "the canvas does not show 4 nodes");

    // Spread the nodes out, then draw the four edges by dragging from handle to handle.
    await autoLayout(page);
    for (const [source, target] of EDGES) {
      await dragEdge(page, source, target);
      await page.getByTestId(`rf__edge-order:${source}->${target}`).waitFor({ timeout: 5_000 });
    }
    check((await drawnEdges(page).count()) === 4, `the canvas shows ${await drawnEdges(page).count()} edges, not 4`);
    await autoLayout(page);
    await waitValid(page);

    // d -> a would close the cycle a -> b -> d -> a: refused, with the reason shown.
    await dragEdge(page, "d", "a");
    const notice = page.getByTestId("editor-notice");
    await notice.filter({ hasText: "Refused: d → a would close a cycle" }).waitFor({ timeout: 5_000 });
    check((await drawnEdges(page).count()) === 4, `after the refused edge the canvas shows ${await drawnEdges(page).count()} edges`);
    check((await page.getByTestId("rf__edge-order:d->a").count()) === 0, "the cycle-closing edge d -> a was drawn");
    await page.screenshot({ path: path.join(ctx.artifacts, "editor.png"), fullPage: true });
    await notice.getByRole("button", { name: "Dismiss" }).click();

    // Create the DAG (version 1) with a message.
    await page.getByRole("button", { name: "Save version…" }).click();
    let dialog = page.getByRole("dialog", { name: "Create the DAG" });
    await dialog.getByLabel("Version message").fill("diamond drawn in the browser");
    await dialog.getByRole("button", { name: "Create DAG" }).click();
    await page.waitForURL((url) => /^\/dags\/[^/]+\/edit$/.test(url.pathname));
    const dagId = new URL(page.url()).pathname.split("/")[2];
    await page.getByText("editing v1").waitFor();
    await page.getByTestId("unsaved-indicator").waitFor({ state: "detached" });
    check((await drawnEdges(page).count()) === 4, "the saved DAG does not show 4 edges");

    // Change b's sleep and save that as version 2.
    await page.getByTestId("dag-node-b").click();
    const inspectorB = page.locator('[data-testid="inspector"][aria-label="Node b"]');
    await inspectorB.getByTestId("config-seconds").fill("2");
    await page.getByTestId("unsaved-indicator").waitFor();
    await waitValid(page);
    await page.getByRole("button", { name: "Save version…" }).click();
    dialog = page.getByRole("dialog", { name: "Save a new version" });
    await dialog.getByLabel("Version message").fill("b sleeps 2 s");
    await dialog.getByRole("button", { name: "Save version" }).click();
    await page.getByText("editing v2").waitFor();
    await page.getByTestId("unsaved-indicator").waitFor({ state: "detached" });

    const stored = await gql(
      ctx.baseUrl,
      "query($id: ID!) { dag(id: $id) { name versions { nodes { version message nodeCount definition } } } }",
      { id: dagId },
      token,
    );
    const versions = stored.dag.versions.nodes;
    check(stored.dag.name === name, `the saved DAG is named ${stored.dag.name}`);
    check(
      JSON.stringify(versions.map((v) => [v.version, v.message, v.nodeCount])) ===
        JSON.stringify([
          [2, "b sleeps 2 s", 4],
          [1, "diamond drawn in the browser", 4],
        ]),
      `the stored versions are ${JSON.stringify(versions.map((v) => [v.version, v.message, v.nodeCount]))}`,
    );
    const latest = Object.fromEntries(versions[0].definition.nodes.map((node) => [node.id, node]));
    check(
      JSON.stringify(latest.d.depends_on?.toSorted()) === '["b","c"]' && JSON.stringify(latest.b.depends_on) === '["a"]',
      `the stored edges are wrong: ${JSON.stringify(versions[0].definition.nodes)}`,
    );
    check(latest.b.task.config.seconds === 2, `b's stored config is ${JSON.stringify(latest.b.task)}`);

    // Run version 2 from the editor and follow it on the monitor.
    await page.getByRole("button", { name: "Run v2" }).click();
    const runDialog = page.getByRole("dialog", { name: "Run version 2" });
    await runDialog.getByText("This DAG takes no parameters.").waitFor();
    await runDialog.getByRole("button", { name: "Run", exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/executions/"));
    await page.getByRole("heading", { name }).waitFor();
    for (const { id } of NODES) {
      await page.locator(`[data-testid="dag-node-${id}"][data-status="SUCCEEDED"]`).waitFor({ timeout: 60_000 });
    }
    await page.locator('[data-testid="execution-status"][data-status="succeeded"]').waitFor({ timeout: 10_000 });
    await page.getByTestId("monitor-progress").filter({ hasText: "4 / 4 nodes ended" }).waitFor();

    // a's result in the node panel.
    await page.getByTestId("dag-node-a").click();
    const panel = page.getByTestId("node-panel");
    await panel.getByRole("heading", { name: "a", exact: true }).waitFor();
    await panel.locator('[data-testid="node-panel-status"][data-status="succeeded"]').waitFor();
    await panel.getByRole("group", { name: "Result" }).getByText('"editor"').waitFor();
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
  },
};

export const editorScenarios = [buildInEditor];
