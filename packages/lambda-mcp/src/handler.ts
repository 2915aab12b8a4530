// The one core: `fetch(Request) → Response` for every MCP revision on one endpoint. The edge checks run
// first; then the SDK's own classifier routes 2026-07-28 traffic to the SDK's `createMcpHandler` and
// 2025-era traffic to lambda-mcp's sessionful transport. Adapters (Lambda, node:http) only convert.

import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AuthInfo,
  createMcpHandler,
  createRequestStateCodec,
  isLegacyRequest,
  type McpHttpHandler,
  type PerRequestResponseMode,
  type RequestStateCodec,
  type ServerEventBus,
  type ServerNotifier,
} from '@modelcontextprotocol/server';
import type { SNSEvent } from 'aws-lambda';
import type { LambdaMcpServerFactory } from './context.js';
import { HttpError, LambdaMcpError, StoreUnavailableError } from './errors.js';
import { EventFeed, type PublishResult } from './events/feed.js';
import { type GlobalEventLog, MemoryGlobalEventLog } from './events/global-log.js';
import type { EventInput } from './events/model.js';
import { FeedServerEventBus } from './events/server-event-bus.js';
import { SessionEventHub } from './events/session-hub.js';
import { ingestSns, type SnsIngestResult } from './events/sns.js';
import { compressResponse } from './http/compression.js';
import { checkEdge, readPostBody, withCors } from './http/edge.js';
import { limitResponseSize } from './http/response-limit.js';
import { jsonRpcErrorResponse, RpcCode } from './http/responses.js';
import type { FetchExtras } from './invocation.js';
import { LegacySessions, type PostBody } from './legacy/sessions.js';
import { isInLambda, resolveRequestStateKey } from './request-state-key.js';
import { MemoryEventStore, MemoryResponseMailbox, MemorySessionStore } from './stores/memory.js';
import type { EventStore, ResponseMailbox, SessionStore } from './stores/types.js';

/** Options of {@link createLambdaMcp}; every one has a default fit for a local run. */
export interface LambdaMcpOptions {
  /** Where 2025-era sessions live. Default: in this process's memory. */
  sessionStore?: SessionStore;
  /** The sessions' SSE event logs. Default: in memory. */
  eventStore?: EventStore;
  /** Carries client answers to server-to-client requests between instances. Default: in memory. */
  mailbox?: ResponseMailbox;
  /** Live fan-out of stored events to this process's open streams. Default: a new hub. */
  hub?: SessionEventHub;
  /**
   * The durable log of published events (global and session-targeted). Default: in this process's memory.
   * Give every instance the DynamoDB log (`lambda-mcp/dynamodb`) so events reach them all.
   */
  eventLog?: GlobalEventLog;
  /** How often an instance with open streams reads a shared event log, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Largest published event, in bytes of JSON. Default 64 KiB. */
  maxEventBytes?: number;
  /** Events a live GET stream may fall behind before it is cut off and must resume. Default 1024. */
  streamCapacity?: number;
  /**
   * Announce `session.created`/`session.ended` (global), `tool.started`/`tool.completed` (to the calling
   * session) and `server.health` (see `healthIntervalMs`) on this instance's live streams. Instance-local and not logged, so they cost no store call.
   * Default `false`.
   */
  internalEvents?: boolean;
  /** With `internalEvents`, a `server.health` event to this instance's open streams this often, in ms. Default 60000. */
  healthIntervalMs?: number;
  /**
   * With `sse: 'poll'`, how long a 2026-07-28 `subscriptions/listen` stream is held open before it ends, in
   * ms (buffered Lambda returns the body only then). Default 25000, under API Gateway's 29 s.
   */
  listenWindowMs?: number;
  /**
   * The 2026-07-28 `subscriptions/listen` event bus. Default: one over the event log, so a change published
   * on any instance reaches listen streams on every instance.
   */
  bus?: ServerEventBus;
  /**
   * How SSE streams behave: `live` keeps GET streams open (local server, Lambda response streaming);
   * `poll` replays and closes them with `retry:` (buffered Lambda). Default `live`.
   */
  sse?: 'poll' | 'live';
  /** Reconnect delay announced with `retry:` on SSE streams, in ms. Default 1000. */
  retryMs?: number;
  /** SSE keep-alive comment interval, in ms; 0 disables. Default 15000. */
  keepAliveMs?: number;
  /** Longest a live GET stream stays open before a clean, resumable close, in ms; 0 = no limit. Default 0. */
  maxStreamMs?: number;
  /** Idle time after which a 2025-era session expires, in seconds. Default 3600. */
  sessionIdleSeconds?: number;
  /** Browser origins allowed besides same-origin (see `ALLOWED_ORIGINS`). Default: localhost origins. */
  allowedOrigins?: readonly string[];
  /** Hostnames the `Host` header must match; set it when bound to localhost. Default: no check. */
  allowedHosts?: readonly string[];
  /** Largest POST body, in bytes. Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Compress JSON answers of 1 KiB and more with `br` or `gzip`, as the request's `Accept-Encoding` allows;
   * SSE streams are never compressed. The Lambda adapter then returns the body base64-encoded, which HTTP
   * APIs, Function URLs and ALB decode; a REST API decodes it only when `application/json` (or the any-type
   * wildcard) is among its binary media types, so there prefer its own `minimumCompressionSize`. Default
   * `false`.
   */
  compression?: boolean;
  /**
   * Largest JSON answer, in bytes: a larger one becomes a JSON-RPC `-32603` "Response too large" error for the
   * same request id(s), headers kept; a 2025-era answer sent over SSE gets the same error event. Checked
   * before compression. Default: no limit.
   */
  maxResponseBytes?: number;
  /**
   * Key for MRTR `requestState` (>= 32 bytes, or its hex/base64 text). Default: `MCP_REQUEST_STATE_KEY`;
   * inside Lambda a missing key stops start-up, locally a per-process key is used with a warning.
   */
  requestStateKey?: string | Uint8Array;
  /** Response shaping for 2026-07-28 requests (the SDK's `responseMode`). Default `auto`. */
  responseMode?: PerRequestResponseMode;
  /** Reports errors that do not change a response (the SDK's `onerror` convention). */
  onerror?: (error: Error) => void;
  /** Reports every request once its response is ready (logs, metrics); must not throw. */
  onrequest?: (record: RequestRecord) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** Per-request inputs besides the request itself. */
export interface LambdaMcpRequestOptions extends FetchExtras {
  /** Validated authentication of the caller (pass-through; lambda-mcp verifies no token itself). */
  authInfo?: AuthInfo;
}

/** What {@link LambdaMcpOptions.onrequest} reports of each request once its response is ready. */
export interface RequestRecord {
  httpMethod: string;
  /** `edge` for answers given before routing (preflight, 403, 405, 413, 415, bad JSON). */
  era: 'modern' | 'legacy' | 'edge';
  /** The JSON-RPC method of the (first) message. */
  rpcMethod?: string;
  /** The tool of a `tools/call`. */
  toolName?: string;
  /** The 2025 session (request header, or the one `initialize` created). */
  sessionId?: string;
  /** From `initialize` params or the 2026-07-28 `_meta` envelope. */
  clientName?: string;
  /** W3C trace context from the message's `_meta` (SEP-414), when the client sent one. */
  traceparent?: string;
  tracestate?: string;
  status: number;
  /** Until the response (for SSE: its headers) was ready, in ms. */
  durationMs: number;
  /** The JSON-RPC error code lambda-mcp answered with, when it refused the request itself. */
  errorCode?: number;
  /** The Lambda request id, when served by the Lambda adapter. */
  lambdaRequestId?: string;
}

/** The handler: a web-standard `fetch` plus the modern leg's notification helpers. */
export interface LambdaMcpHandler {
  /** Serves one HTTP request of any revision. Never rejects: every failure is an HTTP answer. */
  fetch: (request: Request, options?: LambdaMcpRequestOptions) => Promise<Response>;
  /** Publishes 2026-07-28 change notifications to open `subscriptions/listen` streams. */
  notify: ServerNotifier;
  /** The 2026-07-28 event bus. */
  bus: ServerEventBus;
  /** The MRTR `requestState` codec the factory receives, for use outside a request. */
  requestState: RequestStateCodec;
  /** Publishes an event to every open stream on every instance that shares the event log. */
  publishGlobalEvent: (input: EventInput) => Promise<PublishResult>;
  /** Publishes an event to the GET streams of one 2025-era session, on whichever instance they are open. */
  publishSessionEvent: (sessionId: string, input: EventInput) => Promise<PublishResult>;
  /**
   * Publishes the records of a Lambda SNS event, once each (by `MessageId`); malformed records are skipped
   * and reported. Rejects only when the event log cannot be written, so the delivery is retried.
   */
  ingestSns: (event: SNSEvent) => Promise<SnsIngestResult>;
  /** The instance's event feed: its broadcast bus and log (diagnostics, tests, benchmarks). */
  feed: EventFeed;
  /** Aborts in-flight 2026-07-28 exchanges and stops the event poller. */
  close: () => Promise<void>;
}

const DEFAULT_ALLOWED_ORIGINS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Serves an MCP server factory on every protocol revision from one `fetch` handler.
 *
 * @example
 * const handler = createLambdaMcp((ctx) => {
 *   const server = new McpServer({ name: 'demo', version: '1.0.0' }, { requestState: { verify: ctx.requestState.verify } });
 *   server.registerTool('hello', { description: 'Says hello' }, async () => ({ content: [{ type: 'text', text: 'hi' }] }));
 *   return server;
 * });
 * const response = await handler.fetch(new Request('http://localhost/mcp', { method: 'POST', ... }));
 */
export function createLambdaMcp(
  factory: LambdaMcpServerFactory,
  options: LambdaMcpOptions = {},
): LambdaMcpHandler {
  const onerror = options.onerror ?? (() => {});
  const key =
    options.requestStateKey ??
    resolveRequestStateKey(process.env.MCP_REQUEST_STATE_KEY, {
      inLambda: isInLambda(),
      warn: (message) => console.warn(`[lambda-mcp] ${message}`),
    });
  const requestState = createRequestStateCodec({ key });
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const edge = {
    allowedOrigins: options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS,
    allowedHosts: options.allowedHosts,
    maxBodyBytes,
  };

  // What the adapter passed with the request reaches the factory through the request's async context.
  const invocation = new AsyncLocalStorage<FetchExtras>();
  const withInvocation: LambdaMcpServerFactory = (ctx) => {
    const extras = invocation.getStore();
    return factory(extras?.lambdaContext ? { ...ctx, lambdaContext: extras.lambdaContext } : ctx);
  };
  const feed = new EventFeed({
    log: options.eventLog ?? new MemoryGlobalEventLog(options.now ? { now: options.now } : {}),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.maxEventBytes !== undefined && { maxEventBytes: options.maxEventBytes }),
    ...(options.internalEvents && { healthIntervalMs: options.healthIntervalMs ?? 60_000 }),
    onerror,
    ...(options.now && { now: options.now }),
  });
  const sse = options.sse ?? 'live';
  const listenWindowMs = sse === 'poll' ? (options.listenWindowMs ?? 25_000) : 0;
  const modern: McpHttpHandler = createMcpHandler((ctx) => withInvocation({ ...ctx, requestState }), {
    legacy: 'reject',
    onerror,
    maxRequestBodySize: maxBodyBytes,
    bus: options.bus ?? new FeedServerEventBus(feed, onerror),
    ...(options.responseMode && { responseMode: options.responseMode }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  });
  const legacy = new LegacySessions({
    factory: withInvocation,
    requestState,
    sessions: options.sessionStore ?? new MemorySessionStore(options.now),
    events: options.eventStore ?? new MemoryEventStore(),
    mailbox: options.mailbox ?? new MemoryResponseMailbox(),
    hub: options.hub ?? new SessionEventHub(),
    sse,
    retryMs: options.retryMs ?? 1000,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    maxStreamMs: options.maxStreamMs ?? 0,
    sessionIdleMs: (options.sessionIdleSeconds ?? 3600) * 1000,
    feed,
    streamCapacity: options.streamCapacity ?? 1024,
    internalEvents: options.internalEvents ?? false,
    ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
    onerror,
    now: options.now ?? Date.now,
  });

  const route = async (incoming: Request, seen: Seen, authInfo?: AuthInfo): Promise<Response> => {
    let request = incoming;
    const early = checkEdge(request, edge);
    if (early) return early;
    let body: PostBody | undefined;
    if (request.method === 'POST') body = await readPostBody(request, maxBodyBytes);
    seen.body = body;
    const isLegacy = body?.kind === 'invalid' || (await isLegacyRequest(request, body?.value));
    seen.era = isLegacy ? 'legacy' : 'modern';
    if (isLegacy) return legacy.handle(request, body, authInfo);
    if (listenWindowMs > 0 && isListen(request, body)) request = holdFor(request, listenWindowMs);
    return modern.fetch(request, {
      ...(body?.kind === 'json' && { parsedBody: body.value }),
      ...(authInfo && { authInfo }),
    });
  };

  const onrequest = options.onrequest;
  const now = options.now ?? Date.now;
  const { compression, maxResponseBytes } = options;
  return {
    fetch: async (request, requestOptions) => {
      const started = onrequest ? now() : 0;
      const seen: Seen = {};
      let response: Response;
      try {
        response = await invocation.run(requestOptions ?? {}, () =>
          route(request, seen, requestOptions?.authInfo),
        );
        if (maxResponseBytes !== undefined) {
          response = await limitResponseSize(response, maxResponseBytes, () => {
            seen.errorCode = RpcCode.InternalError;
          });
        }
        if (compression) response = await compressResponse(response, request.headers.get('accept-encoding'));
      } catch (error) {
        response = errorResponse(error, onerror);
        if (error instanceof HttpError) seen.errorCode = error.code;
        else if (error instanceof StoreUnavailableError) seen.errorCode = RpcCode.InternalError;
      }
      response = withCors(response, request);
      if (onrequest) {
        try {
          onrequest(describeRequest(request, response, seen, now() - started, requestOptions));
        } catch (error) {
          onerror(error instanceof Error ? error : new LambdaMcpError(String(error)));
        }
      }
      return response;
    },
    notify: modern.notify,
    bus: modern.bus,
    requestState,
    publishGlobalEvent: (input) => feed.publish(input, { kind: 'global' }),
    publishSessionEvent: (sessionId, input) => feed.publish(input, { kind: 'session', sessionId }),
    ingestSns: (event) => ingestSns(event, feed),
    feed,
    close: async () => {
      feed.close();
      await modern.close();
    },
  };
}

/** Whether a 2026-07-28 POST opens a `subscriptions/listen` stream. */
function isListen(request: Request, body: PostBody | undefined): boolean {
  if (request.method !== 'POST') return false;
  const value = body?.kind === 'json' ? (body.value as { method?: unknown }) : undefined;
  return value?.method === 'subscriptions/listen';
}

/**
 * The same request with a signal that also aborts after `ms`: the SDK ends a listen stream when its request
 * aborts, which is how a buffered Lambda gets its (whole) body back within the gateway's timeout. The body
 * was read already and goes to the SDK parsed, so the copy carries none. undici lets a Request's signal stop
 * following its source once the Request is garbage collected (nodejs/node#55428), so the timer holds the
 * copy until the window ends.
 */
function holdFor(request: Request, ms: number): Request {
  const controller = new AbortController();
  const held = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: controller.signal,
  });
  const end = () => {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', end);
    controller.abort(held.signal.aborted ? undefined : request.signal.reason);
  };
  const timer = setTimeout(end, ms);
  if (request.signal.aborted) end();
  else request.signal.addEventListener('abort', end, { once: true });
  return held;
}

/** What routing learned of a request, for {@link RequestRecord}. */
interface Seen {
  body?: PostBody;
  era?: 'modern' | 'legacy';
  errorCode?: number;
}

function describeRequest(
  request: Request,
  response: Response,
  seen: Seen,
  durationMs: number,
  extras: LambdaMcpRequestOptions | undefined,
): RequestRecord {
  const record: RequestRecord = {
    httpMethod: request.method,
    era: seen.era ?? 'edge',
    status: response.status,
    durationMs,
  };
  const value = seen.body?.kind === 'json' ? seen.body.value : undefined;
  const first = (Array.isArray(value) ? value[0] : value) as
    | {
        method?: unknown;
        params?: { name?: unknown; clientInfo?: { name?: unknown }; _meta?: Record<string, unknown> };
      }
    | undefined;
  if (typeof first?.method === 'string') record.rpcMethod = first.method;
  if (first?.method === 'tools/call' && typeof first.params?.name === 'string')
    record.toolName = first.params.name;
  const meta = first?.params?._meta;
  const metaClient = meta?.['io.modelcontextprotocol/clientInfo'] as { name?: unknown } | undefined;
  const clientName = first?.params?.clientInfo?.name ?? metaClient?.name;
  if (typeof clientName === 'string') record.clientName = clientName;
  if (typeof meta?.traceparent === 'string') record.traceparent = meta.traceparent;
  if (typeof meta?.tracestate === 'string') record.tracestate = meta.tracestate;
  const sessionId = request.headers.get('mcp-session-id') ?? response.headers.get('mcp-session-id');
  if (sessionId) record.sessionId = sessionId;
  if (seen.errorCode !== undefined) record.errorCode = seen.errorCode;
  if (extras?.lambdaContext?.awsRequestId) record.lambdaRequestId = extras.lambdaContext.awsRequestId;
  return record;
}

/** Maps anything thrown on the request path to its HTTP answer; only real bugs become 500. */
function errorResponse(error: unknown, onerror: (error: Error) => void): Response {
  if (error instanceof HttpError) {
    return jsonRpcErrorResponse(error.status, error.code, error.message, error.headers);
  }
  if (error instanceof StoreUnavailableError) {
    onerror(error);
    return jsonRpcErrorResponse(503, RpcCode.InternalError, 'Service Unavailable: session storage failed', {
      'retry-after': '1',
    });
  }
  onerror(error instanceof Error ? error : new LambdaMcpError(String(error)));
  return jsonRpcErrorResponse(500, RpcCode.InternalError, 'Internal error');
}
