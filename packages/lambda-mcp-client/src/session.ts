// One façade over both SDK clients for `connect` and `call`: the v2 client pinned to 2026-07-28
// (session/modern.ts), or the v1 client in a 2025 session whose `initialize` offers the chosen revision
// (session/legacy.ts), optionally through the fetch wrapper that prints every exchange (session/debug-fetch.ts),
// with the bearer token of `--token` / `--client-credentials` on every request (auth/bearer.ts).
import { authorizedFetch, identitiesFor } from './auth/bearer.js';
import type { ProtocolVersion } from './options.js';
import { type FetchFn, MODERN_VERSION } from './sdk.js';
import { debugFetch } from './session/debug-fetch.js';
import { openLegacy } from './session/legacy.js';
import { openModern } from './session/modern.js';
import type { ElicitationAnswer, McpSession, SessionOptions } from './session/types.js';

export { MODERN_VERSION } from './sdk.js';
export { debugFetch } from './session/debug-fetch.js';
export type {
  ElicitationAnswer,
  ElicitationField,
  ElicitationRequest,
  McpSession,
  RequestOpts,
  SessionEvent,
  SessionInfo,
  SessionOptions,
} from './session/types.js';

/**
 * The `fetch` a session's requests go out through: the bearer token of `options.auth` on each (got through
 * `base`, so discovery and token requests show under --debug, tokens redacted) and, with `options.debug`,
 * every exchange written out.
 *
 * @example
 * const fetchFn = sessionFetch(new URL('http://127.0.0.1:3000/mcp'), { debug: true, auth: { token } });
 */
export function sessionFetch(
  url: URL,
  options: Pick<SessionOptions, 'debug' | 'debugWrite' | 'auth'>,
): FetchFn {
  let base: FetchFn = (input, init) => fetch(input, init);
  if (options.debug) base = debugFetch(base, options.debugWrite ?? ((text) => process.stderr.write(text)));
  return authorizedFetch(base, identitiesFor(options.auth, url, base).primary);
}

/**
 * Connects to `url`: the v2 client pinned to 2026-07-28, or the v1 client opening a 2025 session that
 * offers exactly `protocolVersion` in `initialize`. Rejects when the server does not speak that revision.
 *
 * @example
 * const session = await openSession(new URL('http://127.0.0.1:3000/mcp'), '2025-11-25', { debug: true });
 * console.log(await session.listTools());
 * await session.close();
 */
export async function openSession(
  url: URL,
  protocolVersion: ProtocolVersion,
  options: SessionOptions = {},
): Promise<McpSession> {
  const fetchFn = sessionFetch(url, options);
  const elicit = options.onElicit ?? (async (): Promise<ElicitationAnswer> => ({ action: 'decline' }));
  const onEvent = options.onEvent ?? (() => {});
  return protocolVersion === MODERN_VERSION
    ? openModern(url, fetchFn, elicit, onEvent)
    : openLegacy(url, protocolVersion, fetchFn, elicit, onEvent);
}
