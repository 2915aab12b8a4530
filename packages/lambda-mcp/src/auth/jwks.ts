// The authorization server's signing keys, fetched and cached: discovered once from the issuer's metadata (RFC
// 8414, then OpenID Connect discovery) unless configured, kept for ten minutes (and past that while the server
// is unreachable), refetched early only for a key id not in the set and at most once per cooldown. Every fetch
// has a deadline and a size cap; a key that cannot be had because the server is unreachable is a 503, never a
// 401 (the token may be fine) nor a 500.
import {
  type CryptoKey,
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
} from 'jose';
import { HttpError } from '../errors.js';
import { RpcCode } from '../http/responses.js';
import { isLoopbackUrl } from './config.js';

/** Settings of a {@link KeySource}; every limit has a default. */
export interface KeySourceOptions {
  issuer: string;
  /** Skips discovery when set. */
  jwksUrl?: string;
  now: () => number;
  /** For tests; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Deadline of each metadata or JWKS fetch, in ms. Default 3000. */
  timeoutMs?: number;
  /** Largest metadata or JWKS document accepted, in bytes. Default 256 KiB. */
  maxBytes?: number;
  /** How long a fetched key set is used before it is refreshed, in ms. Default 10 minutes. */
  maxAgeMs?: number;
  /** Least time between two fetches for an unknown key id, in ms. Default 30 s. */
  cooldownMs?: number;
  /** After a failed fetch, how long requests that need one get a 503 without trying again, in ms. Default 1 s. */
  retryAfterMs?: number;
}

type KeyLookup = ReturnType<typeof createLocalJWKSet>;

/** The seconds announced with `Retry-After` when the keys cannot be fetched. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The JWKS of one issuer, cached; `key` is what `jwtVerify` calls to find a token's key.
 *
 * @example
 * const keys = new KeySource({ issuer: 'https://auth.example.com', now: Date.now });
 * await jwtVerify(token, keys.key, { issuer: 'https://auth.example.com' });
 */
export class KeySource {
  readonly #o: Required<Omit<KeySourceOptions, 'jwksUrl'>> & { jwksUrl?: string };
  #lookup?: KeyLookup;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #failedAt = Number.NEGATIVE_INFINITY;
  #failure?: unknown;
  #pending?: Promise<void>;
  /** JWKS documents fetched so far (diagnostics and tests). */
  fetches = 0;

  constructor(options: KeySourceOptions) {
    this.#o = {
      fetch: globalThis.fetch,
      timeoutMs: 3000,
      maxBytes: 256 * 1024,
      maxAgeMs: 10 * 60_000,
      cooldownMs: 30_000,
      retryAfterMs: 1000,
      ...options,
    };
  }

  /**
   * The verification key for a token's protected header. Rejects with jose's `JWKSNoMatchingKey` for a key id
   * the (refetched) set does not have, and with an `HttpError(503)` when the keys cannot be fetched.
   */
  key = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const now = this.#o.now();
    if (!this.#lookup) await this.#refresh();
    // A stale set is refreshed in the background: this request goes on with the keys it has.
    else if (now - this.#fetchedAt >= this.#o.maxAgeMs) this.#refresh().catch(() => {});
    const lookup = this.#lookup as KeyLookup;
    try {
      return await lookup(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A new key id may mean the server rotated its keys: one refetch, then the set is what it is.
      if (this.#o.now() - this.#fetchedAt < this.#o.cooldownMs) throw error;
      await this.#refresh();
      return await (this.#lookup as KeyLookup)(header, token);
    }
  };

  /** Fetches the key set (one fetch at a time); rejects with the 503 when it cannot be had. */
  #refresh(): Promise<void> {
    if (this.#pending) return this.#pending;
    if (this.#o.now() - this.#failedAt < this.#o.retryAfterMs)
      return Promise.reject(unavailable(this.#failure));
    this.#pending = (async () => {
      try {
        const url = this.#o.jwksUrl ?? (await this.#discover());
        this.#o.jwksUrl = url;
        this.fetches++;
        const lookup = createLocalJWKSet((await this.#fetchJson(url)) as never);
        this.#lookup = lookup;
        this.#fetchedAt = this.#o.now();
      } catch (error) {
        this.#failedAt = this.#o.now();
        this.#failure = error;
        throw unavailable(error);
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }

  /** `jwks_uri` from the issuer's RFC 8414 metadata, else from its OpenID Connect discovery document. */
  async #discover(): Promise<string> {
    const issuer = new URL(this.#o.issuer);
    const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
    const candidates = [
      new URL(`/.well-known/oauth-authorization-server${path}`, issuer).href,
      new URL(`${path}/.well-known/openid-configuration`, issuer).href,
    ];
    let last: unknown;
    for (const url of candidates) {
      try {
        const metadata = (await this.#fetchJson(url)) as { issuer?: unknown; jwks_uri?: unknown };
        if (metadata.issuer !== this.#o.issuer) {
          throw new Error(`the metadata at ${url} names issuer ${String(metadata.issuer)}`);
        }
        if (typeof metadata.jwks_uri !== 'string') throw new Error(`the metadata at ${url} has no jwks_uri`);
        const jwks = new URL(metadata.jwks_uri);
        if (jwks.protocol !== 'https:' && !(jwks.protocol === 'http:' && isLoopbackUrl(jwks))) {
          throw new Error(`the metadata at ${url} names a jwks_uri that is not https`);
        }
        return jwks.href;
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  /** GETs `url` as JSON under the deadline and the size cap. */
  async #fetchJson(url: string): Promise<unknown> {
    const response = await this.#o.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.#o.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`GET ${url} answered ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > this.#o.maxBytes) {
      await response.body?.cancel();
      throw new Error(`GET ${url} answered more than ${this.#o.maxBytes} bytes`);
    }
    if (!response.body) throw new Error(`GET ${url} answered no body`);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.#o.maxBytes) {
        await reader.cancel();
        throw new Error(`GET ${url} answered more than ${this.#o.maxBytes} bytes`);
      }
      chunks.push(value);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }
}

function unavailable(cause: unknown): HttpError {
  return new HttpError(
    503,
    RpcCode.InternalError,
    "Service Unavailable: the authorization server's signing keys could not be fetched",
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
    { cause },
  );
}
