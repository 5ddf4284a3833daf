// An API key created in the settings page (its secret shown once) works with the CLI.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

import { check } from "../lib/harness.mjs";

const run = promisify(execFile);

/** The API key secret shown on the page (in text or in a read-only field), or null. */
async function shownSecret(page) {
  return page.evaluate(() => {
    const pattern = /open_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/;
    const fields = [...document.querySelectorAll("input, textarea")].map((field) => field.value);
    for (const text of [document.body.innerText, ...fields]) {
      const found = text.match(pattern);
      if (found) return found[0];
    }
    return null;
  });
}

export const apiKeyWithCli = {
  name: "an API key created in settings works with the CLI",
  needs: ["the monitor follows a run created through the API live"],
  async run(ctx) {
    const { page } = ctx.userA;
    await page.goto("/settings/api-keys");
    await page.getByRole("button", { name: /create api key|new api key|create key/i }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name", { exact: true }).fill("e2e cli key");
    await dialog.getByRole("button", { name: /^create/i }).click();
    await page.getByText(/only (once|now)|will not be shown again|won.t see it again/i).first().waitFor();
    const secret = await shownSecret(page);
    check(secret !== null, "no API key secret is shown after creating a key");

    const [command, ...args] = ctx.openctl;
    const { stdout } = await run(
      command,
      [...args, "executions", "list", "--server", ctx.baseUrl, "--api-key", secret, "--json"],
      { env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 },
    );
    check(stdout.includes(ctx.apiDag.executionId), `openctl executions list does not list the run:\n${stdout}`);
    JSON.parse(stdout); // one JSON object

    // A wrong key is refused by the CLI.
    const refused = await run(command, [...args, "executions", "list", "--server", ctx.baseUrl, "--api-key", `${secret.slice(0, -4)}AAAA`], {
      timeout: 60_000,
    }).then(
      () => false,
      () => true,
    );
    check(refused, "openctl accepted a wrong API key");
  },
};
