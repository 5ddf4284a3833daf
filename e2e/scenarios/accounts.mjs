// Sign-up through the form, and a second user (another organization) who cannot see the first
// user's DAG or execution.
import { errorCode, gqlAnswer, signIn } from "../lib/api.mjs";
import { check } from "../lib/harness.mjs";

/** A fresh user: random email, a valid password. */
export function freshUser(label) {
  const id = Math.random().toString(36).slice(2, 10);
  return { name: `${label} ${id}`, email: `${label.toLowerCase()}-${id}@example.org`, password: `pw-${id}-correct-horse` };
}

/** Sign `user` up through the form in a new browser context; the context and its page. */
export async function signUpInBrowser(ctx, user) {
  const context = await ctx.browser.newContext({ baseURL: ctx.baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill(user.name);
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByLabel("Confirm password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => url.pathname === "/dags");
  return { context, page };
}

export const signUp = {
  name: "sign up through the form",
  async run(ctx) {
    const user = freshUser("Ada");
    const { context, page } = await signUpInBrowser(ctx, user);
    await page.getByText("No DAGs yet").waitFor();
    // A reload keeps the session (the httpOnly refresh cookie), with no token in storage.
    await page.reload();
    await page.getByText("No DAGs yet").waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    check(!/eyJ|open_[0-9a-f]{12}_/.test(stored), `a token is in web storage: ${stored}`);
    ctx.userA = { ...user, context, page, token: await signIn(ctx.baseUrl, user.email, user.password) };
  },
};

export const isolation = {
  name: "a user of another organization cannot see the DAG",
  needs: ["sign up through the form", "the monitor follows a run created through the API live"],
  async run(ctx) {
    const user = freshUser("Bob");
    const { context, page } = await signUpInBrowser(ctx, user);
    ctx.userB = { ...user, context, page };
    await page.getByText("No DAGs yet").waitFor();
    check((await page.getByText(ctx.apiDag.name).count()) === 0, "the other organization's DAG is listed");

    await page.goto(`/dags/${ctx.apiDag.id}`);
    await page.getByText(/not found/i).first().waitFor();
    check((await page.getByText(ctx.apiDag.name).count()) === 0, "the DAG page shows the other organization's DAG");

    await page.goto(`/executions/${ctx.apiDag.executionId}`);
    await page.getByText("Execution not found").waitFor();

    const token = await signIn(ctx.baseUrl, user.email, user.password);
    const dag = await gqlAnswer(ctx.baseUrl, "query($id: ID!) { dag(id: $id) { name } }", { id: ctx.apiDag.id }, token);
    check(errorCode(dag) === "NOT_FOUND", `dag(id) answered ${JSON.stringify(dag)}`);
    const list = await gqlAnswer(ctx.baseUrl, "{ dags { totalCount } executions { totalCount } }", {}, token);
    check(list.data?.dags.totalCount === 0 && list.data?.executions.totalCount === 0, `lists: ${JSON.stringify(list)}`);
  },
};
