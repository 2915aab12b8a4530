// The 2025-era leg (2025-03-26, 2025-06-18, 2025-11-25) with real sessions that any instance can serve:
// POST initialize creates a session record; every later POST loads it (one read), builds a fresh server
// from the factory, replays the stored initialize into it and delivers the message; GET streams the
// session's event log (snapshot-and-close on buffered Lambda, live locally); DELETE ends the session.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type AuthInfo,
  isInitializeRequest,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type LoggingLevel,
  type MessageExtraInfo,
  parseJSONRPCMessage,
  type RequestStateCodec,
} from '@modelcontextprotocol/server';
import type { LambdaMcpServerFactory } from '../context.js';
import { HttpError, StoreConflictError, StoreUnavailableError } from '../errors.js';
import type { EventFeed } from '../events/feed.js';
import { SESSION_LOG_EVENT } from '../events/model.js';
import type { SessionEventHub } from '../events/session-hub.js';
import { RpcCode } from '../http/responses.js';
import type {
  EventStore,
  ResponseMailbox,
  SessionPatch,
  SessionRecord,
  SessionStore,
} from '../stores/types.js';
import { Exchange } from './exchange.js';
import { ExchangeTransport, isServerRequestId } from './exchange-transport.js';
import { streamSessionEvents } from './get-stream.js';
import { LEGACY_PROTOCOL_VERSIONS, supportsPriming } from './versions.js';

/** The stream id of a session's standalone (GET) stream. */
export const STANDALONE_STREAM = 'get';

/** How many messages a 2025-03-26 batch may hold. */
const MAX_BATCH = 100;

/** Versioned-update attempts before a session counts as too contended to write (503). */
const MAX_UPDATE_ATTEMPTS = 32;

/** Refresh `lastActiveAt` at most this often, so reads of an active session stay write-free. */
const TOUCH_INTERVAL_MS = 60_000;

/** A POST body as the edge read it. */
export type PostBody = { kind: 'json'; value: unknown } | { kind: 'invalid' };

/** One exchange to run: the session (absent while it is being created) and the messages to serve. */
interface ExchangeRun {
  sessionId: string;
  session?: SessionRecord;
  requests: JSONRPCRequest[];
  notifications: JSONRPCNotification[];
  batch: boolean;
  /** Carries the HTTP request and the caller's auth to the server. */
  extra: MessageExtraInfo & { request: Request };
  /** Persists what a terminal response changed, before the response is sent. */
  onResponse: (request: JSONRPCRequest, response: JSONRPCResponse) => Promise<void>;
}

/** Options of {@link LegacySessions}. */
export interface LegacySessionsOptions {
  factory: LambdaMcpServerFactory;
  requestState: RequestStateCodec;
  sessions: SessionStore;
  events: EventStore;
  mailbox: ResponseMailbox;
  hub: SessionEventHub;
  /** GET streams: `poll` replays and closes (buffered Lambda), `live` stays open (local, streaming). */
  sse: 'poll' | 'live';
  retryMs: number;
  keepAliveMs: number;
  /** Longest a live GET stream stays open before a clean close the client resumes from; 0 = no limit. */
  maxStreamMs: number;
  sessionIdleMs: number;
  /** Published events for the standalone streams; absent: they carry the session log only. */
  feed?: EventFeed;
  /** Events a live GET stream may fall behind before it is cut off (it resumes with `Last-Event-ID`). */
  streamCapacity: number;
  /** Announce session and tool activity on this instance's streams (instance-local, not logged). */
  internalEvents: boolean;
  /** Largest answer, in bytes of JSON; a larger one becomes a `-32603` error (SSE answers included). */
  maxResponseBytes?: number;
  onerror: (error: Error) => void;
  now: () => number;
}

/** Serves 2025-era requests; see the module comment. */
export class LegacySessions {
  readonly #o: LegacySessionsOptions;
  /** Requests running in this process, by session and request id, so `notifications/cancelled` finds them. */
  readonly #inflight = new Map<string, ExchangeTransport>();
  /** Log levels of the sessions with a GET stream open here, kept current by this instance's setLevel. */
  readonly #levels = new Map<string, { level: LoggingLevel | undefined; streams: number }>();
  /** Names this instance in the session-log markers it leaves, so its own streams skip them. */
  readonly #instance = randomUUID();

  constructor(options: LegacySessionsOptions) {
    this.#o = options;
  }

  /** Answers one 2025-era request (the edge has checked method, origin, content type and size). */
  async handle(request: Request, body: PostBody | undefined, authInfo?: AuthInfo): Promise<Response> {
    switch (request.method) {
      case 'POST':
        return this.#post(request, body ?? { kind: 'invalid' }, authInfo);
      case 'GET':
        return this.#get(request, authInfo);
      case 'DELETE':
        return this.#delete(request, authInfo);
      default:
        throw new HttpError(405, RpcCode.ServerError, 'Method not allowed.', { allow: 'GET, POST, DELETE' });
    }
  }

  async #post(request: Request, body: PostBody, authInfo?: AuthInfo): Promise<Response> {
    const accept = request.headers.get('accept') ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      throw new HttpError(
        406,
        RpcCode.ServerError,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    }
    if (body.kind === 'invalid') throw new HttpError(400, RpcCode.ParseError, 'Parse error: Invalid JSON');
    const batch = Array.isArray(body.value);
    const items: unknown[] = batch ? (body.value as unknown[]) : [body.value];
    if (items.length === 0 || items.length > MAX_BATCH) {
      throw new HttpError(
        400,
        RpcCode.InvalidRequest,
        `Invalid Request: a batch holds 1 to ${MAX_BATCH} messages`,
      );
    }
    let messages: JSONRPCMessage[];
    try {
      messages = items.map((item) => parseJSONRPCMessage(item));
    } catch {
      throw new HttpError(400, RpcCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message');
    }
    const initialize = messages.find(
      (m): m is JSONRPCRequest => isJSONRPCRequest(m) && isInitializeRequest(m),
    );
    if (initialize) {
      if (messages.length > 1) {
        throw new HttpError(400, RpcCode.InvalidRequest, 'Invalid Request: initialize must be sent alone');
      }
      return this.#initialize(request, initialize, authInfo);
    }

    const session = await this.#load(request, authInfo);
    const extra = { request, authInfo };
    const requests = messages.filter(isJSONRPCRequest);
    const notifications: JSONRPCNotification[] = [];
    for (const message of messages) {
      if (isJSONRPCResponse(message)) {
        // Only answers to requests this server sent (ids it minted) are worth carrying to a waiter.
        if (isServerRequestId(message.id)) await this.#o.mailbox.deliver(session.id, message);
      } else if (isJSONRPCNotification(message)) notifications.push(message);
    }
    const current = await this.#touch(session);

    if (requests.length === 0) {
      await this.#notify(current, notifications, extra);
      return new Response(null, { status: 202 });
    }
    return this.#serve(current, requests, notifications, batch, extra);
  }

  async #initialize(request: Request, initialize: JSONRPCRequest, authInfo?: AuthInfo): Promise<Response> {
    const id = randomBytes(24).toString('base64url');
    const now = this.#o.now();
    const extra = { request, authInfo };
    return this.#exchange({
      sessionId: id,
      requests: [initialize],
      notifications: [],
      batch: false,
      extra,
      onResponse: async (_request, response) => {
        if (!('result' in response)) return;
        const record: SessionRecord = {
          id,
          protocolVersion: String(response.result.protocolVersion),
          initializeParams: (initialize.params ?? {}) as Record<string, unknown>,
          subscriptions: [],
          createdAt: now,
          lastActiveAt: now,
          expiresAt: now + this.#o.sessionIdleMs,
          version: 1,
        };
        if (authInfo?.clientId) record.principal = authInfo.clientId;
        await this.#o.sessions.create(record);
        this.#internal('session.created', { protocolVersion: record.protocolVersion });
      },
    });
  }

  async #serve(
    session: SessionRecord,
    requests: JSONRPCRequest[],
    notifications: JSONRPCNotification[],
    batch: boolean,
    extra: ExchangeRun['extra'],
  ): Promise<Response> {
    let current = session;
    // Tool activity events, only when they are on: nothing is timed or kept otherwise.
    const started = new Map<JSONRPCRequest['id'], number>();
    for (const r of requests) {
      if (r.method !== 'tools/call' || !this.#o.internalEvents || !this.#o.feed) continue;
      started.set(r.id, this.#o.now());
      this.#internal('tool.started', { tool: r.params?.name }, session.id);
    }
    return this.#exchange({
      sessionId: session.id,
      session,
      requests,
      notifications,
      batch,
      extra,
      onResponse: async (req, res) => {
        const since = started.get(req.id);
        if (since !== undefined) {
          const isError = !('result' in res) || res.result.isError === true;
          const data = { tool: req.params?.name, durationMs: this.#o.now() - since, isError };
          this.#internal('tool.completed', data, session.id);
        }
        if (!('result' in res)) return;
        if (!sessionPatchFor(req, current)) return;
        current = (await this.#mutate(current, (fresh) => sessionPatchFor(req, fresh) ?? {})) ?? current;
        const streams = this.#levels.get(current.id);
        if (streams) streams.level = current.logLevel;
      },
    });
  }

  /** A fresh server from the factory, for this request and (once there is one) its session. */
  #newServer(extra: MessageExtraInfo, session?: SessionRecord) {
    return this.#o.factory({
      era: 'legacy',
      requestState: this.#o.requestState,
      ...(extra.request && { requestInfo: extra.request }),
      ...(extra.authInfo && { authInfo: extra.authInfo }),
      ...(session && { session }),
    });
  }

  /** Runs one exchange: fresh server, restored session, messages in, shaped response out. */
  async #exchange(run: ExchangeRun): Promise<Response> {
    const { sessionId, session, requests, notifications, batch, extra, onResponse } = run;
    const o = this.#o;
    const request = extra.request;
    const server = await this.#newServer(extra, session);
    const keys = requests.map((r) => inflightKey(sessionId, r.id));
    const exchange = new Exchange({
      requests,
      batch,
      protocolVersion: session?.protocolVersion ?? String(requests[0]?.params?.protocolVersion ?? ''),
      headers: { 'mcp-session-id': sessionId },
      ...(session && { append: (streamId, message) => this.#append(sessionId, streamId, message) }),
      retryMs: o.retryMs,
      keepAliveMs: o.keepAliveMs,
      onResponse,
      onUnrelated: (message) => {
        if (session) this.#append(sessionId, STANDALONE_STREAM, message).catch(o.onerror);
      },
      requestsOnStandalone: o.sse === 'poll',
      ...(o.maxResponseBytes !== undefined && { maxResponseBytes: o.maxResponseBytes }),
      onDone: () => {
        for (const key of keys) this.#inflight.delete(key);
        request.signal.removeEventListener('abort', onAbort);
        server.close().catch(o.onerror);
      },
      onerror: o.onerror,
    });
    const transport = new ExchangeTransport({ sessionId, mailbox: o.mailbox, sink: exchange.sink });
    const onAbort = () => exchange.abort();
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await server.connect(transport);
      if (session) await transport.restore(session, extra);
    } catch (error) {
      exchange.fail(error);
      return exchange.response;
    }
    for (const key of keys) this.#inflight.set(key, transport);
    for (const notification of notifications) this.#deliverNotification(transport, notification, extra);
    // Closing the connection mid-request is only safe where the client got a priming id to resume from.
    const requestExtra: MessageExtraInfo =
      session && supportsPriming(session.protocolVersion)
        ? { ...extra, closeSSEStream: () => exchange.closeConnection() }
        : extra;
    for (const message of requests) transport.deliver(message, requestExtra);
    return exchange.response;
  }

  /** Client notifications with no request beside them. */
  async #notify(session: SessionRecord, notifications: JSONRPCNotification[], extra: MessageExtraInfo) {
    const forServer: JSONRPCNotification[] = [];
    for (const notification of notifications) {
      if (notification.method === 'notifications/initialized') continue; // Replayed into every instance.
      if (notification.method === 'notifications/cancelled') {
        const target = this.#inflight.get(inflightKey(session.id, notification.params?.requestId));
        target?.deliver(notification, extra);
        continue;
      }
      forServer.push(notification);
    }
    if (forServer.length === 0) return;
    const server = await this.#newServer(extra, session);
    const transport = new ExchangeTransport({
      sessionId: session.id,
      mailbox: this.#o.mailbox,
      sink: (message) => this.#append(session.id, STANDALONE_STREAM, message).catch(this.#o.onerror),
    });
    try {
      await server.connect(transport);
      await transport.restore(session, extra);
      for (const notification of forServer) transport.deliver(notification, extra);
      // Notification handlers run on the next turns of the event loop; let them start before closing.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await server.close().catch(this.#o.onerror);
    }
  }

  #deliverNotification(
    transport: ExchangeTransport,
    notification: JSONRPCNotification,
    extra: MessageExtraInfo,
  ) {
    if (notification.method === 'notifications/initialized') return;
    transport.deliver(notification, extra);
  }

  async #get(request: Request, authInfo?: AuthInfo): Promise<Response> {
    if (!(request.headers.get('accept') ?? '').includes('text/event-stream')) {
      throw new HttpError(406, RpcCode.ServerError, 'Not Acceptable: Client must accept text/event-stream');
    }
    const session = await this.#load(request, authInfo);
    const entry = this.#levels.get(session.id) ?? { level: session.logLevel, streams: 0 };
    entry.streams++;
    this.#levels.set(session.id, entry);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (--entry.streams === 0 && this.#levels.get(session.id) === entry) this.#levels.delete(session.id);
    };
    try {
      return await streamSessionEvents({
        session,
        lastEventId: request.headers.get('last-event-id') ?? undefined,
        standaloneStream: STANDALONE_STREAM,
        events: this.#o.events,
        hub: this.#o.hub,
        mode: this.#o.sse,
        retryMs: this.#o.retryMs,
        keepAliveMs: this.#o.keepAliveMs,
        maxStreamMs: this.#o.maxStreamMs,
        signal: request.signal,
        capacity: this.#o.streamCapacity,
        ...(this.#o.feed && { feed: this.#o.feed }),
        logLevel: () => entry.level,
        onClose: release,
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  async #delete(request: Request, authInfo?: AuthInfo): Promise<Response> {
    const session = await this.#load(request, authInfo);
    await this.#o.sessions.delete(session.id);
    this.#o.hub.end(session.id);
    this.#internal('session.ended', { protocolVersion: session.protocolVersion });
    await this.#o.events.deleteSession(session.id).catch(this.#o.onerror);
    return new Response(null, { status: 200 });
  }

  /**
   * Checks the session headers and loads the session: 400 without a header, 404 when it is gone or belongs
   * to another principal (a session id alone must not let one caller act as another).
   */
  async #load(request: Request, authInfo?: AuthInfo): Promise<SessionRecord> {
    const id = request.headers.get('mcp-session-id');
    if (!id) throw new HttpError(400, RpcCode.ServerError, 'Bad Request: Mcp-Session-Id header is required');
    const version = request.headers.get('mcp-protocol-version');
    if (version !== null && !LEGACY_PROTOCOL_VERSIONS.includes(version)) {
      throw new HttpError(
        400,
        RpcCode.ServerError,
        `Bad Request: Unsupported protocol version: ${version} (supported versions: ${LEGACY_PROTOCOL_VERSIONS.join(', ')})`,
      );
    }
    const session = await this.#o.sessions.get(id);
    if (!session || (session.principal !== undefined && session.principal !== authInfo?.clientId)) {
      throw new HttpError(404, RpcCode.SessionNotFound, 'Session not found');
    }
    return session;
  }

  /** An instance-local internal event (global, or for one session's streams), when they are enabled. */
  #internal(type: string, data: Record<string, unknown>, sessionId?: string) {
    if (!this.#o.internalEvents || !this.#o.feed) return;
    this.#o.feed.publishLocal(
      { type, source: 'lambda-mcp', data },
      sessionId ? { kind: 'session', sessionId } : { kind: 'global' },
    );
  }

  async #append(sessionId: string, streamId: string, message: JSONRPCMessage) {
    const event = await this.#o.events.append(sessionId, streamId, message);
    this.#o.hub.publish(sessionId, event);
    // Live GET streams of the session on other instances learn of it through the shared log (one put).
    const feed = this.#o.feed;
    if (streamId === STANDALONE_STREAM && feed?.log.shared) {
      const marker = { type: SESSION_LOG_EVENT, source: 'lambda-mcp', data: { instance: this.#instance } };
      feed.publish(marker, { kind: 'session', sessionId }).catch(this.#o.onerror);
    }
    return event;
  }

  /** Keeps an active session alive, writing at most once a minute. */
  async #touch(session: SessionRecord): Promise<SessionRecord> {
    const now = this.#o.now();
    if (now - session.lastActiveAt < TOUCH_INTERVAL_MS) return session;
    const updated = await this.#mutate(session, () => ({
      lastActiveAt: now,
      expiresAt: now + this.#o.sessionIdleMs,
    }));
    if (!updated) throw new HttpError(404, RpcCode.SessionNotFound, 'Session not found');
    return updated;
  }

  /** A versioned update, re-read and retried when another writer won the race. */
  async #mutate(session: SessionRecord, patch: (current: SessionRecord) => SessionPatch) {
    let current: SessionRecord | undefined = session;
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS && current; attempt++) {
      // After two lost races in a row, back off a random few ms so a burst of writers spreads out.
      if (attempt >= 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      try {
        return await this.#o.sessions.update(current.id, current.version, patch(current));
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error;
        // The store returns the winner's record with the conflict when it can; otherwise read it.
        current = (error.current as SessionRecord | undefined) ?? (await this.#o.sessions.get(session.id));
      }
    }
    if (!current) return undefined;
    throw new StoreUnavailableError(`Session ${session.id} is updated too often to write`);
  }
}

/** What a successful request changes in the stored session, if anything. */
function sessionPatchFor(request: JSONRPCRequest, session: SessionRecord): SessionPatch | undefined {
  const params = request.params ?? {};
  switch (request.method) {
    case 'logging/setLevel':
      return session.logLevel === params.level ? undefined : { logLevel: params.level as LoggingLevel };
    case 'resources/subscribe': {
      const uri = String(params.uri);
      return session.subscriptions.includes(uri)
        ? undefined
        : { subscriptions: [...session.subscriptions, uri] };
    }
    case 'resources/unsubscribe': {
      const uri = String(params.uri);
      return session.subscriptions.includes(uri)
        ? { subscriptions: session.subscriptions.filter((s) => s !== uri) }
        : undefined;
    }
    default:
      return undefined;
  }
}

function inflightKey(sessionId: string, requestId: unknown): string {
  return `${sessionId}\0${String(requestId)}`;
}
