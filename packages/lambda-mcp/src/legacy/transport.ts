// The 2025-era leg (2025-03-26, 2025-06-18, 2025-11-25) with real sessions that any instance can serve:
// POST initialize creates a session record; every later POST loads it (one read), builds a fresh server
// from the factory, replays the stored initialize into it and delivers the message; GET streams the
// session's event log (snapshot-and-close on buffered Lambda, live locally); DELETE ends the session.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type AuthInfo,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type MessageExtraInfo,
} from '@modelcontextprotocol/server';
import type { LambdaMcpServerFactory } from '../context.js';
import { HttpError } from '../errors.js';
import type { EventFeed } from '../events/feed.js';
import { SESSION_CHANGED_EVENT, SESSION_ENDED_EVENT, SESSION_LOG_EVENT } from '../events/model.js';
import type { PostBody } from '../http/edge.js';
import { RpcCode } from '../http/responses.js';
import type { ResolvedOptions } from '../options.js';
import type { SessionRecord } from '../stores/types.js';
import { Exchange } from './exchange.js';
import { ExchangeTransport, isServerRequestId } from './exchange-transport.js';
import { streamSessionEvents } from './get-stream.js';
import { decodePost } from './post-body.js';
import {
  loadSession,
  newSessionRecord,
  sessionPatchFor,
  touchSession,
  updateSession,
} from './session-record.js';
import { STANDALONE_STREAM } from './stream-cursor.js';
import { StreamLevels } from './stream-levels.js';
import { supportsPriming } from './versions.js';

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

/** Serves 2025-era requests; see the module comment. */
export class LegacyTransport {
  readonly #factory: LambdaMcpServerFactory;
  readonly #o: ResolvedOptions;
  /** Published events for the standalone streams, and where internal events go. */
  readonly #feed: EventFeed;
  /** Requests running in this process, by session and request id, so `notifications/cancelled` finds them. */
  readonly #inflight = new Map<string, ExchangeTransport>();
  /** Log levels of the sessions with a GET stream open here, kept current by this instance's setLevel. */
  readonly #levels = new StreamLevels();
  /** Names this instance in the session-log markers it leaves, so its own streams skip them. */
  readonly #instance = randomUUID();

  constructor(factory: LambdaMcpServerFactory, options: ResolvedOptions, feed: EventFeed) {
    this.#factory = factory;
    this.#o = options;
    this.#feed = feed;
  }

  get #idleMs(): number {
    return this.#o.sessionIdleSeconds * 1000;
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
    const decoded = decodePost(request, body);
    if (decoded.kind === 'initialize') return this.#initialize(request, decoded.initialize, authInfo);
    const { messages, batch } = decoded;
    const session = await loadSession(this.#o.sessionStore, request, authInfo);
    const extra = { request, authInfo };
    const requests = messages.filter(isJSONRPCRequest);
    const notifications: JSONRPCNotification[] = [];
    for (const message of messages) {
      if (isJSONRPCResponse(message)) {
        // Only answers to requests this server sent (ids it minted) are worth carrying to a waiter.
        if (isServerRequestId(message.id)) await this.#o.mailbox.deliver(session.id, message);
      } else if (isJSONRPCNotification(message)) notifications.push(message);
    }
    const current = await touchSession(this.#o.sessionStore, session, this.#o.now(), this.#idleMs);

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
        const record = newSessionRecord({
          id,
          protocolVersion: String(response.result.protocolVersion),
          initializeParams: (initialize.params ?? {}) as Record<string, unknown>,
          now,
          idleMs: this.#idleMs,
          authInfo,
        });
        await this.#o.sessionStore.create(record);
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
      if (r.method !== 'tools/call' || !this.#o.internalEvents) continue;
      started.set(r.id, this.#o.now());
      this.#internal('tool.started', { tool: String(r.params?.name).slice(0, 256) }, session.id);
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
          const data = {
            tool: String(req.params?.name).slice(0, 256),
            durationMs: this.#o.now() - since,
            isError,
          };
          this.#internal('tool.completed', data, session.id);
        }
        if (!('result' in res)) return;
        if (!sessionPatchFor(req, current)) return;
        current =
          (await updateSession(
            this.#o.sessionStore,
            current,
            (fresh) => sessionPatchFor(req, fresh) ?? {},
          )) ?? current;
        this.#levels.set(current.id, current.logLevel);
        if (req.method === 'resources/subscribe' || req.method === 'resources/unsubscribe') {
          // Open GET streams of the session, on any instance, re-read its subscriptions once (one put, only
          // when they changed); published before the answer, so events the client causes next come after it.
          const marker = {
            type: SESSION_CHANGED_EVENT,
            source: 'lambda-mcp',
            data: { instance: this.#instance },
          };
          await this.#feed.publish(marker, { kind: 'session', sessionId: current.id }).catch(this.#o.onerror);
        }
      },
    });
  }

  /** A fresh server from the factory, for this request and (once there is one) its session. */
  #newServer(extra: MessageExtraInfo, session?: SessionRecord) {
    return this.#factory({
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
    const session = await loadSession(this.#o.sessionStore, request, authInfo);
    const { entry, release } = this.#levels.open(session.id, session.logLevel);
    try {
      return await streamSessionEvents({
        ...this.#o,
        session,
        lastEventId: request.headers.get('last-event-id') ?? undefined,
        signal: request.signal,
        feed: this.#feed,
        logLevel: () => entry.level,
        onClose: release,
        instanceId: this.#instance,
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  async #delete(request: Request, authInfo?: AuthInfo): Promise<Response> {
    const session = await loadSession(this.#o.sessionStore, request, authInfo);
    await this.#o.sessionStore.delete(session.id);
    this.#o.hub.end(session.id);
    // The session's live GET streams on other instances close when their poller reads this marker.
    if (this.#feed.log.shared) {
      const marker = { type: SESSION_ENDED_EVENT, source: 'lambda-mcp', data: { instance: this.#instance } };
      await this.#feed.publish(marker, { kind: 'session', sessionId: session.id }).catch(this.#o.onerror);
    }
    this.#internal('session.ended', { protocolVersion: session.protocolVersion });
    await this.#o.eventStore.deleteSession(session.id).catch(this.#o.onerror);
    return new Response(null, { status: 200 });
  }

  /** An instance-local internal event (global, or for one session's streams), when they are enabled. */
  #internal(type: string, data: Record<string, unknown>, sessionId?: string) {
    if (!this.#o.internalEvents) return;
    this.#feed.publishLocal(
      { type, source: 'lambda-mcp', data },
      sessionId ? { kind: 'session', sessionId } : { kind: 'global' },
    );
  }

  async #append(sessionId: string, streamId: string, message: JSONRPCMessage) {
    const event = await this.#o.eventStore.append(sessionId, streamId, message);
    this.#o.hub.publish(sessionId, event);
    // Live GET streams of the session on other instances learn of it through the shared log (one put).
    const feed = this.#feed;
    if (streamId === STANDALONE_STREAM && feed.log.shared) {
      const marker = { type: SESSION_LOG_EVENT, source: 'lambda-mcp', data: { instance: this.#instance } };
      feed.publish(marker, { kind: 'session', sessionId }).catch(this.#o.onerror);
    }
    return event;
  }
}

function inflightKey(sessionId: string, requestId: unknown): string {
  return `${sessionId}\0${String(requestId)}`;
}
