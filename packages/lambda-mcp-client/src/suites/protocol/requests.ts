// Valid requests of the revision under test, for the protocol checks to alter: the opening request, request
// headers (modern ones, or a 2025 session's) and bodies, the foreign origin and preflight headers they use,
// and the suite's test-case shape.
import { PROTOCOL_VERSIONS } from '../../options.js';
import {
  initializeHeaders,
  initializeMessage,
  isModern,
  MODERN,
  modernRequest,
  openRawSession,
} from '../../runner/mcp.js';
import type { TestCase, TestContext } from '../../runner/types.js';

/** Every revision. */
export const ALL = PROTOCOL_VERSIONS;
/** 2026-07-28 alone. */
export const MODERN_ONLY = [MODERN] as const;

/** A valid opening request of `ctx.version`: modern `server/discover`, or a 2025 `initialize`. */
export function openingRequest(ctx: TestContext): { headers: Record<string, string>; body: string } {
  if (isModern(ctx.version)) {
    const { headers, message } = modernRequest('server/discover');
    return { headers, body: JSON.stringify(message) };
  }
  return { headers: initializeHeaders(), body: JSON.stringify(initializeMessage(ctx.version)) };
}

/** Headers for a request of `ctx.version` whose body is `method`: modern headers, or a 2025 session's. */
export async function requestHeaders(
  ctx: TestContext,
  method = 'tools/list',
): Promise<Record<string, string>> {
  if (isModern(ctx.version)) return modernRequest(method).headers;
  return openRawSession(ctx);
}

/** A valid `method` request body of `ctx.version`. */
export function requestBody(ctx: TestContext, method: string, params: Record<string, unknown> = {}, id = 2) {
  if (isModern(ctx.version)) return modernRequest(method, params, { id }).message;
  return { jsonrpc: '2.0', id, method, params };
}

/** Whether a comma-separated header value lists `token` (or `*`), case-insensitively. */
export function includesToken(list: string | null, token: string): boolean {
  if (list === null) return false;
  const items = list.split(',').map((item) => item.trim().toLowerCase());
  return items.includes('*') || items.includes(token.toLowerCase());
}

export const FOREIGN_ORIGIN = 'https://lambda-mcp-client.invalid';
export const PREFLIGHT_HEADERS = [
  'content-type',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'mcp-session-id',
];

/** A test of the protocol suite. */
export function protocolTest(
  name: string,
  versions: TestCase['versions'],
  run: (ctx: TestContext) => Promise<void>,
): TestCase {
  return { suite: 'protocol', name, versions, run };
}
