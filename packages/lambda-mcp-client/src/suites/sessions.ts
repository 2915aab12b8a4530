// The sessions suite (2025 revisions): a session created by initialize and reused, requests without or with
// an unknown Mcp-Session-Id, MCP-Protocol-Version, logging/setLevel accepted and applied, DELETE then 404 —
// driven by the v1 SDK client, with raw requests only where a client would never send them.
import { brief, check, errorText, expectRpcError, expectStatus, fail } from '../runner/assert.js';
import {
  connectLegacy,
  LEGACY_VERSIONS,
  post,
  sessionHeaders,
  VERSION_HEADER_VERSIONS,
} from '../runner/mcp.js';
import { argumentsFor } from '../runner/schema.js';
import type { Exchange, TestCase, TestContext } from '../runner/types.js';
import { isDestructive } from './tools.js';

/** RFC 5424 severities as MCP names them, least severe first. */
const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
type Level = (typeof LEVELS)[number];

function severity(level: unknown): number {
  return LEVELS.indexOf(level as Level);
}

function isInitialize(exchange: Exchange): boolean {
  return exchange.method === 'POST' && (exchange.requestBody ?? '').includes('"method":"initialize"');
}

/** The session id the initialize answer carried, checked as a rule. */
function sessionIdOf(ctx: TestContext): string {
  const init = ctx.exchanges.find(isInitialize);
  check(init?.status === 200, 'initialize must answer 200', () =>
    String(init?.status ?? init?.error ?? 'no answer'),
  );
  const id = init.responseHeaders?.['mcp-session-id'];
  check(id, 'initialize must return an Mcp-Session-Id header (a 2025 session)', 'no Mcp-Session-Id header');
  return id;
}

/** Connects a v1 client; when connecting fails, reports a missing session id first (its usual cause). */
async function connectWithSession(ctx: TestContext) {
  try {
    const connection = await connectLegacy(ctx);
    return { ...connection, sessionId: sessionIdOf(ctx) };
  } catch (error) {
    if (ctx.exchanges.some(isInitialize)) sessionIdOf(ctx);
    fail(`a v1 SDK client must connect with initialize (${ctx.version})`, errorText(error));
  }
}

/** A ping on the session with `headers` overriding the usual ones. */
function ping(ctx: TestContext, sessionId: string | undefined, headers: Record<string, string> = {}) {
  return post(
    ctx,
    { jsonrpc: '2.0', id: 'lambda-mcp-client-ping', method: 'ping' },
    {
      ...sessionHeaders(ctx.version, sessionId),
      ...headers,
    },
  );
}

/** The sessions suite's tests. */
export const sessionsTests: TestCase[] = [
  {
    suite: 'sessions',
    name: 'initialize returns an Mcp-Session-Id header of visible ASCII',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const { sessionId } = await connectWithSession(ctx);
      check(
        /^[\x21-\x7e]+$/.test(sessionId),
        'an Mcp-Session-Id must contain only visible ASCII (0x21 to 0x7E)',
        JSON.stringify(sessionId),
      );
    },
  },
  {
    suite: 'sessions',
    name: 'the session is reused: later requests carry its Mcp-Session-Id and are served',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const { client, sessionId } = await connectWithSession(ctx);
      const options = { signal: ctx.signal, timeout: ctx.timeout };
      try {
        await client.ping(options);
        if (client.getServerCapabilities()?.tools) await client.listTools(undefined, options);
      } catch (error) {
        fail('requests on the session must be served', errorText(error));
      }
      const later = ctx.exchanges.slice(ctx.exchanges.findIndex(isInitialize) + 1);
      for (const exchange of later) {
        if (exchange.status === undefined && exchange.error === undefined) continue; // Still waiting (a GET stream).
        const label =
          `${exchange.method} ${exchange.requestBody ? brief(exchange.requestBody, 60) : ''}`.trim();
        check(
          exchange.requestHeaders['mcp-session-id'] === sessionId,
          'every request after initialize must carry the session id',
          `${label} without it`,
        );
        const answered = exchange.responseHeaders?.['mcp-session-id'];
        check(
          answered === undefined || answered === sessionId,
          'the server must not switch a session to another id',
          `${label} answered Mcp-Session-Id ${answered}`,
        );
        // A server may offer no GET stream (405); everything else on the session must succeed.
        if (exchange.method === 'GET' && exchange.status === 405) continue;
        check(
          exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300,
          'requests on a live session must be served (2xx)',
          `${label} answered ${exchange.status ?? exchange.error}`,
        );
      }
    },
  },
  {
    suite: 'sessions',
    name: 'a request without Mcp-Session-Id answers 400',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      await connectWithSession(ctx);
      await expectStatus(
        await ping(ctx, undefined),
        'a request without Mcp-Session-Id (other than initialize) must answer 400 Bad Request',
        400,
      );
    },
  },
  {
    suite: 'sessions',
    name: 'a request with an unknown Mcp-Session-Id answers 404 with JSON-RPC -32001',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      await expectRpcError(
        await ping(ctx, `lambda-mcp-client-unknown-${crypto.randomUUID()}`),
        'a request with an unknown Mcp-Session-Id must answer 404 with JSON-RPC -32001 (session not found)',
        { status: 404, code: -32001 },
      );
    },
  },
  {
    suite: 'sessions',
    name: 'MCP-Protocol-Version: the negotiated revision is served, an unsupported one answers 400',
    versions: VERSION_HEADER_VERSIONS,
    async run(ctx) {
      const { sessionId } = await connectWithSession(ctx);
      await expectStatus(
        await ping(ctx, sessionId),
        `a request with the negotiated MCP-Protocol-Version: ${ctx.version} must be served`,
        200,
      );
      await expectStatus(
        await ping(ctx, sessionId, { 'mcp-protocol-version': '1999-01-01' }),
        'a request with MCP-Protocol-Version: 1999-01-01 must answer 400 Bad Request',
        400,
      );
    },
  },
  {
    suite: 'sessions',
    name: 'logging/setLevel is accepted',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const { client } = await connectWithSession(ctx);
      if (!client.getServerCapabilities()?.logging)
        ctx.skip('the server does not declare the logging capability');
      try {
        await client.setLoggingLevel('warning', { signal: ctx.signal, timeout: ctx.timeout });
      } catch (error) {
        fail('logging/setLevel must answer an empty result', errorText(error));
      }
    },
  },
  {
    suite: 'sessions',
    name: 'logging/setLevel is applied: no notifications/message below the level arrive',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const { client, logs } = await connectWithSession(ctx);
      if (!client.getServerCapabilities()?.logging)
        ctx.skip('the server does not declare the logging capability');
      if (!client.getServerCapabilities()?.tools)
        ctx.skip('the server declares no tools, so none can be made to log');
      const options = { signal: ctx.signal, timeout: ctx.timeout };
      await client.setLoggingLevel('debug', options);
      const { tools } = await client.listTools(undefined, options);
      const tried: string[] = [];
      for (const tool of tools) {
        if (isDestructive(tool)) continue;
        const generated = argumentsFor(tool.inputSchema);
        if (!generated.ok) continue;
        tried.push(tool.name);
        logs.length = 0;
        await client
          .callTool({ name: tool.name, arguments: generated.args }, undefined, options)
          .catch(() => {});
        if (logs.length === 0) continue;
        const loudest = Math.max(...logs.map((log) => severity(log.level)));
        const level = LEVELS[loudest + 1];
        if (!level) return ctx.skip(`${tool.name} logs at emergency: no level is above it`);
        await client.setLoggingLevel(level, options);
        logs.length = 0;
        await client
          .callTool({ name: tool.name, arguments: generated.args }, undefined, options)
          .catch(() => {});
        const below = logs.filter((log) => severity(log.level) < severity(level));
        check(
          below.length === 0,
          `after logging/setLevel ${level}, no notifications/message below ${level} may arrive`,
          () => below.map((log) => `${log.level}: ${brief(log.data, 80)}`).join('; '),
        );
        ctx.note(`${tool.name} logged at ${LEVELS[loudest]} under debug and stayed quiet under ${level}`);
        return;
      }
      ctx.skip(
        tried.length === 0
          ? 'no tool could be called safely (read-only, with valid generated arguments) to make the server log'
          : `no tool sent a notifications/message at level debug (tried: ${tried.join(', ')})`,
      );
    },
  },
  {
    suite: 'sessions',
    name: 'DELETE ends the session: 2xx, then requests with its id answer 404',
    versions: LEGACY_VERSIONS,
    async run(ctx) {
      const { transport, sessionId } = await connectWithSession(ctx);
      try {
        await transport.terminateSession();
      } catch (error) {
        fail('DELETE with the session id must end the session (2xx)', errorText(error));
      }
      const deletion = ctx.exchanges.findLast((e) => e.method === 'DELETE');
      check(
        deletion?.status !== undefined,
        'the SDK client must send DELETE to end the session',
        'no DELETE sent',
      );
      if (deletion.status === 405) {
        ctx.skip('the server does not let clients end sessions (DELETE answered 405, which the spec allows)');
      }
      check(
        deletion.status >= 200 && deletion.status < 300,
        'DELETE with the session id must answer 2xx',
        String(deletion.status),
      );
      await expectStatus(
        await ping(ctx, sessionId),
        'a request with the id of a deleted session must answer 404 Not Found',
        404,
      );
    },
  },
];
