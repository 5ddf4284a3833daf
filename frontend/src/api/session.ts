// The signed-in session's access token, kept in memory only (never in any browser storage: a
// page reload gets a new one from the httpOnly refresh cookie, see docs/frontend.md), and the
// organization the app acts in.

/** An access token and when it expires (epoch milliseconds). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

type Listener = () => void;

/** Where the organization choice is remembered: an id, not a secret. */
const ORGANIZATION_KEY = "open.organizationId";

/**
 * The in-memory credentials of the app: one per tab. `subscribe` notifies after each change
 * (sign-in, refresh, sign-out, organization switch).
 */
export class SessionStore {
  private access: AccessToken | null = null;
  private organization: string | null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null = safeStorage()) {
    this.organization = storage?.getItem(ORGANIZATION_KEY) ?? null;
  }

  get accessToken(): AccessToken | null {
    return this.access;
  }

  /** The X-Organization-Id to send; null: the server's default (the oldest membership). */
  get organizationId(): string | null {
    return this.organization;
  }

  setAccessToken(token: AccessToken | null): void {
    this.access = token;
    this.emit();
  }

  setOrganizationId(id: string | null): void {
    this.organization = id;
    if (id === null) this.storage?.removeItem(ORGANIZATION_KEY);
    else this.storage?.setItem(ORGANIZATION_KEY, id);
    this.emit();
  }

  /** Whether the access token expires within `marginMs` of `now` (or there is none). */
  expiresWithin(marginMs: number, now: number = Date.now()): boolean {
    return this.access === null || this.access.expiresAt - now <= marginMs;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function safeStorage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null; // storage disabled: the choice lasts for the tab only
  }
}
