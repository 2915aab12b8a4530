// Wire rules checked with raw requests: every rejection answers the exact HTTP status, headers and JSON-RPC
// error the transport specifications name, for both eras, and nothing reaches 500 but a real failure.
import { McpServer } from '@modelcontextprotocol/server';
import { createLambdaMcp, MemorySessionStore, StoreUnavailableError } from 'lambda-mcp';
import { describe, expect, it } from 'vitest';
import {
  ACCEPT_BOTH,
  initializeMessage,
  openSession,
  parseSse,
  post,
  sseMessages,
  TEST_KEY,
  testHandler,
  URL_,
} from './helpers.js';

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

async function expectRpcError(response: Response, status: number, code: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as { jsonrpc: string; error: { code: number; message: string } };
  expect(body.jsonrpc).toBe('2.0');
  expect(body.error.code).toBe(code);
  return body.error.message;
}

const call = (id: number, name = 'echo', args: Record<string, unknown> = { text: 'x' }) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('the edge, both eras', () => {
  it('answers 405 with Allow for other methods', async () => {
    const response = await testHandler().fetch(new Request(URL_, { method: 'PUT' }));
    expect(response.headers.get('allow')).toBe('GET, POST, DELETE');
    await expectRpcError(response, 405, -32000);
  });

  it('answers 415 for a POST that is not application/json', async () => {
    const message = await expectRpcError(
      await post(testHandler(), '{}', { 'content-type': 'text/plain' }),
      415,
      -32000,
    );
    expect(message).toContain('application/json');
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const handler = testHandler({ maxBodyBytes: 1024 });
    const big = call(1, 'echo', { text: 'x'.repeat(2048) });
    await expectRpcError(await post(handler, big), 413, -32000);
  });

  it('answers 403 to a foreign Origin and serves allowed and same origins with CORS headers', async () => {
    const handler = testHandler({ allowedOrigins: ['https://app.example.com'] });
    const body = { jsonrpc: '2.0', id: 1, method: 'ping' };
    await expectRpcError(await post(handler, body, { origin: 'https://evil.example' }), 403, -32000);
    await expectRpcError(await post(handler, body, { origin: 'null' }), 403, -32000);

    const allowed = await post(handler, body, { origin: 'https://app.example.com' });
    expect(allowed.status).not.toBe(403);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('www-authenticate');
    expect(allowed.headers.get('vary')).toContain('Origin');

    const same = await post(handler, body, { origin: 'http://127.0.0.1', host: '127.0.0.1' });
    expect(same.status).not.toBe(403);
  });

  it('answers a CORS preflight from an allowed origin, and refuses one from a foreign origin', async () => {
    const handler = testHandler({ allowedOrigins: ['https://app.example.com'] });
    const preflight = (origin: string) =>
      handler.fetch(
        new Request(URL_, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type, mcp-session-id',
          },
        }),
      );
    const ok = await preflight('https://app.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, mcp-session-id');
    await expectRpcError(await preflight('https://evil.example'), 403, -32000);
  });

  it('validates Host against DNS rebinding when bound to localhost', async () => {
    const handler = testHandler({ allowedHosts: ['localhost', '127.0.0.1'] });
    const rebound = await post(
      handler,
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { host: 'attacker.example' },
    );
    expect(rebound.status).toBe(403);
    const local = await post(handler, { jsonrpc: '2.0', id: 1, method: 'ping' }, { host: '127.0.0.1:3000' });
    expect(local.status).not.toBe(403);
  });

  it('answers an uncaught failure with 500 and a JSON-RPC -32603 body', async () => {
    const errors: Error[] = [];
    const handler = createLambdaMcp(
      () => {
        throw new Error('factory bug');
      },
      { requestStateKey: TEST_KEY, onerror: (e) => errors.push(e) },
    );
    const message = await expectRpcError(await post(handler, initializeMessage()), 500, -32603);
    expect(message).toBe('Internal error');
    expect(errors.map((e) => e.message)).toContain('factory bug');
  });
});

describe('2025 era', () => {
  it('answers 400 -32700 for a body that is not JSON', async () => {
    await expectRpcError(await post(testHandler(), '{"jsonrpc": '), 400, -32700);
  });

  it('answers 406 unless the POST accepts both JSON and SSE', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const response = await post(handler, call(2), { 'mcp-session-id': id, accept: 'application/json' });
    await expectRpcError(response, 406, -32000);
  });

  it('answers 400 without Mcp-Session-Id, 404 for an unknown session, 400 for an unknown protocol version', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const missing = await expectRpcError(await post(handler, call(2)), 400, -32000);
    expect(missing).toContain('Mcp-Session-Id');
    await expectRpcError(await post(handler, call(3), { 'mcp-session-id': 'no-such-session' }), 404, -32001);
    await expectRpcError(
      await post(handler, call(4), { 'mcp-session-id': id, 'mcp-protocol-version': '1999-01-01' }),
      400,
      -32000,
    );
  });

  it('answers 400 -32600 for oversized batches and for initialize inside a batch', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const batch = Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' }));
    await expectRpcError(await post(handler, batch, { 'mcp-session-id': id }), 400, -32600);
    const init = initializeMessage('2025-03-26');
    await expectRpcError(await post(handler, [init, { jsonrpc: '2.0', id: 2, method: 'ping' }]), 400, -32600);
  });

  it('answers a 2025-03-26 batch with an array of responses', async () => {
    const handler = testHandler();
    const id = await openSession(handler, '2025-03-26');
    const response = await post(handler, [call(1, 'echo', { text: 'a' }), call(2, 'echo', { text: 'b' })], {
      'mcp-session-id': id,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'a' }] } },
      { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'b' }] } },
    ]);
  });

  it('acknowledges notifications and client responses with 202 and no body', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const note = await post(
      handler,
      { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
      { 'mcp-session-id': id },
    );
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');
    const answer = await post(
      handler,
      { jsonrpc: '2.0', id: 's-unknown', result: {} },
      { 'mcp-session-id': id },
    );
    expect(answer.status).toBe(202);
  });

  it('sets the session id header on initialize and 404s every method after DELETE', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    expect(id.length).toBeGreaterThanOrEqual(32); // 24 random bytes, base64url.
    const del = await handler.fetch(
      new Request(URL_, { method: 'DELETE', headers: { 'mcp-session-id': id } }),
    );
    expect(del.status).toBe(200);
    await expectRpcError(await post(handler, call(2), { 'mcp-session-id': id }), 404, -32001);
    const get = await handler.fetch(
      new Request(URL_, { headers: { accept: 'text/event-stream', 'mcp-session-id': id } }),
    );
    await expectRpcError(get, 404, -32001);
    const again = await handler.fetch(
      new Request(URL_, { method: 'DELETE', headers: { 'mcp-session-id': id } }),
    );
    await expectRpcError(again, 404, -32001);
  });

  it('GET: 406 without text/event-stream, 400 without a session, 400 for a malformed Last-Event-ID', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const get = (headers: Record<string, string>) => handler.fetch(new Request(URL_, { headers }));
    await expectRpcError(await get({ accept: 'application/json', 'mcp-session-id': id }), 406, -32000);
    await expectRpcError(await get({ accept: 'text/event-stream' }), 400, -32000);
    await expectRpcError(
      await get({ accept: 'text/event-stream', 'mcp-session-id': id, 'last-event-id': 'garbage' }),
      400,
      -32000,
    );
  });

  it('GET in poll mode: priming event with id and retry, replay after Last-Event-ID, then close', async () => {
    const handler = testHandler({ sse: 'poll', retryMs: 1500 });
    const id = await openSession(handler);
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    const first = await handler.fetch(
      new Request(URL_, { headers: { accept: 'text/event-stream', ...headers } }),
    );
    expect(first.headers.get('content-type')).toBe('text/event-stream');
    const [priming] = parseSse(await first.text());
    // The id holds the session log position and the event log cursor (`~…`), so a resume restores both.
    expect(priming).toEqual({ id: 'get.0~m000000000000', data: '', retry: 1500 });

    for (const text of ['one', 'two']) {
      const r = await post(handler, call(5, 'announce', { text }), headers);
      expect(r.status).toBe(200);
    }
    const replay = await handler.fetch(
      new Request(URL_, { headers: { accept: 'text/event-stream', 'last-event-id': 'get.0', ...headers } }),
    );
    const events = parseSse(await replay.text());
    expect(events[0]).toMatchObject({ data: '', retry: 1500 });
    expect(events.slice(1).map((e) => [e.id, JSON.parse(e.data).params.data])).toEqual([
      ['get.1~m000000000000', 'one'],
      ['get.2~m000000000000', 'two'],
    ]);
    const nothingNew = await handler.fetch(
      new Request(URL_, { headers: { accept: 'text/event-stream', 'last-event-id': 'get.2', ...headers } }),
    );
    expect(sseMessages(await nothingNew.text())).toEqual([]);
  });

  it('GET in poll mode: resuming a request stream before its answer is stored waits for the answer', async () => {
    const handler = testHandler({ sse: 'poll' });
    const id = await openSession(handler);
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    const call = await post(
      handler,
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'close_then_wait', arguments: { ms: 300 } },
      },
      headers,
    );
    // The call logged once and closed its stream: the client has the log line and its id, not the answer.
    const closed = parseSse(await call.text());
    const lastId = closed.flatMap((e) => (e.id ? [e.id] : [])).at(-1) as string;
    expect(closed.filter((e) => e.data !== '').map((e) => JSON.parse(e.data).method)).toEqual([
      'notifications/message',
    ]);
    const started = Date.now();
    const resumed = await handler.fetch(
      new Request(URL_, { headers: { accept: 'text/event-stream', 'last-event-id': lastId, ...headers } }),
    );
    const messages = sseMessages(await resumed.text());
    expect(messages).toEqual([
      { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'answered after 300 ms' }] } },
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('GET live: two streams on one session both receive each event', async () => {
    const handler = testHandler({ sse: 'live' });
    const id = await openSession(handler);
    const headers = { 'mcp-session-id': id, accept: 'text/event-stream' };
    const abort = new AbortController();
    const streams = await Promise.all(
      [1, 2].map(() => handler.fetch(new Request(URL_, { headers, signal: abort.signal }))),
    );
    const readers = streams.map((s) => (s.body as ReadableStream<Uint8Array>).getReader());
    for (const reader of readers) await reader.read(); // The priming event.
    await post(handler, call(6, 'announce', { text: 'fan-out' }), { 'mcp-session-id': id });
    for (const reader of readers) {
      const { value } = await reader.read();
      const [event] = parseSse(new TextDecoder().decode(value));
      expect(event?.id).toBe('get.1~m000000000000');
      expect(JSON.parse(event?.data ?? '{}').params.data).toBe('fan-out');
    }
    abort.abort();
    for (const reader of readers) expect((await reader.read()).done).toBe(true);
  });

  it('DELETE ends the live GET streams of the session', async () => {
    const handler = testHandler({ sse: 'live' });
    const id = await openSession(handler);
    const stream = await handler.fetch(
      new Request(URL_, { headers: { accept: 'text/event-stream', 'mcp-session-id': id } }),
    );
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // The priming event.
    const del = await handler.fetch(
      new Request(URL_, { method: 'DELETE', headers: { 'mcp-session-id': id } }),
    );
    expect(del.status).toBe(200);
    expect((await reader.read()).done).toBe(true);
  });

  it('remembers resources/subscribe and unsubscribe in the session record', async () => {
    const sessionStore = new MemorySessionStore();
    const handler = testHandler({ sessionStore });
    const id = await openSession(handler);
    const headers = { 'mcp-session-id': id };
    const subscribe = (method: string, uri: string, rpcId: number) =>
      post(handler, { jsonrpc: '2.0', id: rpcId, method, params: { uri } }, headers);
    expect((await subscribe('resources/subscribe', 'test://note', 1)).status).toBe(200);
    expect((await subscribe('resources/subscribe', 'test://other', 2)).status).toBe(200);
    expect((await sessionStore.get(id))?.subscriptions).toEqual(['test://note', 'test://other']);
    expect((await subscribe('resources/unsubscribe', 'test://note', 3)).status).toBe(200);
    expect(await sessionStore.get(id)).toMatchObject({ subscriptions: ['test://other'], version: 4 });
  });

  it('binds a session to the principal that opened it', async () => {
    const handler = testHandler();
    const alice = { token: 'a', clientId: 'alice', scopes: [] };
    const init = await handler.fetch(
      new Request(URL_, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH },
        body: JSON.stringify(initializeMessage('2025-11-25', 'a')),
      }),
      { authInfo: alice },
    );
    const id = init.headers.get('mcp-session-id') as string;
    const ping = (authInfo?: typeof alice) =>
      handler.fetch(
        new Request(URL_, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH, 'mcp-session-id': id },
          body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
        }),
        authInfo ? { authInfo } : {},
      );
    expect((await ping(alice)).status).toBe(200);
    await expectRpcError(await ping({ ...alice, clientId: 'mallory' }), 404, -32001);
    await expectRpcError(await ping(), 404, -32001);
  });

  it('upgrades a POST to SSE when the tool emits first, with a priming id that resumes the stream', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    await post(
      handler,
      { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'debug' } },
      headers,
    );
    const response = await post(handler, call(7, 'chatty', { count: 2 }), headers);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('mcp-session-id')).toBe(id);
    const events = parseSse(await response.text());
    const streamId = events[0]?.id?.split('.')[0];
    expect(events[0]).toEqual({ id: `${streamId}.0`, data: '', retry: 20 });
    expect(events.slice(1).map((e) => JSON.parse(e.data))).toEqual([
      expect.objectContaining({
        method: 'notifications/message',
        params: expect.objectContaining({ data: 'step 1' }),
      }),
      expect.objectContaining({
        method: 'notifications/message',
        params: expect.objectContaining({ data: 'step 2' }),
      }),
      { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'done after 2' }] } },
    ]);
    // The whole stream is in the log: a GET resuming after the priming id replays it and closes.
    const resumed = await handler.fetch(
      new Request(URL_, {
        headers: { accept: 'text/event-stream', 'last-event-id': `${streamId}.0`, ...headers },
      }),
    );
    expect(sseMessages(await resumed.text()).map((m) => m.id ?? m.method)).toEqual([
      'notifications/message',
      'notifications/message',
      7,
    ]);
  });

  it('answers a tool failure in-band, as the SDK does', async () => {
    const handler = testHandler();
    const id = await openSession(handler);
    const response = await post(handler, call(8, 'explode', {}), { 'mcp-session-id': id });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 8, result: { isError: true } });
  });

  it('answers 503 with Retry-After when the session store fails, and keeps the stored session intact', async () => {
    let failing = false;
    class FlakyStore extends MemorySessionStore {
      override async get(id: string) {
        if (failing) throw new StoreUnavailableError('backend down');
        return super.get(id);
      }
    }
    const store = new FlakyStore();
    const handler = testHandler({ sessionStore: store });
    const id = await openSession(handler);
    const before = await store.get(id);
    failing = true;
    const response = await post(handler, call(9), { 'mcp-session-id': id });
    expect(response.headers.get('retry-after')).toBe('1');
    await expectRpcError(response, 503, -32603);
    failing = false;
    expect(await store.get(id)).toEqual(before);
    const recovered = await post(handler, call(10), { 'mcp-session-id': id });
    expect(recovered.status).toBe(200);
  });
});

describe('2026-07-28 era (the SDK modern leg behind the edge)', () => {
  const modern = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    post(testHandler(), body, { 'mcp-protocol-version': '2026-07-28', ...headers });

  it('serves tools/call with no session', async () => {
    const response = await modern(
      { ...call(1), params: { name: 'echo', arguments: { text: 'm' }, _meta: MODERN_META } },
      { 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.json()).toMatchObject({
      id: 1,
      result: { content: [{ type: 'text', text: 'm' }] },
    });
  });

  it('answers -32020 when the Mcp-Method header disagrees with the body', async () => {
    const response = await modern(
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: MODERN_META } },
      { 'mcp-method': 'tools/call' },
    );
    await expectRpcError(response, 400, -32020);
  });

  it('answers -32022 for an unknown revision, listing what server/discover lists', async () => {
    const meta = { ...MODERN_META, 'io.modelcontextprotocol/protocolVersion': '1900-01-01' };
    const response = await post(
      testHandler(),
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta } },
      { 'mcp-protocol-version': '1900-01-01', 'mcp-method': 'tools/list', accept: ACCEPT_BOTH },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: number; data: { supported: string[] } } };
    expect(body.error.code).toBe(-32022);
    // Modern clients retry with a listed revision, so only modern ones belong here (2025 clients initialize).
    expect(body.error.data.supported).toEqual(['2026-07-28']);
  });

  it('answers -32601 for an unknown method', async () => {
    const response = await modern(
      { jsonrpc: '2.0', id: 1, method: 'nope/nope', params: { _meta: MODERN_META } },
      { 'mcp-method': 'nope/nope' },
    );
    await expectRpcError(response, 404, -32601);
  });
});

describe('factory context', () => {
  it('hands the factory the era, the request and, in the 2025 era, the session', async () => {
    const seen: { era: string; session?: string; hasRequest: boolean }[] = [];
    const handler = createLambdaMcp(
      (ctx) => {
        seen.push({ era: ctx.era, hasRequest: ctx.requestInfo instanceof Request, session: ctx.session?.id });
        return new McpServer({ name: 'ctx', version: '1' });
      },
      { requestStateKey: TEST_KEY },
    );
    const id = await openSession(handler);
    await post(handler, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': id });
    expect(seen).toEqual([
      { era: 'legacy', hasRequest: true, session: undefined },
      { era: 'legacy', hasRequest: true, session: id },
    ]);
  });
});
