import { McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import type { LambdaMcpServerFactory } from './context.js';
import { createLambdaMcp } from './core.js';
import { StoreUnavailableError } from './errors.js';
import type { LambdaMcpOptions, RequestRecord } from './options.js';
import { MemorySessionStore } from './stores/memory.js';

const URL_ = 'http://127.0.0.1/mcp';
const KEY = 'ef'.repeat(32);
const BOTH = 'application/json, text/event-stream';

const factory: LambdaMcpServerFactory = (ctx) => {
  const server = new McpServer(
    { name: 'core-unit', version: '1.0.0' },
    { requestState: { verify: ctx.requestState.verify } },
  );
  server.registerTool('era', { description: 'Names the era that built this server' }, async () => ({
    content: [{ type: 'text', text: `${ctx.era}${ctx.session ? ' with session' : ''}` }],
  }));
  return server;
};

function core(options: LambdaMcpOptions = {}) {
  const records: RequestRecord[] = [];
  const errors: Error[] = [];
  const handler = createLambdaMcp(factory, {
    requestStateKey: KEY,
    onrequest: (record) => records.push(record),
    onerror: (error) => errors.push(error),
    ...options,
  });
  return { handler, records, errors };
}

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: BOTH, ...headers },
    body: JSON.stringify(body),
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'unit', version: '1' } },
};

describe('the core', () => {
  it('answers at the edge before routing, and records the answer as the edge’s', async () => {
    const { handler, records } = core();
    const response = await handler.fetch(new Request(URL_, { method: 'PUT' }));
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: 'Method not allowed.' },
    });
    expect(records).toMatchObject([{ httpMethod: 'PUT', era: 'edge', status: 405, errorCode: -32000 }]);
  });

  it('routes 2025 traffic to sessions and 2026-07-28 traffic to the SDK, one record each', async () => {
    const { handler, records } = core();
    const opened = await handler.fetch(post(initialize));
    const sessionId = opened.headers.get('mcp-session-id') ?? '';
    expect([opened.status, sessionId.length]).toEqual([200, 32]);
    const legacyCall = await handler.fetch(
      post(
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'era', arguments: {} } },
        { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      ),
    );
    expect((await legacyCall.json()).result.content[0].text).toBe('legacy with session');

    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'modern-unit', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const modernCall = await handler.fetch(
      post(
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'era', arguments: {}, _meta: meta } },
        { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'era' },
      ),
    );
    expect(modernCall.status).toBe(200);
    expect((await modernCall.json()).result.content[0].text).toBe('modern');
    expect(records.map((r) => [r.era, r.rpcMethod, r.toolName, r.clientName, r.sessionId])).toEqual([
      ['legacy', 'initialize', undefined, 'unit', sessionId],
      ['legacy', 'tools/call', 'era', undefined, sessionId],
      ['modern', 'tools/call', 'era', 'modern-unit', undefined],
    ]);
  });

  it('answers a failed store with 503 and Retry-After, reports it, and records -32603', async () => {
    class DeadStore extends MemorySessionStore {
      override async get(): Promise<undefined> {
        throw new StoreUnavailableError('DynamoDB GetItem failed: timeout');
      }
    }
    const { handler, records, errors } = core({ sessionStore: new DeadStore() });
    const response = await handler.fetch(
      post({ jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': 'abc' }),
    );
    expect([response.status, response.headers.get('retry-after')]).toEqual([503, '1']);
    // The answer names the request it fails (its id), so a client can match it.
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32603, message: 'Service Unavailable: session storage failed' },
    });
    expect(errors.map((e) => e.message)).toEqual(['DynamoDB GetItem failed: timeout']);
    expect(records).toMatchObject([{ era: 'legacy', status: 503, errorCode: -32603 }]);
  });

  it('answers an unexpected failure with a bare 500 and reports it; a throwing onrequest changes nothing', async () => {
    class BrokenStore extends MemorySessionStore {
      override async get(): Promise<undefined> {
        throw new TypeError('a bug');
      }
    }
    const errors: Error[] = [];
    const handler = createLambdaMcp(factory, {
      requestStateKey: KEY,
      sessionStore: new BrokenStore(),
      onerror: (error) => errors.push(error),
      onrequest: () => {
        throw new Error('logging failed');
      },
    });
    const response = await handler.fetch(
      post(
        { jsonrpc: '2.0', id: 2, method: 'ping' },
        { 'mcp-session-id': 'abc', origin: 'http://localhost' },
      ),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32603, message: 'Internal error' },
    });
    expect(errors.map((e) => e.message)).toEqual(['a bug', 'logging failed']);
  });
});

describe('the core without and with auth', () => {
  it('passes an adapter-supplied authInfo through to the factory while auth is off', async () => {
    let seen: unknown;
    const handler = createLambdaMcp(
      (ctx) => {
        seen = { authInfo: ctx.authInfo, auth: ctx.auth };
        return factory(ctx);
      },
      { requestStateKey: KEY },
    );
    const authInfo = { token: 't', clientId: 'from-adapter', scopes: ['x'] };
    const response = await handler.fetch(post(initialize), { authInfo });
    expect(response.status).toBe(200);
    expect(seen).toEqual({ authInfo, auth: undefined });
  });

  it('answers the metadata paths 404 while auth is off, and serves them without a token when it is on', async () => {
    const path = 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp';
    const off = await core().handler.fetch(new Request(path));
    expect(off.status).toBe(404);
    const { handler } = core({ auth: { issuer: 'https://auth.example.com' } });
    const on = await handler.fetch(new Request(path));
    expect(on.status).toBe(200);
    expect(((await on.json()) as { resource: string }).resource).toBe(URL_);
  });

  it('ignores an adapter-supplied authInfo when auth is on: no token, no entry', async () => {
    const { handler, records } = core({ auth: { issuer: 'https://auth.example.com' } });
    const response = await handler.fetch(post(initialize), {
      authInfo: { token: 't', clientId: 'from-adapter', scopes: [] },
    });
    expect(response.status).toBe(401);
    expect(records[0]).toMatchObject({ era: 'edge', status: 401 });
  });
});
