// MCP on the wire for the suites: request shapes of both eras (the 2026-07-28 `_meta` envelope with its
// Mcp-Method/Mcp-Name headers; 2025 initialize and session headers), raw sessions, and SDK clients bound to
// a test's recording fetch (v2 for 2026-07-28, v1 for the 2025 revisions).
import {
  Client as ModernClient,
  type Tool as ModernTool,
  StreamableHTTPClientTransport as ModernTransport,
} from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ProtocolVersion } from '../options.js';
import { CLIENT_INFO, MODERN_VERSION, pinInitialize } from '../sdk.js';
import { check, describeResponse, readResponse } from './assert.js';
import type { TestContext } from './types.js';

export { CLIENT_INFO };

/** The modern revision: no sessions, a `_meta` envelope on every request. */
export const MODERN = MODERN_VERSION satisfies ProtocolVersion;
/** The 2025 revisions, served through `initialize` and sessions. */
export const LEGACY_VERSIONS = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
] as const satisfies ProtocolVersion[];
/** The 2025 revisions that define the `MCP-Protocol-Version` header (2025-03-26 predates it). */
export const VERSION_HEADER_VERSIONS = ['2025-11-25', '2025-06-18'] as const satisfies ProtocolVersion[];
export const ACCEPT_BOTH = 'application/json, text/event-stream';

/** Whether `version` is a modern (per-request `_meta`) revision. */
export function isModern(version: string): boolean {
  return version >= MODERN;
}

/** The 2026-07-28 per-request `_meta` envelope. */
export function envelope(protocolVersion: string = MODERN): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': protocolVersion,
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

/** A modern request: its body (params with the envelope) and the headers mirroring it. */
export function modernRequest(
  method: string,
  params: Record<string, unknown> = {},
  options: { id?: string | number; version?: string } = {},
): { headers: Record<string, string>; message: Record<string, unknown> } {
  const version = options.version ?? MODERN;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: ACCEPT_BOTH,
    'mcp-protocol-version': version,
    'mcp-method': method,
  };
  const name = params.name ?? params.uri;
  if (typeof name === 'string') headers['mcp-name'] = name;
  const message = {
    jsonrpc: '2.0',
    id: options.id ?? 1,
    method,
    params: { ...params, _meta: envelope(version) },
  };
  return { headers, message };
}

/** A 2025 `initialize` request offering `version`. */
export function initializeMessage(version: string, id: string | number = 1): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: CLIENT_INFO },
  };
}

/** Headers of a 2025 `initialize` POST (no session yet, no negotiated version). */
export function initializeHeaders(): Record<string, string> {
  return { 'content-type': 'application/json', accept: ACCEPT_BOTH };
}

/** Headers of a 2025 request after `initialize`: the session (if any) and, from 2025-06-18, the version. */
export function sessionHeaders(version: string, sessionId?: string | null): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: ACCEPT_BOTH };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  if (version !== '2025-03-26') headers['mcp-protocol-version'] = version;
  return headers;
}

/** A POST of `body` (JSON-encoded unless already text) through the test's recording fetch. */
export function post(ctx: TestContext, body: unknown, headers: Record<string, string>): Promise<Response> {
  return ctx.fetch(ctx.url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Deletes a session a response opened (e.g. an initialize that should have been refused), when the test ends. */
export function cleanUpSession(ctx: TestContext, response: Response, version: string): void {
  const id = response.headers.get('mcp-session-id');
  if (id) ctx.defer(() => ctx.fetch(ctx.url, { method: 'DELETE', headers: sessionHeaders(version, id) }));
}

/** A 2025 session opened over the wire. */
export interface RawSession {
  /** The headers of later requests: the session id (if any) and the negotiated revision. */
  headers: Record<string, string>;
  /** The `Mcp-Session-Id` the server gave, if any. */
  sessionId: string | null;
  /** The `initialize` result (capabilities, serverInfo, …). */
  result: Record<string, unknown>;
}

/**
 * Opens a 2025 session over the wire (initialize, then notifications/initialized) and resolves the headers
 * of later requests; DELETEs the session when the test ends. With `strict`, the notification must be
 * acknowledged with 202 and no body (checked as a rule).
 */
export async function openRawSession(ctx: TestContext, strict = false): Promise<Record<string, string>> {
  return (await openRawSessionDetails(ctx, strict)).headers;
}

/** {@link openRawSession}, resolving the session id and the initialize result too. */
export async function openRawSessionDetails(ctx: TestContext, strict = false): Promise<RawSession> {
  const version = ctx.version;
  const init = await post(ctx, initializeMessage(version), initializeHeaders());
  const read = await readResponse(init);
  check(read.status === 200 && read.message?.result, `initialize (${version}) must succeed`, () =>
    describeResponse(read),
  );
  const id = init.headers.get('mcp-session-id');
  const headers = sessionHeaders(version, id);
  if (id) ctx.defer(() => ctx.fetch(ctx.url, { method: 'DELETE', headers }));
  const initialized = await post(ctx, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  const ack = await readResponse(initialized);
  if (strict) {
    check(
      ack.status === 202 && ack.text === '',
      'a notification (notifications/initialized) must be accepted with 202 Accepted and no body',
      () => describeResponse(ack),
    );
  }
  return { headers, sessionId: id, result: read.message.result };
}

/** A connected v1 SDK client on a 2025 session, and the log notifications it received. */
export interface LegacyConnection {
  client: LegacyClient;
  transport: LegacyTransport;
  logs: LoggingMessageNotification['params'][];
}

/** Creates a v1 SDK client (2025 revisions) that offers `ctx.version`, through the recording fetch. */
export function legacyClient(ctx: TestContext): LegacyConnection {
  const client = new LegacyClient(CLIENT_INFO, { capabilities: {} });
  const logs: LoggingMessageNotification['params'][] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    logs.push(notification.params);
  });
  client.onerror = () => {}; // Transport hiccups (e.g. a refused GET stream) surface through the requests.
  const transport = new LegacyTransport(ctx.url, {
    fetch: pinInitialize(ctx.fetch, ctx.version),
    reconnectionOptions: {
      initialReconnectionDelay: 100,
      maxReconnectionDelay: 500,
      reconnectionDelayGrowFactor: 2,
      maxRetries: 0,
    },
  });
  ctx.defer(async () => {
    await transport.terminateSession().catch(() => {});
    await client.close();
  });
  return { client, transport, logs };
}

/** Creates and connects a v1 SDK client on a 2025 session of `ctx.version`. */
export async function connectLegacy(ctx: TestContext): Promise<LegacyConnection> {
  const connection = legacyClient(ctx);
  await connection.client.connect(connection.transport, { signal: ctx.signal, timeout: ctx.timeout });
  return connection;
}

/** Creates and connects a v2 SDK client pinned to 2026-07-28 (its connect probes `server/discover`). */
export async function connectModern(ctx: TestContext): Promise<ModernClient> {
  const client = new ModernClient(CLIENT_INFO, {
    capabilities: {},
    versionNegotiation: { mode: { pin: MODERN } },
  });
  client.onerror = () => {}; // Failures surface through the requests themselves.
  ctx.defer(() => client.close());
  await client.connect(new ModernTransport(ctx.url, { fetch: ctx.fetch }), {
    signal: ctx.signal,
    timeout: ctx.timeout,
  });
  return client;
}

/** A tool definition as either SDK lists it. */
export type ToolDefinition = ModernTool;
