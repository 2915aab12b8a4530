// What auth costs: a server without AUTH_ISSUER never loads `jose` (checked in a fresh process with a module
// resolve hook), the import cost when it does, and warm 2026-07-28 `tools/call` latency with a cached JWKS against
// the same server without auth, alternating rounds in one process. The figures are printed, never asserted.
import { join } from 'node:path';
import { createLambdaMcp, type LambdaMcpHandler } from 'lambda-mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from './fixtures/test-server.js';
import { ACCEPT_BOTH, TEST_KEY, URL_ } from './helpers.js';
import { type KeyServer, makeKey, signToken, startKeyServer, type TestKey } from './support/jwt-keys.js';
import { runModule } from './support/run-module.js';

describe('the cold path', () => {
  it('does not load jose without AUTH_ISSUER, even serving requests; loads it on the first token with it', async () => {
    const index = join(process.cwd(), 'packages/lambda-mcp/src/index.ts');
    const out = await runModule(`
      import { registerHooks } from 'node:module';
      const loaded = new Set();
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); if (/\\/jose\\//.test(r.url)) loaded.add('jose'); return r; } });
      const { createLambdaMcp } = await import(${JSON.stringify(index)});
      const { McpServer } = await import('@modelcontextprotocol/server');
      const factory = (ctx) => new McpServer({ name: 'x', version: '1' }, { requestState: { verify: ctx.requestState.verify } });
      const post = () => new Request('http://127.0.0.1/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }) });
      const off = createLambdaMcp(factory, { requestStateKey: 'ab'.repeat(32) });
      const first = (await off.fetch(post())).status;
      const withoutAuth = loaded.has('jose');
      const on = createLambdaMcp(factory, { requestStateKey: 'ab'.repeat(32), auth: { issuer: 'https://auth.example.com', jwksUrl: 'https://127.0.0.1:1/jwks' } });
      const noToken = (await on.fetch(post())).status;
      const beforeToken = loaded.has('jose');
      const withToken = () => { const r = post(); r.headers.set('authorization', 'Bearer a.b.c'); return r; };
      let started = performance.now();
      const firstToken = (await on.fetch(withToken())).status;
      const firstTokenMs = performance.now() - started;
      const afterToken = loaded.has('jose');
      started = performance.now();
      await on.fetch(withToken());
      const secondTokenMs = performance.now() - started;
      console.log(JSON.stringify({ first, withoutAuth, noToken, beforeToken, firstToken, afterToken, firstTokenMs, secondTokenMs }));
    `);
    const result = JSON.parse(out.trim().split('\n').at(-1) as string);
    expect(result).toMatchObject({
      first: 200,
      withoutAuth: false,
      noToken: 401,
      beforeToken: false,
      firstToken: 401,
      afterToken: true,
    });
    // The first request with a token pays for loading the verifier and jose; the second shows the difference.
    console.log(
      `first request with a token (loads jose) ${result.firstTokenMs.toFixed(1)} ms, ` +
        `second ${result.secondTokenMs.toFixed(1)} ms`,
    );
  });
});

describe('warm latency with auth', () => {
  let as: KeyServer;
  let key: TestKey;
  let plain: LambdaMcpHandler;
  let secured: LambdaMcpHandler;

  beforeAll(async () => {
    key = await makeKey('ES256', 'bench');
    as = await startKeyServer([key]);
    plain = createLambdaMcp(createTestServer, { requestStateKey: TEST_KEY });
    secured = createLambdaMcp(createTestServer, {
      requestStateKey: TEST_KEY,
      auth: { issuer: as.issuer, requiredScopes: ['mcp:tools'] },
    });
  });

  afterAll(async () => {
    await plain?.close();
    await secured?.close();
    await as?.close();
  });

  it('prints the p50 ratio of tools/call with a cached JWKS to the same call without auth', async () => {
    const token = await signToken(key, { issuer: as.issuer, audience: URL_ });
    const call = (handler: LambdaMcpHandler, headers: Record<string, string>) =>
      handler.fetch(
        new Request(URL_, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: ACCEPT_BOTH,
            'mcp-protocol-version': '2026-07-28',
            'mcp-method': 'tools/call',
            'mcp-name': 'echo',
            ...headers,
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: {
              name: 'echo',
              arguments: { text: 'x' },
              _meta: {
                'io.modelcontextprotocol/protocolVersion': '2026-07-28',
                'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
                'io.modelcontextprotocol/clientCapabilities': {},
              },
            },
          }),
        }),
      );
    const timed = async (handler: LambdaMcpHandler, headers: Record<string, string>) => {
      const started = performance.now();
      const response = await call(handler, headers);
      await response.text();
      expect(response.status).toBe(200);
      return performance.now() - started;
    };
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 50; i++) {
      await timed(plain, {});
      await timed(secured, auth);
    }
    const fetchesWarm = as.hits['/jwks'];
    const without: number[] = [];
    const withAuth: number[] = [];
    for (let round = 0; round < 400; round++) {
      if (round % 2 === 0) {
        without.push(await timed(plain, {}));
        withAuth.push(await timed(secured, auth));
      } else {
        withAuth.push(await timed(secured, auth));
        without.push(await timed(plain, {}));
      }
    }
    // Auth adds no network call per request once the keys are cached.
    expect(as.hits['/jwks']).toBe(fetchesWarm);
    expect(fetchesWarm).toBe(1);
    const p50 = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    console.log(
      `tools/call p50 without auth ${p50(without).toFixed(3)} ms, with auth ${p50(withAuth).toFixed(3)} ms, ` +
        `ratio ${(p50(withAuth) / p50(without)).toFixed(2)}`,
    );
  });
});
