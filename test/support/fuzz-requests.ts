// The fuzz campaign's request generators (fast-check arbitraries), shared by the fuzz test in `npm test` and
// `npm run soak`: random requests that mostly get past the edge, and coherent ones whose headers fit their
// body, so both protocol eras, every header lambda-mcp reads and the test server's tools are exercised.
import * as fc from 'fast-check';
import type { LambdaMcpHandler, LambdaMcpOptions } from 'lambda-mcp';
import { ACCEPT_BOTH, openSession, TEST_KEY } from '../helpers.js';

export const VERSIONS = [
  '2025-03-26',
  '2025-06-18',
  '2025-11-25',
  '2026-07-28',
  '2024-11-05',
  '9999-01-01',
  '',
];
export const METHODS = [
  'initialize',
  'notifications/initialized',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/subscribe',
  'prompts/list',
  'logging/setLevel',
  'server/discover',
  'subscriptions/listen',
  'notifications/cancelled',
  'tasks/get',
  'completion/complete',
];

/** Any JSON value, nested a little. */
const json = fc.jsonValue({ maxDepth: 4 });

/** Header values fetch accepts (no control characters). */
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);

/** Mostly `usual`, sometimes `odd`: most requests should get past the edge and reach a leg. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>, weight = 4) =>
  fc.oneof({ arbitrary: usual, weight }, { arbitrary: odd, weight: 1 });
const absent = fc.constant(undefined);

/** Something shaped like a JSON-RPC message, mostly right and often a little wrong. */
const message = fc
  .record({
    jsonrpc: mostly(fc.constant('2.0'), fc.oneof(fc.constant('1.0'), json, absent), 12),
    id: mostly(
      fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
      fc.oneof(fc.constant(null), json, absent),
    ),
    method: mostly(fc.constantFrom(...METHODS), fc.oneof(fc.string({ maxLength: 40 }), absent), 12),
    params: mostly(
      fc.record(
        {
          name: mostly(
            fc.constantFrom('echo', 'chatty', 'announce', 'explode'),
            fc.string({ maxLength: 300 }),
          ),
          arguments: mostly(fc.record({ text: fc.string(), count: fc.integer({ min: 0, max: 3 }) }), json),
          protocolVersion: fc.constantFrom(...VERSIONS),
          capabilities: json,
          clientInfo: mostly(fc.record({ name: fc.string(), version: fc.string() }), json),
          level: mostly(fc.constantFrom('debug', 'info', 'error'), fc.string()),
          uri: mostly(fc.constant('test://note'), fc.string()),
          _meta: mostly(
            fc.record({
              'io.modelcontextprotocol/protocolVersion': fc.constantFrom(...VERSIONS),
              'io.modelcontextprotocol/clientInfo': fc.record({ name: fc.string(), version: fc.string() }),
              'io.modelcontextprotocol/clientCapabilities': json,
            }),
            json,
            8,
          ),
        },
        { requiredKeys: [] },
      ),
      fc.oneof(json, absent),
      8,
    ),
    result: mostly(absent, json, 20),
    error: mostly(absent, json, 20),
  })
  .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));

/** Requests the test server knows, with random arguments: they reach the tools and the stores. */
export const wellFormed = fc
  .record({
    id: fc.integer({ min: 1, max: 1_000_000 }),
    call: fc.oneof(
      fc.record({
        method: fc.constant('tools/call'),
        params: fc.record({
          name: fc.constant('echo'),
          arguments: fc.record({ text: fc.string({ maxLength: 50 }) }),
        }),
      }),
      fc.record({
        method: fc.constant('tools/call'),
        params: fc.record({
          name: fc.constant('chatty'),
          arguments: fc.record({ count: fc.integer({ min: 0, max: 3 }) }),
        }),
      }),
      fc.record({
        method: fc.constant('tools/call'),
        params: fc.record({
          name: fc.constantFrom('announce', 'explode', 'nope'),
          arguments: fc.record({ text: fc.string({ maxLength: 20 }) }),
        }),
      }),
      fc.record({
        method: fc.constantFrom('tools/list', 'resources/list', 'prompts/list', 'ping'),
        params: fc.constant({}),
      }),
      fc.record({
        method: fc.constantFrom('resources/read', 'resources/subscribe', 'resources/unsubscribe'),
        params: fc.record({ uri: mostly(fc.constant('test://note'), fc.string({ maxLength: 20 })) }),
      }),
      fc.record({
        method: fc.constant('logging/setLevel'),
        params: fc.record({
          level: mostly(fc.constantFrom('debug', 'info', 'warning', 'error'), fc.string({ maxLength: 10 })),
        }),
      }),
    ),
    modern: fc.boolean(),
  })
  .map(({ id, call, modern }) => {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'fuzz', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const params = modern ? { ...call.params, _meta: meta } : call.params;
    const name = (call.params as { name?: string; uri?: string }).name;
    const headers: Record<string, string> = modern
      ? { 'mcp-protocol-version': '2026-07-28', 'mcp-method': call.method, ...(name && { 'mcp-name': name }) }
      : { 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 'SESSION' };
    return { text: JSON.stringify({ jsonrpc: '2.0', id, method: call.method, params }), headers };
  });

export const body = fc.oneof(
  { arbitrary: wellFormed.map((w) => w.text), weight: 4 },
  { arbitrary: message.map((m) => JSON.stringify(m)), weight: 3 },
  {
    arbitrary: fc.oneof(
      fc.array(message, { minLength: 0, maxLength: 4 }).map((m) => JSON.stringify(m)),
      fc.string({ maxLength: 200 }),
      json.map((v) => JSON.stringify(v)),
      fc.integer({ min: 0, max: 2000 }).map((depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    ),
    weight: 1,
  },
);

const headers = fc
  .record({
    'content-type': mostly(
      fc.constantFrom('application/json', 'application/json; charset=utf-8'),
      fc.oneof(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded'), headerValue),
    ),
    accept: mostly(
      fc.constant(ACCEPT_BOTH),
      fc.oneof(fc.constantFrom('application/json', 'text/event-stream', '*/*'), headerValue),
    ),
    'mcp-protocol-version': mostly(
      fc.constantFrom(...VERSIONS.slice(0, 4)),
      fc.oneof(fc.constantFrom(...VERSIONS), headerValue),
      2,
    ),
    'mcp-session-id': mostly(
      fc.constant('SESSION'),
      fc.oneof(absent, headerValue, fc.stringMatching(/^[A-Za-z0-9_-]{3000}$/)),
      2,
    ),
    'mcp-method': mostly(absent, fc.oneof(fc.constantFrom(...METHODS), headerValue), 2),
    'mcp-name': mostly(absent, headerValue, 3),
    'last-event-id': mostly(
      absent,
      fc.oneof(fc.constantFrom('get.0', 'get.0~m0', 'x.1', 'get.-1'), headerValue),
      3,
    ),
    origin: mostly(
      absent,
      fc.oneof(fc.constantFrom('http://localhost:5173', 'https://evil.example', 'null'), headerValue),
      6,
    ),
  })
  .map(
    (h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
  );

const randomExchange = fc.record({
  method: mostly(fc.constant('POST'), fc.constantFrom('GET', 'DELETE', 'OPTIONS', 'PUT', 'PATCH', 'HEAD'), 3),
  headers,
  body,
  path: fc.constantFrom('/mcp', '/mcp', '/mcp', '/', '/mcp/x', '/.well-known/oauth-protected-resource'),
});

/** A request whose headers fit its body (era, session, Mcp-Method/Mcp-Name), so it reaches a tool. */
const coherentExchange = wellFormed.map(({ text, headers: h }) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, ...h },
  body: text,
  path: '/mcp',
}));

/** One fuzzed request: random (mostly past the edge) or coherent (reaching a tool). */
export const exchange = fc.oneof(
  { arbitrary: randomExchange, weight: 3 },
  { arbitrary: coherentExchange, weight: 2 },
);

/**
 * The answer's status once its body was read to the end within `ms` (longer than the 10 s a polled resume of
 * an unfinished request stream may wait for its answer); rejects on a timeout (a hang).
 */
export async function settle(response: Promise<Response>, ms = 12_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      response.then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The handler options the campaign runs with: buffered SSE (streams end), short windows, errors kept quiet. */
export const FUZZ_OPTIONS = {
  requestStateKey: TEST_KEY,
  sse: 'poll',
  listenWindowMs: 20,
  retryMs: 10,
  onerror: () => {},
} satisfies LambdaMcpOptions;

/** One fuzzed exchange as generated by {@link exchange}. */
export type Exchange = { method: string; headers: Record<string, string>; body: string; path: string };

/**
 * Sends one exchange to `target`, with the `SESSION` placeholder replaced by the live session `session.id`.
 * Resolves the status (rejects on a hang); a fuzzed DELETE may end that session, so a 404 for it opens another.
 */
export async function sendExchange(
  target: LambdaMcpHandler,
  { method, headers, body, path }: Exchange,
  session: { id: string },
): Promise<number> {
  const ours = headers['mcp-session-id'] === 'SESSION';
  const init: RequestInit = {
    method,
    headers: { ...headers, ...(ours && { 'mcp-session-id': session.id }) },
    ...(method !== 'GET' && method !== 'HEAD' && { body }),
  };
  const status = await settle(target.fetch(new Request(`http://127.0.0.1${path}`, init)));
  if (ours && status === 404) session.id = await openSession(target);
  return status;
}
