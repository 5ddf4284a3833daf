import { describe, expect, it, vi } from "vitest";

import { createAuth, EXPIRY_MARGIN_MS } from "./auth";
import { SessionStore } from "./session";
import { connectionPayload, websocketUrl } from "./ws";

const HOUR = 3_600_000;

interface Sent {
  body: { query: string };
  authorization: string | null;
  organization: string | null;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

const unauthenticated = () => json({ data: null, errors: [{ message: "the access token has expired", extensions: { code: "UNAUTHENTICATED" } }] });

function refreshed(token: string) {
  return json({
    data: {
      refreshToken: { accessToken: token, accessTokenExpiresAt: new Date(Date.now() + HOUR).toISOString(), user: { id: "u1", email: "a@example.org", name: "Ada" } },
    },
  });
}

/** A network that records requests and answers them with `answer`. */
function network(answer: (sent: Sent, index: number) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetchFn = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const request: Sent = { body: JSON.parse(String(init?.body)), authorization: headers.get("Authorization"), organization: headers.get("X-Organization-Id") };
    sent.push(request);
    return answer(request, sent.length - 1);
  });
  return { sent, fetch: fetchFn as unknown as typeof fetch };
}

function storeWith(token: string | null, expiresInMs = HOUR): SessionStore {
  const store = new SessionStore(null);
  if (token) store.setAccessToken({ token, expiresAt: Date.now() + expiresInMs });
  return store;
}

const isRefresh = (sent: Sent) => sent.body.query.includes("refreshToken");
const query = { method: "POST", body: JSON.stringify({ query: "{ me { user { id } } }" }) };

describe("createAuth().fetch", () => {
  it("sends the access token and the organization on each request", async () => {
    const net = network(() => json({ data: { me: null } }));
    const session = storeWith("t1");
    session.setOrganizationId("org-2");
    await createAuth({ session, fetch: net.fetch }).fetch("/graphql", query);
    expect(net.sent).toEqual([{ body: { query: "{ me { user { id } } }" }, authorization: "Bearer t1", organization: "org-2" }]);
  });

  it("refreshes once on UNAUTHENTICATED and retries with the new token", async () => {
    const net = network((sent) => (isRefresh(sent) ? refreshed("t2") : sent.authorization === "Bearer t2" ? json({ data: { ok: true } }) : unauthenticated()));
    const session = storeWith("t1");
    const response = await createAuth({ session, fetch: net.fetch }).fetch("/graphql", query);
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(net.sent.map((s) => (isRefresh(s) ? "refresh" : s.authorization))).toEqual(["Bearer t1", "refresh", "Bearer t2"]);
    expect(session.accessToken?.token).toBe("t2");
  });

  it("refreshes on an HTTP 401 as well", async () => {
    const net = network((sent) => (isRefresh(sent) ? refreshed("t2") : sent.authorization === "Bearer t2" ? json({ data: {} }) : new Response("", { status: 401 })));
    const response = await createAuth({ session: storeWith("t1"), fetch: net.fetch }).fetch("/graphql", query);
    expect(response.status).toBe(200);
    expect(net.sent.filter(isRefresh)).toHaveLength(1);
  });

  it("shares one refresh among concurrent requests refused together", async () => {
    const net = network((sent) => (isRefresh(sent) ? refreshed("t2") : sent.authorization === "Bearer t2" ? json({ data: {} }) : unauthenticated()));
    const auth = createAuth({ session: storeWith("t1"), fetch: net.fetch });
    const responses = await Promise.all([auth.fetch("/graphql", query), auth.fetch("/graphql", query), auth.fetch("/graphql", query)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(net.sent.filter(isRefresh)).toHaveLength(1);
    expect(net.sent.filter((s) => s.authorization === "Bearer t2")).toHaveLength(3);
  });

  it("ends the session when the refresh is refused, returning the original answer", async () => {
    const net = network(() => unauthenticated());
    const onSignedOut = vi.fn();
    const session = storeWith("t1");
    const response = await createAuth({ session, fetch: net.fetch, onSignedOut }).fetch("/graphql", query);
    expect((await response.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(session.accessToken).toBeNull();
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(net.sent.map((s) => (isRefresh(s) ? "refresh" : s.authorization))).toEqual(["Bearer t1", "refresh"]);
  });

  it("does not refresh for an anonymous request (a wrong password is not an expired token)", async () => {
    const net = network(() => unauthenticated());
    const response = await createAuth({ session: storeWith(null), fetch: net.fetch }).fetch("/graphql", query);
    expect((await response.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(net.sent).toHaveLength(1);
    expect(net.sent[0]?.authorization).toBeNull();
  });

  it("refreshes a token about to expire before sending it", async () => {
    const net = network((sent) => (isRefresh(sent) ? refreshed("t2") : json({ data: {} })));
    await createAuth({ session: storeWith("t1", EXPIRY_MARGIN_MS / 2), fetch: net.fetch }).fetch("/graphql", query);
    expect(net.sent.map((s) => (isRefresh(s) ? "refresh" : s.authorization))).toEqual(["refresh", "Bearer t2"]);
  });

  it("passes other errors through without refreshing", async () => {
    const net = network(() => json({ data: null, errors: [{ message: "no", extensions: { code: "FORBIDDEN" } }] }));
    const response = await createAuth({ session: storeWith("t1"), fetch: net.fetch }).fetch("/graphql", query);
    expect((await response.json()).errors[0].extensions.code).toBe("FORBIDDEN");
    expect(net.sent).toHaveLength(1);
  });
});

describe("createAuth().refresh", () => {
  it("keeps the new token and returns the user", async () => {
    const net = network(() => refreshed("t9"));
    const session = storeWith(null);
    const user = await createAuth({ session, fetch: net.fetch }).refresh();
    expect(user).toEqual({ id: "u1", email: "a@example.org", name: "Ada" });
    expect(session.accessToken?.token).toBe("t9");
    expect(net.sent[0]?.authorization).toBeNull(); // the cookie is the credential, not a header
  });

  it("resolves to null without a valid refresh cookie, without calling onSignedOut at start", async () => {
    const onSignedOut = vi.fn();
    const user = await createAuth({ session: storeWith(null), fetch: network(() => unauthenticated()).fetch, onSignedOut }).refresh();
    expect(user).toBeNull();
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it("rejects on a server failure and keeps the session", async () => {
    const session = storeWith("t1");
    const auth = createAuth({ session, fetch: network(() => new Response("oops", { status: 502 })).fetch });
    await expect(auth.refresh()).rejects.toThrow(/could not refresh the sign-in: HTTP 502/);
    expect(session.accessToken?.token).toBe("t1");
  });
});

describe("createAuth().signOut", () => {
  it("calls signOut and forgets the access token", async () => {
    const net = network(() => json({ data: { signOut: true } }));
    const session = storeWith("t1");
    await createAuth({ session, fetch: net.fetch }).signOut();
    expect(net.sent[0]?.body.query).toContain("signOut");
    expect(session.accessToken).toBeNull();
  });
});

describe("websocket authentication", () => {
  it("puts the token and organization in the connection_init payload", () => {
    const session = storeWith("t1");
    session.setOrganizationId("org-2");
    expect(connectionPayload(session)).toEqual({ authorization: "Bearer t1", organization: "org-2" });
  });

  it("uses wss on https pages", () => {
    expect(websocketUrl({ protocol: "https:", host: "open.example.org" })).toBe("wss://open.example.org/graphql");
    expect(websocketUrl({ protocol: "http:", host: "localhost:5173" })).toBe("ws://localhost:5173/graphql");
  });
});
