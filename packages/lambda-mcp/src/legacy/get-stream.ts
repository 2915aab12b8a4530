// The SSE answer to a session GET: the standalone stream, or the resumption of any earlier stream named by
// `Last-Event-ID`. `poll` mode (buffered Lambda) sends the priming event, replays what the logs hold after
// the cursor and closes with `retry:`, so the client polls; `live` mode then stays open and forwards new
// events as they come, with keep-alive comments, until its maximum duration ends it cleanly.
//
// The standalone stream carries two logs: the session's own (server notifications and requests) and the
// published events of the global log (global ones, and those targeted at this session). Its event ids hold
// both positions, `get.<session seq>~<global cursor>`, so a reconnect on any instance resumes both. The
// stream's buffer is bounded: a reader that falls `capacity` events behind is cut off with a comment and
// resumes from its last id, rather than holding up the publisher or memory.
import type { LoggingLevel } from '@modelcontextprotocol/server';
import { HttpError } from '../errors.js';
import type { EventFeed } from '../events/feed.js';
import type { LoggedEvent } from '../events/global-log.js';
import { type BusEvent, eventNotificationJson, passesLogLevel, SESSION_LOG_EVENT } from '../events/model.js';
import type { SessionEventHub } from '../events/session-hub.js';
import {
  RpcCode,
  SSE_HEADERS,
  sseComment,
  sseMessage,
  sseMessageJson,
  ssePriming,
} from '../http/responses.js';
import {
  type EventStore,
  eventId,
  parseEventId,
  type SessionRecord,
  type StoredEvent,
} from '../stores/types.js';
import { supportsPriming } from './versions.js';

/** Options of {@link streamSessionEvents}. */
export interface SessionStreamOptions {
  session: SessionRecord;
  lastEventId: string | undefined;
  standaloneStream: string;
  events: EventStore;
  hub: SessionEventHub;
  mode: 'poll' | 'live';
  retryMs: number;
  keepAliveMs: number;
  maxStreamMs: number;
  signal: AbortSignal;
  /** Published events (global and for this session) on the standalone stream; absent: session log only. */
  feed?: EventFeed;
  /** Events a live stream may fall behind before it is cut off. */
  capacity: number;
  /** The session's current log level: published log messages below it are held back. */
  logLevel: () => LoggingLevel | undefined;
  /** Called once when the stream ends. */
  onClose?: () => void;
  /** This instance, as named in the session-log markers it leaves (its own are delivered by the hub). */
  instanceId?: string;
}

/** Splits a `Last-Event-ID` into the session-log position and the global-log cursor it may carry. */
export function parseStreamCursor(
  id: string,
): { streamId: string; seq: number; global: string | undefined } | undefined {
  const tilde = id.indexOf('~');
  const parsed = parseEventId(tilde < 0 ? id : id.slice(0, tilde));
  return parsed && { ...parsed, global: tilde < 0 ? undefined : id.slice(tilde + 1) };
}

/** Builds the GET response; store failures surface before any byte is sent. */
export async function streamSessionEvents(o: SessionStreamOptions): Promise<Response> {
  let streamId = o.standaloneStream;
  let after: number | undefined;
  let globalAfter: string | undefined;
  if (o.lastEventId !== undefined) {
    const parsed = parseStreamCursor(o.lastEventId);
    if (!parsed || (parsed.global !== undefined && !o.feed?.log.isCursor(parsed.global))) {
      throw new HttpError(400, RpcCode.ServerError, 'Bad Request: unknown Last-Event-ID format');
    }
    streamId = parsed.streamId;
    after = parsed.seq;
    globalAfter = parsed.global;
  }
  const resumingRequestStream = streamId !== o.standaloneStream;
  const feed = resumingRequestStream ? undefined : o.feed;

  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    o.onClose?.();
    clearInterval(keepAlive);
    clearTimeout(deadline);
    o.signal.removeEventListener('abort', close);
    try {
      controller?.close();
    } catch {
      // The consumer went away first.
    }
  };

  /** Chunks enqueued and not yet read: the stream's queue is the subscriber's bounded buffer. */
  const backlog = () => -(controller?.desiredSize ?? 0);
  const overflow = () => {
    emit(sseComment(`dropped: more than ${o.capacity} events behind; reconnect with Last-Event-ID`));
    close();
  };

  // Subscribe before reading, so nothing stored in between is missed; duplicates are dropped by position.
  const early: (StoredEvent | BusEvent)[] = [];
  let forward: ((event: StoredEvent | BusEvent) => void) | undefined;
  const take = (event: StoredEvent | BusEvent) => {
    if (forward) forward(event);
    else early.push(event);
  };
  if (o.mode === 'live') {
    const fromHub = o.hub.subscribe(
      o.session.id,
      (event) => {
        if (event.streamId !== streamId) return;
        if (backlog() >= o.capacity) overflow();
        else take(event);
      },
      close, // The session was deleted.
    );
    const fromBus = feed?.bus.subscribe({
      sessionId: o.session.id,
      deliver: take,
      backlog,
      capacity: o.capacity,
      onOverflow: overflow,
    });
    unsubscribe = () => {
      fromHub();
      fromBus?.();
    };
  }
  let snapshot: Awaited<ReturnType<EventStore['read']>>;
  const published: LoggedEvent[] = [];
  let globalCursor: string | undefined;
  let readTo: string | undefined;
  try {
    snapshot = await o.events.read(o.session.id, streamId, after);
    if (feed) {
      if (globalAfter === undefined) globalCursor = await feed.log.head();
      else {
        // Replay what was published since the cursor; the read position may pass events of other sessions.
        let from = globalAfter;
        for (;;) {
          const page = await feed.log.read(from);
          for (const logged of page.events) if (entitled(logged, o.session.id)) published.push(logged);
          from = page.cursor;
          if (!page.more) break;
        }
        globalCursor = globalAfter;
        readTo = from;
      }
    }
  } catch (error) {
    unsubscribe?.();
    throw error;
  }

  let cursor = after ?? snapshot.lastSeq;
  let catchingUp = false;
  let catchUpAgain = false;
  const currentId = () => (feed ? `${eventId(streamId, cursor)}~${globalCursor}` : eventId(streamId, cursor));
  function emit(text: string) {
    if (closed || !controller) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  }
  /** Writes an event past the cursor; a request stream ends with its response. */
  const write = (event: StoredEvent | BusEvent) => {
    if (closed) return;
    if ('event' in event) {
      if (event.event.type === SESSION_LOG_EVENT) {
        // Another instance stored a message for this stream: read it from the session log.
        const from = (event.event.data as { instance?: string } | null)?.instance;
        if (forward && from !== o.instanceId) catchUp();
        return;
      }
      // A published event: logged ones move the global cursor, instance-local ones carry no id.
      const { notification, json } = eventNotificationJson(event.event);
      const wanted = passesLogLevel(notification, o.logLevel());
      if (event.cursor === undefined) {
        if (wanted) emit(sseMessageJson(json));
        return;
      }
      if (globalCursor !== undefined && event.cursor <= globalCursor) return;
      globalCursor = event.cursor;
      if (wanted) emit(sseMessageJson(json, currentId()));
      return;
    }
    if (event.seq <= cursor) return;
    cursor = event.seq;
    emit(sseMessage(event.message, feed ? currentId() : event.id));
    if (resumingRequestStream && 'id' in event.message && !('method' in event.message)) close();
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel: () => close(),
    },
    { highWaterMark: 0 },
  );
  // The session may have been deleted while the log was being read: answer an empty, closed stream.
  if (closed) controller?.close();

  emit(
    supportsPriming(o.session.protocolVersion)
      ? ssePriming(currentId(), o.retryMs)
      : ssePriming(undefined, o.retryMs),
  );
  for (const event of snapshot.events) write(event);
  for (const logged of published) write(logged);
  if (o.mode === 'poll' && resumingRequestStream && !closed) {
    // A polled resume of a request stream whose response is not stored yet: hold the answer (bounded) until
    // it is, reading the log (the call may run on another instance), so the client does not poll in vain.
    void holdForResponse();
  } else if (o.mode === 'poll' || closed) {
    // Move the client's position past what was read but not its own, so the next poll starts there.
    if (
      readTo &&
      globalCursor !== undefined &&
      readTo > globalCursor &&
      supportsPriming(o.session.protocolVersion)
    ) {
      globalCursor = readTo;
      emit(ssePriming(currentId(), o.retryMs));
    }
    close();
  } else {
    for (const event of early) write(event);
    early.length = 0;
    forward = write;
    if (o.keepAliveMs > 0) keepAlive = setInterval(() => emit(sseComment('keep-alive')), o.keepAliveMs);
    if (o.maxStreamMs > 0) deadline = setTimeout(close, o.maxStreamMs);
    if (o.signal.aborted) close();
    else o.signal.addEventListener('abort', close, { once: true });
  }
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, 'mcp-session-id': o.session.id } });

  /** Reads the session log past the cursor (one read at a time; a request meanwhile runs one more). */
  function catchUp() {
    if (catchingUp) {
      catchUpAgain = true;
      return;
    }
    catchingUp = true;
    void (async () => {
      do {
        catchUpAgain = false;
        try {
          const more = await o.events.read(o.session.id, streamId, cursor);
          for (const event of more.events) write(event);
        } catch {
          close(); // The store failed: the client resumes from its last id.
          return;
        }
      } while (catchUpAgain && !closed);
      catchingUp = false;
    })();
  }

  async function holdForResponse() {
    const until = Date.now() + RESUME_HOLD_MS;
    if (o.signal.aborted) close();
    else o.signal.addEventListener('abort', close, { once: true });
    while (!closed && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(RESUME_POLL_MS, until - Date.now())));
      if (closed) break;
      try {
        const more = await o.events.read(o.session.id, streamId, cursor);
        for (const event of more.events) write(event);
      } catch {
        break; // The store failed: close; the client resumes from its last id.
      }
    }
    close();
  }
}

/** Longest a polled resume of a request stream waits for its response, in ms. */
const RESUME_HOLD_MS = 10_000;
/** How often it reads the log meanwhile, in ms. */
const RESUME_POLL_MS = 250;

/** Whether a logged event belongs on this session's stream: global, or targeted at this session. */
function entitled(logged: LoggedEvent, sessionId: string): boolean {
  const { scope } = logged.event;
  return scope.kind === 'global' || scope.sessionId === sessionId;
}
