// The one place a command's token goes onto its requests: a fetch wrapper that adds `Authorization: Bearer`
// to every request of both eras (SDK transports, raw wire checks, probes) unless the request carries its own,
// and retries a request once with a fresh token when the server answers 401 and the source can refresh.
import type { FetchFn } from '../sdk.js';
import { clientCredentialsSource } from './grant.js';
import type { AuthSettings } from './settings.js';
import { fixedToken, type TokenSource } from './token-source.js';

/** The request `input`/`init` describe, with `authorization` set to `Bearer token`. */
function authorized(
  input: string | URL | Request,
  init: RequestInit | undefined,
  token: string,
): [string | URL | Request, RequestInit] {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('authorization', `Bearer ${token}`);
  return [input, { ...init, headers }];
}

/** Whether the request already says how it authenticates (a check sending a token of its own, or none). */
function hasAuthorization(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  return headers.has('authorization');
}

/** Whether the body can be sent a second time as it is. */
function replayable(body: RequestInit['body'] | undefined): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams;
}

/**
 * Wraps `fetchFn` so every request carries `source`'s token; a 401 answer is retried once with a new token
 * when the source can issue one (client credentials), and otherwise returned as it came.
 *
 * @example
 * const fetchFn = withBearer(fetch, fixedToken(token));
 * await fetchFn('https://mcp.example.com/mcp', { method: 'POST', body });
 */
export function withBearer(fetchFn: FetchFn, source: TokenSource): FetchFn {
  return async (input, init) => {
    if (hasAuthorization(input, init)) return fetchFn(input, init);
    const spare = input instanceof Request && input.body && !input.bodyUsed ? input.clone() : input;
    const token = await source.token();
    const response = await fetchFn(...authorized(input, init, token));
    if (response.status !== 401 || !replayable(init?.body) || !source.rejected(token)) return response;
    const fresh = await source.token();
    if (fresh === token) return response;
    await response.body?.cancel();
    return fetchFn(...authorized(spare, init, fresh));
  };
}

/** The identities a command has: the one its requests use, and a second for the auth suite's checks. */
export interface Identities {
  /** `--token` (LAMBDA_MCP_TOKEN) if given, else `--client-credentials`. */
  primary?: TokenSource;
  /** `--client-credentials` when `--token` is given too: another identity for the cross-principal check. */
  second?: TokenSource;
}

/**
 * The token sources `settings` describe for the resource at `url`; `fetchFn` is what discovery and token
 * requests go through (never the authorized fetch itself).
 *
 * @example
 * const { primary } = identitiesFor({ token: 'eyJ…' }, url, fetch);
 */
export function identitiesFor(settings: AuthSettings | undefined, url: URL, fetchFn: FetchFn): Identities {
  const credentials = settings?.clientCredentials;
  const granted = credentials && clientCredentialsSource(url, credentials, settings?.scope, fetchFn);
  if (settings?.token !== undefined) {
    return { primary: fixedToken(settings.token), ...(granted && { second: granted }) };
  }
  return granted ? { primary: granted } : {};
}

/** `fetchFn` with `source`'s token on every request, or `fetchFn` itself without a source. */
export function authorizedFetch(fetchFn: FetchFn, source: TokenSource | undefined): FetchFn {
  return source ? withBearer(fetchFn, source) : fetchFn;
}
