// The reference server's operator tools through real clients of both eras, in process: lambda_diagnostics
// (cold and warm starts, counters, the Lambda context, the store probe, secrets never shown), session_info,
// and the admin-only list_active_sessions on the in-memory store and on DynamoDB (dynalite), which names
// sessions by digest, never by id; with auth on (a real oidc-provider issuing the tokens) it and publish_event
// exist only for callers whose token holds the admin scope.
import { gunzipSync } from 'node:zlib';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernTransport,
} from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsMonitorApp, buildAwsMonitor } from '../examples/aws-monitor/src/app.js';
import type { Diagnostics } from '../examples/aws-monitor/src/diagnostics.js';
import type { ListSessions } from '../examples/aws-monitor/src/list-sessions.js';
import { sessionRef } from '../examples/aws-monitor/src/session-ref.js';
import { httpApiEvent } from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { initializeMessage, inProcessFetch, post, sseMessages, TEST_KEY, URL_, v1Client } from './helpers.js';
import { type OidcProvider, startOidcProvider } from './support/oidc-provider.js';

const MODERN = '2026-07-28';
const modernMeta = (name: string) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name, version: '2' },
  'io.modelcontextprotocol/clientCapabilities': {},
});

const apps: AwsMonitorApp[] = [];
const clients: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const app of apps.splice(0)) await app.close();
});

/** The reference server on `env` (request logs off: LOG_LEVEL=SILENT), with `options` for lambda-mcp. */
async function build(
  env: NodeJS.ProcessEnv = {},
  options: Parameters<typeof buildAwsMonitor>[0] = {},
): Promise<AwsMonitorApp> {
  const app = await buildAwsMonitor(
    { requestStateKey: TEST_KEY, ...options },
    { LOG_LEVEL: 'SILENT', ...env },
    () => {},
  );
  apps.push(app);
  return app;
}

/** A connected v1 client (2025-11-25 session) on the app. */
async function legacyClient(app: AwsMonitorApp, name = 'v1-test') {
  const { client, transport } = v1Client(inProcessFetch(app.handler), URL_, name);
  await client.connect(transport);
  clients.push(client);
  return { client, sessionId: transport.sessionId as string };
}

/** A connected v2 client pinned to 2026-07-28 on the app. */
async function modernClient(app: AwsMonitorApp, name = 'v2-test') {
  const client = new ModernClient(
    { name, version: '2.0.0' },
    { versionNegotiation: { mode: { pin: MODERN } } },
  );
  await client.connect(new ModernTransport(new URL(URL_), { fetch: inProcessFetch(app.handler) }));
  clients.push(client);
  return client;
}

type Session = ListSessions['sessions'][number];

/** Calls a tool that must succeed; resolves its structured result. */
async function call<T = Record<string, unknown>>(
  client: Client | ModernClient,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError ?? false).toBe(false);
  return result.structuredContent as T;
}

const diagnose = (client: Client | ModernClient, args: Record<string, unknown> = {}) =>
  call<Diagnostics>(client, 'lambda_diagnostics', args);
const listSessions = (client: Client | ModernClient, args: Record<string, unknown> = {}) =>
  call<ListSessions>(client, 'list_active_sessions', args);

type RpcAnswer = { result?: { structuredContent?: unknown }; error?: { code: number } };

/** The JSON-RPC answer of a raw POST, whether it came as JSON or as SSE. */
async function rpcAnswer(response: Response): Promise<RpcAnswer> {
  const text = await response.text();
  if (response.headers.get('content-type')?.includes('text/event-stream')) {
    const answer = sseMessages(text).find((message) => 'result' in message || 'error' in message);
    if (!answer) throw new Error(`no answer in ${text}`);
    return answer;
  }
  return JSON.parse(text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No session id of `opened` appears anywhere in `listed` (ids are bearer credentials). */
function expectNoSessionIds(listed: unknown, opened: readonly { sessionId: string }[]): void {
  const text = JSON.stringify(listed);
  expect(opened.length).toBeGreaterThan(0);
  for (const { sessionId } of opened) {
    expect(sessionId.length).toBeGreaterThan(8);
    expect(text).not.toContain(sessionId);
  }
}

describe('lambda_diagnostics', () => {
  it('reports a cold first request and warm later ones, counting invocations, in both eras', async () => {
    const app = await build();
    // The very first request of the instance: a 2026-07-28 call with no handshake before it.
    const first = await rpcAnswer(
      await post(
        app.handler,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'lambda_diagnostics', arguments: {}, _meta: modernMeta('raw') },
        },
        { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'lambda_diagnostics' },
      ),
    );
    const cold = first.result?.structuredContent as Diagnostics;
    expect(cold).toMatchObject({
      coldStart: true,
      era: 'modern',
      instance: { id: app.deps.instance.instanceId, invocations: 1 },
      runtime: { node: process.version, platform: process.platform, arch: process.arch, inLambda: false },
      metrics: { eventStreams: expect.any(Number) },
      store: { kind: 'memory', description: 'in-memory stores', health: { ok: true } },
    });
    expect(cold.instance.startedAt).toBe(new Date(app.deps.instance.startedAt).toISOString());
    expect(cold.instance.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(cold.metrics?.memoryMb.rss).toBeGreaterThan(0);
    expect(cold.metrics?.memoryMb.heapUsed).toBeGreaterThan(0);
    expect(cold.metrics?.lambda).toBeUndefined();
    expect(cold.store?.health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(cold.environment).toBeUndefined();

    const { client: legacy } = await legacyClient(app);
    const warm = await diagnose(legacy);
    expect(warm).toMatchObject({ coldStart: false, era: 'legacy', instance: { id: cold.instance.id } });
    expect(warm.instance.invocations).toBeGreaterThan(1);
    expect(warm.instance.invocations).toBe(app.deps.instance.invocations);

    const modern = await modernClient(app);
    const later = await diagnose(modern, { include_store: false });
    expect(later).toMatchObject({ coldStart: false, era: 'modern', instance: { id: cold.instance.id } });
    expect(later.instance.invocations).toBeGreaterThan(warm.instance.invocations);
    expect(later.store).toBeUndefined();

    const bare = await diagnose(legacy, { include_metrics: false, include_runtime: false });
    expect(Object.keys(bare).sort()).toEqual(['coldStart', 'era', 'instance', 'store']);
    expect(bare.instance.invocations).toBeGreaterThan(later.instance.invocations);
  });

  it('lists its flags and annotations with the YAML title', async () => {
    const app = await build();
    const { client } = await legacyClient(app);
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'lambda_diagnostics');
    expect(tool).toMatchObject({ title: 'Lambda diagnostics', annotations: { readOnlyHint: true } });
    expect(Object.keys(tool?.inputSchema.properties ?? {}).sort()).toEqual([
      'include_environment',
      'include_metrics',
      'include_runtime',
      'include_store',
    ]);
    expect(tool?.outputSchema).toBeDefined();
  });

  it('reports the Lambda memory size and remaining time from the invocation context, in both eras', async () => {
    const app = await build();
    const lambda = toLambdaHandler(app.handler);
    const context = {
      awsRequestId: 'req-diagnostics',
      functionName: 'aws-monitor',
      functionVersion: '$LATEST',
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 28_750,
    };
    const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
    const body = (result: unknown) =>
      JSON.parse((result as APIGatewayProxyStructuredResultV2).body as string) as {
        result: { structuredContent: Diagnostics };
      };
    const expected = {
      awsRequestId: 'req-diagnostics',
      functionName: 'aws-monitor',
      functionVersion: '$LATEST',
      memoryLimitMb: 512,
      remainingTimeMs: expect.any(Number),
    };

    const modern = body(
      await lambda(
        httpApiEvent({
          headers: {
            ...headers,
            'mcp-protocol-version': MODERN,
            'mcp-method': 'tools/call',
            'mcp-name': 'lambda_diagnostics',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: 'lambda_diagnostics', arguments: {}, _meta: modernMeta('lambda') },
          }),
        }),
        context,
      ),
    );
    const modernLambda = modern.result.structuredContent.metrics?.lambda;
    expect(modernLambda).toEqual(expected);
    expect(modernLambda?.remainingTimeMs).toBeGreaterThan(0);
    expect(modernLambda?.remainingTimeMs).toBeLessThanOrEqual(28_750);

    const init = (await lambda(
      httpApiEvent({ headers, body: JSON.stringify(initializeMessage('2025-11-25', 'lambda')) }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    const sessionId = (init.headers as Record<string, string>)['mcp-session-id'] as string;
    const legacy = body(
      await lambda(
        httpApiEvent({
          headers: { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 2,
            method: 'tools/call',
            params: { name: 'lambda_diagnostics', arguments: { include_store: false } },
          }),
        }),
        context,
      ),
    );
    expect(legacy.result.structuredContent).toMatchObject({ era: 'legacy', metrics: { lambda: expected } });
  });

  it('never shows a secret, key or token, even with include_environment', async () => {
    const secrets = {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampletoken',
      MCP_REQUEST_STATE_KEY: 'cd'.repeat(32),
      MY_API_TOKEN: 'tok-live-9f8e7d6c5b4a',
      DATABASE_PASSWORD: 'correct horse battery staple',
    };
    const shown = {
      AWS_REGION: 'eu-central-1',
      STORE: 'memory',
      SSE_MODE: 'live',
      // Allow-listed names holding secrets: withheld all the same.
      AWS_LAMBDA_FUNCTION_VERSION: `v-${secrets.MY_API_TOKEN}`,
      SESSION_TABLE_NAME: 'f0'.repeat(24),
      ADMIN_TOOLS: secrets.AWS_ACCESS_KEY_ID,
    };
    const saved = { ...process.env };
    const app = await build();
    const { client: legacy } = await legacyClient(app);
    const modern = await modernClient(app);
    Object.assign(process.env, secrets, shown);
    try {
      for (const client of [legacy, modern]) {
        const result = await client.callTool({
          name: 'lambda_diagnostics',
          arguments: { include_environment: true, include_metrics: true, include_store: true },
        });
        const serialized = JSON.stringify(result);
        for (const value of Object.values(secrets)) expect(serialized).not.toContain(value);
        for (const name of Object.keys(secrets)) expect(serialized).not.toContain(name);
        const { environment } = result.structuredContent as Diagnostics;
        expect(environment).toMatchObject({
          AWS_REGION: 'eu-central-1',
          STORE: 'memory',
          SSE_MODE: 'live',
          AWS_LAMBDA_FUNCTION_VERSION: '[redacted]',
          SESSION_TABLE_NAME: '[redacted]',
          ADMIN_TOOLS: '[redacted]',
        });
        expect(serialized).not.toContain(shown.SESSION_TABLE_NAME);
      }
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
    expect(process.env.MY_API_TOKEN).toBeUndefined();
  });
});

describe('session_info', () => {
  it('shows the YAML title and the number of events stored for the session', async () => {
    const app = await build();
    const { client, sessionId } = await legacyClient(app, 'info-client');
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'session_info')?.title).toBe('Session information');
    const info = await call(client, 'session_info');
    expect(info).toMatchObject({
      era: 'legacy',
      hasSession: true,
      sessionId,
      clientInfo: { name: 'info-client' },
      eventsStored: expect.any(Number),
    });
    expect(info.eventsStored).toBe((await app.deps.stores.eventStore.read(sessionId, 'get')).lastSeq);
  });
});

describe('list_active_sessions', () => {
  it('does not exist without ADMIN_TOOLS', async () => {
    const app = await build();
    const { client } = await legacyClient(app);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['session_info', 'lambda_diagnostics']));
    expect(tools.map((t) => t.name)).not.toContain('list_active_sessions');
    await expect(client.callTool({ name: 'list_active_sessions', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Tool list_active_sessions not found'),
    });
  });

  it('lists sessions newest first, a page at a time, marking the caller; a bad cursor is a tool error', async () => {
    const app = await build({ ADMIN_TOOLS: 'true' });
    const opened: { client: Client; sessionId: string }[] = [];
    for (const name of ['admin-1', 'admin-2', 'admin-3']) {
      opened.push(await legacyClient(app, name));
      await sleep(5);
    }
    const [oldest, middle, newest] = opened as [(typeof opened)[0], (typeof opened)[0], (typeof opened)[0]];
    const { tools } = await oldest.client.listTools();
    expect(tools.find((t) => t.name === 'list_active_sessions')).toMatchObject({
      title: 'List active sessions',
      annotations: { readOnlyHint: true },
    });

    const all = await listSessions(oldest.client);
    expect(all.nextCursor).toBeUndefined();
    expect(all.sessions.map((s) => s.ref)).toEqual(
      [newest, middle, oldest].map((o) => sessionRef(o.sessionId)),
    );
    expectNoSessionIds(all, opened);
    expect(all.sessions.map((s) => s.current)).toEqual([false, false, true]);
    const entry = all.sessions[2] as Session;
    expect(entry).toEqual({
      ref: sessionRef(oldest.sessionId),
      protocolVersion: '2025-11-25',
      clientInfo: { name: 'admin-1', version: '1.0.0' },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastActiveAt: expect.stringMatching(/Z$/),
      expiresAt: expect.stringMatching(/Z$/),
      current: true,
    });
    expect(Date.parse(entry.expiresAt)).toBeGreaterThan(Date.parse(entry.lastActiveAt));

    const first = await listSessions(middle.client, { limit: 2 });
    expect(first.sessions.map((s) => [s.clientInfo.name, s.current])).toEqual([
      ['admin-3', false],
      ['admin-2', true],
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await listSessions(middle.client, { limit: 2, cursor: first.nextCursor });
    expect(second.sessions.map((s) => s.clientInfo.name)).toEqual(['admin-1']);
    expect(second.nextCursor).toBeUndefined();

    // No session in 2026-07-28: the listing still works, and marks nobody as the caller.
    const modern = await modernClient(app);
    const seen = await listSessions(modern, { limit: 100 });
    expect(seen.sessions).toHaveLength(3);
    expect(seen.sessions.every((s) => s.current === false)).toBe(true);

    for (const client of [oldest.client, modern]) {
      expect(
        await client.callTool({ name: 'list_active_sessions', arguments: { cursor: 'not-a-cursor' } }),
      ).toMatchObject({
        isError: true,
        content: [
          {
            type: 'text',
            text: 'Invalid cursor: not-a-cursor. Pass the nextCursor of a previous page, or none for the first page.',
          },
        ],
      });
    }
    // Still usable after the refusal.
    expect((await listSessions(oldest.client, { limit: 1 })).sessions).toHaveLength(1);
  });

  it('refuses limits outside 1..100', async () => {
    const app = await build({ ADMIN_TOOLS: 'true' });
    const { client } = await legacyClient(app);
    for (const limit of [0, 101, 1.5]) {
      const result = await client.callTool({ name: 'list_active_sessions', arguments: { limit } });
      expect(result.isError).toBe(true);
    }
  });
});

describe('on DynamoDB (dynalite)', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });

  it('pages list_active_sessions through the index and probes the table in diagnostics', async () => {
    const table = await dynamo.newTable();
    const app = await build({
      STORE: 'dynamodb',
      SESSION_TABLE_NAME: table,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      ADMIN_TOOLS: 'true',
    });
    const opened: { client: Client; sessionId: string }[] = [];
    for (let i = 1; i <= 5; i++) {
      opened.push(await legacyClient(app, `dynamo-${i}`));
      await sleep(5);
    }
    const caller = opened[1] as (typeof opened)[0];
    const pages: Session[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listSessions(caller.client, {
        limit: 2,
        ...(cursor !== undefined && { cursor }),
      });
      pages.push(page.sessions);
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const listed = pages.flat();
    expect(listed.map((s) => s.ref)).toEqual(opened.map((o) => sessionRef(o.sessionId)).reverse());
    expect(listed.filter((s) => s.current).map((s) => s.ref)).toEqual([sessionRef(caller.sessionId)]);
    expectNoSessionIds(pages, opened);
    expect(
      await caller.client.callTool({ name: 'list_active_sessions', arguments: { cursor: 'bm9wZQ' } }),
    ).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: expect.stringContaining('Invalid cursor') }],
    });

    const diagnostics = await diagnose(caller.client);
    expect(diagnostics.store).toMatchObject({
      kind: 'dynamodb',
      description: `DynamoDB table ${table} (${dynamo.endpoint})`,
      health: { ok: true },
    });
    expect(diagnostics.store?.health.latencyMs).toBeGreaterThan(0);
    expect(diagnostics.store?.health.error).toBeUndefined();
  });

  it('reports a failing store probe without failing the tool', async () => {
    const table = await dynamo.newTable();
    const app = await build({
      STORE: 'dynamodb',
      SESSION_TABLE_NAME: table,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    });
    const modern = await modernClient(app);
    const original = app.deps.stores.sessionStore.get;
    app.deps.stores.sessionStore.get = async () => {
      throw new Error('table unreachable');
    };
    try {
      const diagnostics = await diagnose(modern);
      expect(diagnostics.store).toMatchObject({
        kind: 'dynamodb',
        health: { ok: false, error: 'table unreachable', latencyMs: expect.any(Number) },
      });
      // A failure naming the store's endpoint is reported without it.
      app.deps.stores.sessionStore.get = async () => {
        throw new Error(`connect ECONNREFUSED ${new URL(dynamo.endpoint).host} (${dynamo.endpoint})`);
      };
      const named = await diagnose(modern);
      expect(named.store?.health.error).toBe('connect ECONNREFUSED the store (the store)');
    } finally {
      app.deps.stores.sessionStore.get = original;
    }
  });
});

describe('ENABLE_COMPRESSION and MAX_RESPONSE_SIZE_MB on the reference server', () => {
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

  async function session(app: AwsMonitorApp) {
    const init = await post(app.handler, initializeMessage('2025-11-25', 'limits'));
    return {
      'mcp-session-id': init.headers.get('mcp-session-id') as string,
      'mcp-protocol-version': '2025-11-25',
    };
  }

  it('compresses JSON answers when enabled, and only then', async () => {
    const on = await build({ ENABLE_COMPRESSION: 'true' });
    const compressed = await post(on.handler, list, { ...(await session(on)), 'accept-encoding': 'gzip' });
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(Buffer.from(await compressed.arrayBuffer())).toString('utf8');
    expect(JSON.parse(text).result.tools.length).toBeGreaterThanOrEqual(3);

    const off = await build();
    const plain = await post(off.handler, list, { ...(await session(off)), 'accept-encoding': 'gzip' });
    expect(plain.headers.get('content-encoding')).toBeNull();
  });

  it('answers a JSON-RPC error for an answer above MAX_RESPONSE_SIZE_MB', async () => {
    const app = await build({ MAX_RESPONSE_SIZE_MB: '0.001' }); // 1048 bytes: tools/list is larger.
    const response = await post(app.handler, list, await session(app));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 2, error: { code: -32603 } });
    expect(body.error.message).toMatch(
      /^Response too large: \d+ bytes exceeds the limit of 1048 bytes \(MAX_RESPONSE_SIZE_MB\)$/,
    );
  });
});

describe('with auth on (the auth option; tokens from a real oidc-provider)', () => {
  let issuer: OidcProvider;
  beforeAll(async () => {
    issuer = await startOidcProvider({ resource: URL_, scopes: ['mcp:tools', 'mcp:admin'] });
  });
  afterAll(async () => {
    await issuer?.close();
  });

  /** The in-process fetch of `app` with `token` on every request. */
  function bearer(app: AwsMonitorApp, token: string) {
    const fetchFn = inProcessFetch(app.handler);
    return (url: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers ?? (url instanceof Request ? url.headers : undefined));
      headers.set('authorization', `Bearer ${token}`);
      return fetchFn(url, { ...init, headers });
    };
  }

  async function clientsWith(app: AwsMonitorApp, token: string) {
    const { client, transport } = v1Client(bearer(app, token), URL_, 'auth-test');
    await client.connect(transport);
    clients.push(client);
    const modern = new ModernClient(
      { name: 'auth-test', version: '2.0.0' },
      { versionNegotiation: { mode: { pin: MODERN } } },
    );
    await modern.connect(new ModernTransport(new URL(URL_), { fetch: bearer(app, token) }));
    clients.push(modern);
    return { legacy: client, sessionId: transport.sessionId as string, modern };
  }

  const ADMIN_TOOLS = ['list_active_sessions', 'publish_event'];

  it('lists and runs the admin tools for a token with the admin scope, naming sessions by digest only', async () => {
    const app = await build(
      { ADMIN_TOOLS: 'true', PUBLISH_TOOL: 'true' },
      { auth: { issuer: issuer.issuer } },
    );
    // The gate is on: no token, no session.
    const refused = await inProcessFetch(app.handler)(URL_, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initializeMessage()),
    });
    expect(refused.status).toBe(401);
    const admin = await clientsWith(app, await issuer.tokenFor(['mcp:tools', 'mcp:admin']));
    const other = await clientsWith(app, await issuer.tokenFor(['mcp:tools', 'mcp:admin']));
    for (const client of [admin.legacy, admin.modern]) {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(ADMIN_TOOLS));
    }

    const listed = await listSessions(admin.legacy);
    expect(listed.sessions.map((s) => [s.ref, s.current]).sort()).toEqual(
      [
        [sessionRef(admin.sessionId), true],
        [sessionRef(other.sessionId), false],
      ].sort(),
    );
    for (const entry of listed.sessions) expect(entry.ref).toMatch(/^[0-9a-f]{16}$/);
    const raw = await admin.legacy.callTool({ name: 'list_active_sessions', arguments: {} });
    expectNoSessionIds(raw, [admin, other]);
    expectNoSessionIds(await listSessions(admin.modern), [admin, other]);

    const published = await call<{ id: string; type: string; target: string }>(
      admin.modern,
      'publish_event',
      {
        type: 'auth.test',
      },
    );
    expect(published).toMatchObject({ type: 'auth.test', target: 'global', id: expect.any(String) });
  });

  it('has no admin tools for a token without the admin scope: absent from tools/list, a call is "tool not found"', async () => {
    const app = await build(
      { ADMIN_TOOLS: 'true', PUBLISH_TOOL: 'true' },
      { auth: { issuer: issuer.issuer } },
    );
    const user = await clientsWith(app, await issuer.tokenFor(['mcp:tools']));
    for (const client of [user.legacy, user.modern]) {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['session_info', 'lambda_diagnostics']));
      for (const name of ADMIN_TOOLS) {
        expect(names).not.toContain(name);
        await expect(client.callTool({ name, arguments: { type: 'auth.test' } })).rejects.toMatchObject({
          message: expect.stringContaining(`Tool ${name} not found`),
        });
      }
    }
  });

  it('keeps both tools off without ADMIN_TOOLS / PUBLISH_TOOL, whatever the scope', async () => {
    const app = await build({}, { auth: { issuer: issuer.issuer } });
    const admin = await clientsWith(app, await issuer.tokenFor(['mcp:tools', 'mcp:admin']));
    const names = (await admin.legacy.listTools()).tools.map((t) => t.name);
    for (const name of ADMIN_TOOLS) expect(names).not.toContain(name);
  });
});
