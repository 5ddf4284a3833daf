import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { renderScreen, testClient } from "../../api/testing";
import ApiKeysPage from "./ApiKeysPage";

afterEach(cleanup);

const SECRET = "open_sk_abcdef0123456789_the-secret-part";

function key(id: string, name: string, extra: Record<string, unknown> = {}) {
  return { id, name, prefix: `pfx${id}`, role: "EDITOR", createdAt: "2026-03-01T12:00:00Z", lastUsedAt: null, expiresAt: null, revokedAt: null, createdBy: { name: "Ada", email: "ada@example.org" }, ...extra };
}

function server() {
  const keys = [key("k1", "ci")];
  return testClient(({ operationName, variables }) => {
    if (operationName === "ApiKeys") return { data: { apiKeys: [...keys] } };
    if (operationName === "CreateApiKey") {
      const input = variables.input as { name: string; role: string };
      const created = key("k2", input.name, { role: input.role });
      keys.unshift(created);
      return { data: { createApiKey: { secret: SECRET, apiKey: created } } };
    }
    if (operationName === "RevokeApiKey") return { data: { revokeApiKey: { id: variables.id, revokedAt: "2026-03-01T13:00:00Z" } } };
    return "pending";
  });
}

describe("ApiKeysPage", () => {
  it("shows a new key's secret once, with a copy button, and never again", async () => {
    const user = userEvent.setup(); // with its clipboard stub
    const { client, calls } = server();
    renderScreen(<ApiKeysPage />, { client, path: "/settings/api-keys" });
    await screen.findByText("ci");
    await user.click(screen.getByRole("button", { name: "Create API key" }));
    const dialog = screen.getByRole("dialog", { name: "Create an API key" });
    await user.type(within(dialog).getByLabelText("Name"), "deploy bot");
    await user.selectOptions(within(dialog).getByLabelText("Role"), "VIEWER");
    await user.click(within(dialog).getByRole("button", { name: "Create key" }));

    const shown = await screen.findByRole("dialog", { name: "API key created" });
    expect(within(shown).getByLabelText("API key secret").textContent).toBe(SECRET);
    expect(within(shown).getByText(/shown only once/)).toBeTruthy();
    await user.click(within(shown).getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(within(shown).getByRole("button", { name: "Copied" })).toBeTruthy();
    expect(calls.find((c) => c.operationName === "CreateApiKey")?.variables).toEqual({ input: { name: "deploy bot", role: "VIEWER", expiresAt: null } });

    await user.click(within(shown).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
    // Opening the dialog again starts a new key: the old secret is gone.
    await user.click(screen.getByRole("button", { name: "Create API key" }));
    expect(screen.getByRole("dialog", { name: "Create an API key" })).toBeTruthy();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it("asks for a name before creating", async () => {
    const { client, calls } = server();
    renderScreen(<ApiKeysPage />, { client, path: "/settings/api-keys" });
    await screen.findByText("ci");
    await userEvent.click(screen.getByRole("button", { name: "Create API key" }));
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(screen.getByText(/Name the key/)).toBeTruthy();
    expect(calls.map((c) => c.operationName)).not.toContain("CreateApiKey");
  });

  it("closes the dialog with Escape", async () => {
    const { client } = server();
    renderScreen(<ApiKeysPage />, { client, path: "/settings/api-keys" });
    await screen.findByText("ci");
    await userEvent.click(screen.getByRole("button", { name: "Create API key" }));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("revokes a key after confirmation", async () => {
    const { client, calls } = server();
    renderScreen(<ApiKeysPage />, { client, path: "/settings/api-keys" });
    await userEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Revoke this API key?" })).getByRole("button", { name: "Revoke" }));
    await waitFor(() => expect(calls.find((c) => c.operationName === "RevokeApiKey")?.variables).toEqual({ id: "k1" }));
    expect(await screen.findByText("API key “ci” revoked")).toBeTruthy();
  });

  it("explains that a non-admin cannot manage keys", async () => {
    const { client } = testClient(({ operationName }) => (operationName === "ApiKeys" ? { error: { message: "needs ADMIN", code: "FORBIDDEN" } } : "pending"));
    renderScreen(<ApiKeysPage />, { client, path: "/settings/api-keys" });
    expect((await screen.findByRole("alert")).textContent).toContain("needs the Admin role");
  });
});
