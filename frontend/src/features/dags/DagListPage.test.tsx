import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { type Answerer, renderScreen, testClient } from "../../api/testing";
import DagListPage from "./DagListPage";

afterEach(cleanup);

const DAGS = [
  {
    id: "d1",
    name: "etl",
    description: "nightly load",
    status: "ACTIVE",
    updatedAt: "2026-03-01T12:00:00Z",
    latestVersion: { version: 3 },
    activeVersion: { version: 2 },
    lastExecution: { id: "e1", status: "SUCCEEDED", createdAt: "2026-03-01T12:00:00Z" },
  },
  { id: "d2", name: "reports", description: "", status: "DRAFT", updatedAt: "2026-03-01T11:00:00Z", latestVersion: { version: 1 }, activeVersion: null, lastExecution: null },
];

/** Answers `dags` like the server: filtered by search (name or description) and status. */
const server: Answerer = ({ operationName, variables }) => {
  if (operationName !== "Dags") return "pending";
  const search = ((variables.search as string | null) ?? "").toLowerCase();
  const nodes = DAGS.filter((d) => (!search || `${d.name} ${d.description}`.includes(search)) && (!variables.status || d.status === variables.status));
  return { data: { dags: { totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes } } };
};

const rowNames = () => screen.getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]?.querySelector("a")?.textContent);

describe("DagListPage", () => {
  it("lists the DAGs with status, versions and last execution", async () => {
    const { client } = testClient(server);
    renderScreen(<DagListPage />, { client, path: "/dags" });
    await screen.findByRole("link", { name: "etl" });
    expect(rowNames()).toEqual(["etl", "reports"]);
    const etl = screen.getAllByRole("row")[1] as HTMLElement;
    expect(within(etl).getByText("Active")).toBeTruthy();
    expect(within(etl).getByText("(active v2)")).toBeTruthy();
    expect(within(screen.getAllByRole("row")[2] as HTMLElement).getByText("Never run")).toBeTruthy();
    expect(within(etl).getByText("Succeeded").closest("a")?.getAttribute("href")).toBe("/executions/e1");
  });

  it("reads the last executions from the page's one query, with no query per row", async () => {
    const { client, calls } = testClient(server);
    renderScreen(<DagListPage />, { client, path: "/dags" });
    await screen.findByRole("link", { name: "etl" });
    expect(new Set(calls.map((c) => c.operationName))).toEqual(new Set(["Dags"]));
  });

  it("sends the search text to the server and shows what matches", async () => {
    const { client, calls } = testClient(server);
    renderScreen(<DagListPage />, { client, path: "/dags" });
    await screen.findByRole("link", { name: "etl" });
    await userEvent.type(screen.getByLabelText("Search"), "nightly");
    await waitFor(() => expect(rowNames()).toEqual(["etl"]));
    expect(calls.filter((c) => c.operationName === "Dags").at(-1)?.variables).toMatchObject({ search: "nightly", status: null, after: null });
  });

  it("filters by status", async () => {
    const { client, calls } = testClient(server);
    renderScreen(<DagListPage />, { client, path: "/dags" });
    await screen.findByRole("link", { name: "etl" });
    await userEvent.selectOptions(screen.getByLabelText("Status"), "DRAFT");
    await waitFor(() => expect(rowNames()).toEqual(["reports"]));
    expect(calls.filter((c) => c.operationName === "Dags").at(-1)?.variables).toMatchObject({ status: "DRAFT" });
  });

  it("reads the filters from the URL", async () => {
    const { client, calls } = testClient(server);
    renderScreen(<DagListPage />, { client, path: "/dags?q=rep&status=DRAFT" });
    await screen.findByRole("link", { name: "reports" });
    expect((screen.getByLabelText("Search") as HTMLInputElement).value).toBe("rep");
    expect(calls.find((c) => c.operationName === "Dags")?.variables).toMatchObject({ search: "rep", status: "DRAFT" });
  });

  it("says when no DAG matches and clears the filters", async () => {
    const { client } = testClient(server);
    renderScreen(<DagListPage />, { client, path: "/dags?q=nothing-like-this" });
    expect(await screen.findByText("No DAGs match")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(rowNames()).toEqual(["etl", "reports"]));
  });

  it("invites to create the first DAG when there is none", async () => {
    const { client } = testClient(({ operationName }) =>
      operationName === "Dags" ? { data: { dags: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } } : "pending",
    );
    renderScreen(<DagListPage />, { client, path: "/dags" });
    expect(await screen.findByText("No DAGs yet")).toBeTruthy();
  });

  it("shows the error and retries", async () => {
    let failing = true;
    const { client } = testClient((call) => (call.operationName === "Dags" && failing ? { error: { message: "the database is unreachable", code: "INTERNAL" } } : server(call)));
    renderScreen(<DagListPage />, { client, path: "/dags" });
    expect((await screen.findByRole("alert")).textContent).toContain("the database is unreachable");
    failing = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "etl" })).toBeTruthy();
  });
});
