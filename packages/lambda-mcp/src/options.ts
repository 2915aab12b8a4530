// The options of lambda-mcp in one place: what a caller may set (`LambdaMcpOptions`), what the core hands
// back (`LambdaMcpHandler`, `RequestRecord`), and `resolveOptions()`, which applies every default once so the
// core, both legs, the entry points and the bench read the same values under the same names.
import {
  type AuthInfo,
  createRequestStateCodec,
  type PerRequestResponseMode,
  type RequestStateCodec,
  type ServerEventBus,
  type ServerNotifier,
} from '@modelcontextprotocol/server';
import type { SNSEvent } from 'aws-lambda';
import { type AuthOptions, type ResolvedAuth, resolveAuth } from './auth/config.js';
import type { EventFeed, PublishResult } from './events/feed.js';
import { type GlobalEventLog, MemoryGlobalEventLog } from './events/global-log.js';
import { DEFAULT_MAX_EVENT_BYTES, type EventInput } from './events/model.js';
import { SessionEventHub } from './events/session-hub.js';
import type { SnsIngestResult } from './events/sns.js';
import { LOOPBACK_HOSTNAMES } from './http/loopback.js';
import type { FetchExtras, LambdaContextLike } from './invocation.js';
import { isInLambda, resolveRequestStateKey } from './request-state-key.js';
import {
  DEFAULT_MEMORY_MAX_SESSIONS,
  MemoryEventStore,
  MemoryResponseMailbox,
  MemorySessionStore,
} from './stores/memory.js';
import type { EventStore, ResponseMailbox, SessionStore } from './stores/types.js';
// tasks: the Tasks extension's options, worker event and runtime
import type { TaskWorkerEvent } from './tasks/lambda-runner.js';
import { MemoryTaskStore } from './tasks/memory.js';
import type { TaskOptions } from './tasks/options.js';
import type { TaskRuntime } from './tasks/runtime.js';
import type { TaskStore } from './tasks/types.js';

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
  /**
   * With the default in-memory session store, the most sessions it holds (`MEMORY_MAX_SESSIONS`); one more
   * evicts the least recently active with its event log. Default 10000.
   */
  maxSessions?: number;
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
  /**
   * Reports errors the client cannot see: every unexpected failure behind a 500 (or a 503 from a failed
   * store), a throwing `onrequest`, event-log and stream failures, and the SDK's own reports (the SDK's
   * `onerror` convention), those of the requests it rejects with a 4xx included. Default: each unexpected
   * error goes to stderr as `lambda-mcp: <error with its stack>`; the SDK's reports of a request it answered
   * with a 4xx (a client's mistake, handled already) are not printed. Your own `onerror` replaces that.
   */
  onerror?: (error: Error) => void;
  /** Reports every request once its response is ready (logs, metrics); must not throw. */
  onrequest?: (record: RequestRecord) => void;
  /**
   * Makes the endpoint an OAuth 2.1 resource server: every MCP request of every revision needs a bearer token
   * the issuer signed for this resource, and `/.well-known/oauth-protected-resource` (also suffixed with the
   * endpoint path) serves the RFC 9728 metadata. The verified token becomes the factory's `ctx.authInfo`, and
   * `ctx.auth` says whether it holds the admin scope. Read from the AUTH_* variables by `optionsFromEnv`.
   * Default: off (an adapter-supplied `authInfo` is passed through).
   */
  auth?: AuthOptions;
  /** Clock, for tests. */
  now?: () => number;
  // tasks: the Tasks extension (SEP-2663) on the modern leg: runner, heartbeat, TTL. Default: in process.
  tasks?: TaskOptions;
  // tasks: where task records live, beside the other stores (`tasks.store` wins). Default: in memory.
  /** Where tasks (SEP-2663) live. Default: in this process's memory; give every instance the DynamoDB store. */
  taskStore?: TaskStore;
}

/** Per-request inputs besides the request itself. */
export interface LambdaMcpRequestOptions extends FetchExtras {
  /**
   * Validated authentication of the caller, passed through to the factory when the `auth` option is off; with
   * it on, lambda-mcp verifies the request's token itself and this is ignored.
   */
  authInfo?: AuthInfo;
  /**
   * The path the endpoint is mounted at (`serveLocal` passes it), so the root metadata document names the
   * endpoint. Default: the request's own path, and `/mcp` for the root metadata document.
   */
  endpointPath?: string;
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
  // tasks: the Lambda worker of the `lambda-async` task runner (`isTaskWorkerEvent` tells its events apart)
  /**
   * Runs the task a `lambda-async` worker event names, until it ends or needs input, before `deadline` (epoch
   * ms); with the worker invocation's `lambdaContext`, the tool sees it as `ctx.lambdaContext` (its remaining
   * time), as it would in a request.
   */
  runTaskWorker: (
    event: TaskWorkerEvent,
    deadline?: number,
    lambdaContext?: LambdaContextLike,
  ) => Promise<void>;
  // tasks: the Tasks runtime, for tests and diagnostics
  tasks: TaskRuntime;
}

/** The defaults {@link resolveOptions} applies, for documentation, benchmarks and tests. */
export const DEFAULTS = {
  pollIntervalMs: 1000,
  maxEventBytes: DEFAULT_MAX_EVENT_BYTES,
  streamCapacity: 1024,
  healthIntervalMs: 60_000,
  listenWindowMs: 25_000,
  sse: 'live',
  retryMs: 1000,
  keepAliveMs: 15_000,
  maxStreamMs: 0,
  sessionIdleSeconds: 3600,
  allowedOrigins: [...LOOPBACK_HOSTNAMES] as readonly string[],
  maxBodyBytes: 4 * 1024 * 1024,
} as const;

/**
 * {@link LambdaMcpOptions} with every default applied: the stores exist, the numbers are set, the MRTR codec
 * is keyed. Same names as the options, so a setting reads the same in every layer.
 */
export interface ResolvedOptions
  extends Required<
    Omit<
      LambdaMcpOptions,
      | 'allowedHosts'
      | 'maxResponseBytes'
      | 'bus'
      | 'responseMode'
      | 'onrequest'
      | 'requestStateKey'
      | 'healthIntervalMs'
      | 'allowedOrigins'
      | 'auth'
    >
  > {
  /** The `auth` option checked and with its defaults; absent when auth is off. */
  auth?: ResolvedAuth;
  allowedOrigins: readonly string[];
  allowedHosts?: readonly string[];
  maxResponseBytes?: number;
  bus?: ServerEventBus;
  responseMode?: PerRequestResponseMode;
  onrequest?: (record: RequestRecord) => void;
  /** With `internalEvents`, the health interval in ms; 0 (no health events) without them. */
  healthIntervalMs: number;
  /** The MRTR `requestState` key, as given or read from `MCP_REQUEST_STATE_KEY`. */
  requestStateKey: string | Uint8Array;
  /** The MRTR `requestState` codec, keyed by `requestStateKey`. */
  requestState: RequestStateCodec;
}

/**
 * The objects {@link resolveOptions} made, so resolving them again returns them unchanged. Held aside, not
 * marked on the object: a spread copy (`{ ...resolved, sse: 'poll' }`) is new options and resolves afresh.
 */
const RESOLVED = new WeakSet<object>();

/** Errors the SDK reported for a request it answered with a 4xx: the client's mistake, answered already. */
const clientRejections = new WeakSet<Error>();

/** Marks `error` as reported for a request the SDK answered with a 4xx, so the default `onerror` skips it. */
export function markClientRejection(error: Error): void {
  clientRejections.add(error);
}

/**
 * Whether `error` is the SDK's report of a request it answered with a 4xx (a client's mistake, answered and
 * recorded by `onrequest` already), so a custom `onerror` can leave it out of its error log.
 *
 * @example
 * onerror: (error) => { if (!isClientRejection(error)) logger.error('server error', error); }
 */
export function isClientRejection(error: Error): boolean {
  return clientRejections.has(error);
}

/** The default `onerror`: an unexpected error goes to stderr, one record with its stack; rejections do not. */
export function printUnexpectedError(error: Error): void {
  if (clientRejections.has(error)) return;
  console.error('lambda-mcp:', error);
}

/**
 * Applies every default of {@link LambdaMcpOptions} once; options resolved already come back as they are, so
 * an entry point may resolve them (to share the default stores with its tools) and pass them on. A missing `requestStateKey` is read from
 * `MCP_REQUEST_STATE_KEY`: inside Lambda its absence stops start-up, locally a per-process key is used with a
 * warning.
 *
 * @example
 * const resolved = resolveOptions({ sse: 'poll' });
 * resolved.listenWindowMs; // 25000
 */
export function resolveOptions(options: LambdaMcpOptions | ResolvedOptions = {}): ResolvedOptions {
  if (RESOLVED.has(options)) return options as ResolvedOptions;
  const key =
    options.requestStateKey ??
    resolveRequestStateKey(process.env.MCP_REQUEST_STATE_KEY, {
      inLambda: isInLambda(),
      warn: (message) => console.warn(`[lambda-mcp] ${message}`),
    });
  const sse = options.sse ?? DEFAULTS.sse;
  const internalEvents = options.internalEvents ?? false;
  const maxSessions = options.maxSessions ?? DEFAULT_MEMORY_MAX_SESSIONS;
  const sessionStore =
    options.sessionStore ?? new MemorySessionStore({ ...(options.now && { now: options.now }), maxSessions });
  const resolved: ResolvedOptions = {
    ...options,
    sessionStore,
    // The default log goes with the memory store's sessions: deleted, expired, swept or evicted.
    eventStore:
      options.eventStore ??
      new MemoryEventStore(sessionStore instanceof MemorySessionStore ? { sessions: sessionStore } : {}),
    mailbox: options.mailbox ?? new MemoryResponseMailbox(),
    hub: options.hub ?? new SessionEventHub(),
    eventLog: options.eventLog ?? new MemoryGlobalEventLog(options.now ? { now: options.now } : {}),
    pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    maxEventBytes: options.maxEventBytes ?? DEFAULTS.maxEventBytes,
    streamCapacity: options.streamCapacity ?? DEFAULTS.streamCapacity,
    internalEvents,
    healthIntervalMs: internalEvents ? (options.healthIntervalMs ?? DEFAULTS.healthIntervalMs) : 0,
    // Only a buffered (poll) answer needs the window: a live stream ends when its client leaves.
    listenWindowMs: sse === 'poll' ? (options.listenWindowMs ?? DEFAULTS.listenWindowMs) : 0,
    sse,
    retryMs: options.retryMs ?? DEFAULTS.retryMs,
    keepAliveMs: options.keepAliveMs ?? DEFAULTS.keepAliveMs,
    maxStreamMs: options.maxStreamMs ?? DEFAULTS.maxStreamMs,
    sessionIdleSeconds: options.sessionIdleSeconds ?? DEFAULTS.sessionIdleSeconds,
    maxSessions,
    allowedOrigins: options.allowedOrigins ?? DEFAULTS.allowedOrigins,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    compression: options.compression ?? false,
    requestStateKey: key,
    requestState: createRequestStateCodec({ key }),
    auth: options.auth ? resolveAuth(options.auth) : undefined,
    onerror: options.onerror ?? printUnexpectedError,
    now: options.now ?? Date.now,
    // tasks: resolved by the modern leg (tasks/options.ts)
    tasks: options.tasks ?? {},
    // tasks: the task store
    taskStore: options.tasks?.store ?? options.taskStore ?? new MemoryTaskStore(options.now),
  };
  RESOLVED.add(resolved);
  return resolved;
}
