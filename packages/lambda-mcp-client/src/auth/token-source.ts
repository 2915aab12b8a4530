// Where a command's bearer token comes from: given outright (`--token`), or issued to client credentials and
// cached until shortly before it expires (`expires_in`), fetched again then, and once more when the server
// answers 401 to it mid-run (revoked, or the server's clock disagrees); never more than once in a row.

/** A token as the authorization server issued it. */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime in seconds (`expires_in`); without it the token is kept until a 401. */
  expiresIn?: number;
}

/** Hands out the bearer token of one identity. */
export interface TokenSource {
  /** How the token is obtained, for messages (never the token itself). */
  readonly label: string;
  /** The token to send now: fetched or refreshed when needed. Rejects when none can be obtained. */
  token(): Promise<string>;
  /**
   * The server answered 401 to `token`: drops it when it is the cached one and resolves whether a retry with
   * {@link TokenSource.token} is worthwhile (false for a fixed token, or one fetched because of a 401 already).
   */
  rejected(token: string): boolean;
}

/**
 * A token given outright: sent as is, never refreshed.
 *
 * @example
 * const source = fixedToken(process.env.LAMBDA_MCP_TOKEN as string);
 * await source.token();
 */
export function fixedToken(token: string, label = '--token'): TokenSource {
  return { label, token: async () => token, rejected: () => false };
}

/** Refreshes when less than this share of the lifetime is left… */
const REFRESH_SHARE = 0.1;
/** …or less than this, in ms, whichever is sooner. */
const REFRESH_MAX_MS = 30_000;

/** How long before expiry a token of `lifetimeMs` is replaced. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(REFRESH_MAX_MS, lifetimeMs * REFRESH_SHARE);
}

interface Cached {
  token: string;
  /** When to fetch a new one (epoch ms); `Infinity` without `expires_in`. */
  refreshAt: number;
  /** Fetched because the previous one got a 401. */
  afterRejection: boolean;
}

/**
 * Caches the token `obtain` issues: one request at a time however many callers wait, a new token shortly
 * before the old one expires, and one more after a 401.
 *
 * @example
 * const source = new CachedTokenSource(() => grant.request(), '--client-credentials my-client');
 * const token = await source.token(); // fetched once, then served from the cache
 */
export class CachedTokenSource implements TokenSource {
  readonly label: string;
  readonly #obtain: () => Promise<IssuedToken>;
  readonly #now: () => number;
  #cached: Cached | undefined;
  #pending: Promise<Cached> | undefined;
  #nextAfterRejection = false;

  constructor(obtain: () => Promise<IssuedToken>, label: string, now: () => number = Date.now) {
    this.#obtain = obtain;
    this.label = label;
    this.#now = now;
  }

  async token(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#now() < cached.refreshAt) return cached.token;
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return (await this.#pending).token;
  }

  rejected(token: string): boolean {
    const cached = this.#cached;
    // Another request already replaced it (or is replacing it): retry with the new one.
    if (!cached || cached.token !== token) return true;
    if (cached.afterRejection) return false;
    this.#cached = undefined;
    this.#nextAfterRejection = true;
    return true;
  }

  async #fetch(): Promise<Cached> {
    const afterRejection = this.#nextAfterRejection;
    const started = this.#now();
    const issued = await this.#obtain();
    const lifetimeMs =
      issued.expiresIn !== undefined && Number.isFinite(issued.expiresIn) && issued.expiresIn > 0
        ? issued.expiresIn * 1000
        : undefined;
    const cached: Cached = {
      token: issued.accessToken,
      refreshAt:
        lifetimeMs === undefined
          ? Number.POSITIVE_INFINITY
          : started + lifetimeMs - refreshMargin(lifetimeMs),
      afterRejection,
    };
    this.#nextAfterRejection = false;
    this.#cached = cached;
    return cached;
  }
}
