// The SSE answer to a session GET: the standalone stream, or the resumption of any earlier stream named by
// `Last-Event-ID`. `poll` (buffered Lambda) sends the priming event, replays the backlog and closes with
// `retry:`, so the client polls; `live` then stays open and forwards new events as they come, with
// keep-alive comments, until its maximum duration ends it cleanly. Steps: subscribe live (before reading,
// so nothing is missed), read the backlog (`backlog.ts`), write it, then tail. The stream's buffer is
// bounded: a reader `streamCapacity` events behind is cut off, its queue dropped at once (the body errors),
// and resumes from its last id. A published event's frame is encoded once and its bytes shared by the streams
// that write it (`stream-frame.ts`), so a publish to N streams costs N enqueues, not N encodings.
import type { LoggingLevel } from '@modelcontextprotocol/server';
import { HttpError, StreamCutOffError } from '../errors.js';
import type { EventFeed } from '../events/feed.js';
import {
  type BusEvent,
  eventNotificationJson,
  passesLogLevel,
  passesSubscriptions,
  SESSION_CHANGED_EVENT,
  SESSION_ENDED_EVENT,
  SESSION_LOG_EVENT,
} from '../events/model.js';
import { RpcCode, SSE_HEADERS, sseComment, sseMessage, ssePriming } from '../http/responses.js';
import type { ResolvedOptions } from '../options.js';
import type { SessionRecord, StoredEvent } from '../stores/types.js';
import { type Backlog, readBacklog } from './backlog.js';
import { formatStreamCursor, parseStreamCursor, STANDALONE_STREAM } from './stream-cursor.js';
import { publishedFrame } from './stream-frame.js';
import { supportsPriming } from './versions.js';

/** Options of {@link streamSessionEvents}: the transport's settings, plus this stream's request. */
export interface SessionStreamOptions
  extends Pick<
    ResolvedOptions,
    | 'eventStore'
    | 'sessionStore'
    | 'hub'
    | 'sse'
    | 'retryMs'
    | 'keepAliveMs'
    | 'maxStreamMs'
    | 'streamCapacity'
  > {
  session: SessionRecord;
  lastEventId: string | undefined;
  signal: AbortSignal;
  /** Published events (global and for this session) on the standalone stream; absent: session log only. */
  feed?: EventFeed;
  /** The session's current log level: published log messages below it are held back. */
  logLevel: () => LoggingLevel | undefined;
  /** Called once when the stream ends. */
  onClose?: () => void;
  /** This instance, as named in the session-log markers it leaves (its own are delivered by the hub). */
  instanceId: string;
}

/** Longest a polled resume of a request stream waits for its response, in ms. */
const RESUME_HOLD_MS = 10_000;
/** How often it reads the log meanwhile, in ms. */
const RESUME_POLL_MS = 250;
type StreamEvent = StoredEvent | BusEvent;
/** The keep-alive comment, encoded once for every stream (chunks are never mutated once enqueued). */
const KEEP_ALIVE = new TextEncoder().encode(sseComment('keep-alive'));

/** Builds the GET response; a bad `Last-Event-ID` and store failures surface before any byte is sent. */
export async function streamSessionEvents(o: SessionStreamOptions): Promise<Response> {
  let streamId = STANDALONE_STREAM;
  let after: number | undefined;
  let globalAfter: string | undefined;
  if (o.lastEventId !== undefined) {
    const parsed = parseStreamCursor(o.lastEventId);
    if (!parsed || (parsed.global !== undefined && !o.feed?.log.isCursor(parsed.global))) {
      throw new HttpError(400, RpcCode.ServerError, 'Bad Request: unknown Last-Event-ID format');
    }
    ({ streamId, seq: after, global: globalAfter } = parsed);
  }
  const stream = new GetStream(o, streamId);
  if (o.sse === 'live') stream.subscribeLive();
  let backlog: Backlog;
  try {
    backlog = await readBacklog(o.eventStore, stream.feed, {
      sessionId: o.session.id,
      streamId,
      after,
      globalAfter,
    });
  } catch (error) {
    stream.unsubscribe?.();
    throw error;
  }
  return stream.open(backlog, after);
}

/** One GET stream's state: its body, its positions in both logs, and its live subscription. */
class GetStream {
  readonly #o: SessionStreamOptions;
  readonly #streamId: string;
  /** A resumed request stream ends with its response and carries no published events. */
  readonly #resumingRequestStream: boolean;
  readonly feed: EventFeed | undefined;
  readonly #encoder = new TextEncoder();
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  unsubscribe: (() => void) | undefined;
  #closed = false;
  /** Live events that came while the backlog was read; written once it is. */
  readonly #early: StreamEvent[] = [];
  #forward: ((event: StreamEvent) => void) | undefined;
  /** The session-log position (sequence number) and the global-log cursor the client has. */
  #cursor = 0;
  #globalCursor: string | undefined;
  #catchingUp = false;
  #catchUpAgain = false;
  /** The resources the session is subscribed to, as last read. */
  #subscriptions: Set<string>;
  /** Events held, in order, while the subscriptions are re-read (bounded by the stream's capacity). */
  #held: StreamEvent[] | undefined;

  constructor(o: SessionStreamOptions, streamId: string) {
    this.#o = o;
    this.#streamId = streamId;
    this.#resumingRequestStream = streamId !== STANDALONE_STREAM;
    this.feed = this.#resumingRequestStream ? undefined : o.feed;
    this.#subscriptions = new Set(o.session.subscriptions);
  }

  readonly close = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.unsubscribe?.();
    this.#o.onClose?.();
    clearInterval(this.#keepAlive);
    clearTimeout(this.#deadline);
    this.#o.signal.removeEventListener('abort', this.close);
    try {
      this.#controller?.close();
    } catch {
      // The consumer went away first.
    }
  };

  /** Chunks enqueued and not yet read: the stream's queue is the subscriber's bounded buffer. */
  readonly #backlog = (): number => -(this.#controller?.desiredSize ?? 0);

  /**
   * Cuts off a reader `streamCapacity` events behind. Closing alone would keep its queue (up to capacity ×
   * event size) until the client read it or left; erroring the body drops the queue at once. The client sees
   * the connection fail and resumes with the last id it read, replayed from the log.
   */
  readonly #overflow = (): void => {
    const controller = this.#controller;
    this.close();
    try {
      controller?.error(
        new StreamCutOffError(
          `lambda-mcp: stream cut off, more than ${this.#o.streamCapacity} events behind`,
        ),
      );
    } catch {
      // The consumer went away first.
    }
  };

  readonly #take = (event: StreamEvent): void => {
    if (this.#forward) this.#forward(event);
    else this.#early.push(event);
  };

  /** Subscribes to the session's hub and the instance's bus; duplicates of the backlog drop by position. */
  subscribeLive(): void {
    const { hub, session, streamCapacity } = this.#o;
    const fromHub = hub.subscribe(
      session.id,
      (event) => {
        if (event.streamId !== this.#streamId) return;
        if (this.#backlog() >= streamCapacity) this.#overflow();
        else this.#take(event);
      },
      this.close, // The session was deleted.
    );
    const fromBus = this.feed?.bus.subscribe({
      sessionId: session.id,
      deliver: this.#take,
      backlog: this.#backlog,
      capacity: streamCapacity,
      onOverflow: this.#overflow,
    });
    this.unsubscribe = () => {
      fromHub();
      fromBus?.();
    };
  }

  /** Writes the priming event and the backlog, then closes (poll) or tails (live). */
  open(backlog: Backlog, after: number | undefined): Response {
    const o = this.#o;
    this.#cursor = after ?? backlog.snapshot.lastSeq;
    this.#globalCursor = backlog.globalCursor;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.#controller = c;
        },
        cancel: () => this.close(),
      },
      { highWaterMark: 0 },
    );
    // The session may have been deleted while the log was being read: answer an empty, closed stream.
    if (this.#closed) this.#controller?.close();

    const priming = supportsPriming(o.session.protocolVersion);
    this.#emit(ssePriming(priming ? this.#currentId() : undefined, o.retryMs));
    for (const event of backlog.snapshot.events) this.#write(event);
    for (const logged of backlog.published) this.#write(logged);
    if (o.sse === 'poll' && this.#resumingRequestStream && !this.#closed) {
      // A polled resume of a request stream whose response is not stored yet: hold the answer (bounded) until
      // it is, reading the log (the call may run on another instance), so the client does not poll in vain.
      void this.#holdForResponse();
    } else if (o.sse === 'poll' || this.#closed) {
      // Move the client's position past what was read but not its own, so the next poll starts there.
      const { readTo } = backlog;
      if (readTo && this.#globalCursor !== undefined && readTo > this.#globalCursor && priming) {
        this.#globalCursor = readTo;
        this.#emit(ssePriming(this.#currentId(), o.retryMs));
      }
      this.close();
    } else {
      for (const event of this.#early) this.#write(event);
      this.#early.length = 0;
      this.#forward = this.#write;
      if (o.keepAliveMs > 0) {
        this.#keepAlive = setInterval(() => this.#enqueue(KEEP_ALIVE), o.keepAliveMs);
      }
      if (o.maxStreamMs > 0) this.#deadline = setTimeout(this.close, o.maxStreamMs);
      this.#listenForAbort();
    }
    return new Response(body, { status: 200, headers: { ...SSE_HEADERS, 'mcp-session-id': o.session.id } });
  }

  #listenForAbort(): void {
    if (this.#o.signal.aborted) this.close();
    else this.#o.signal.addEventListener('abort', this.close, { once: true });
  }

  #currentId(): string {
    return formatStreamCursor(this.#streamId, this.#cursor, this.feed ? this.#globalCursor : undefined);
  }

  #emit(text: string): void {
    if (this.#closed || !this.#controller) return;
    this.#enqueue(this.#encoder.encode(text));
  }

  #enqueue(bytes: Uint8Array): void {
    if (this.#closed || !this.#controller) return;
    try {
      this.#controller.enqueue(bytes);
    } catch {
      this.close();
    }
  }

  /** Writes an event past the cursor; a request stream ends with its response. */
  readonly #write = (event: StreamEvent): void => {
    if (this.#closed) return;
    if ('event' in event && event.event.type === SESSION_ENDED_EVENT) {
      this.close(); // The session was deleted on some instance.
      return;
    }
    if (this.#held) {
      if (this.#held.length >= this.#o.streamCapacity) this.#overflow();
      else this.#held.push(event);
      return;
    }
    if ('event' in event) {
      if (event.event.type === SESSION_CHANGED_EVENT) {
        // The subscriptions changed on some instance: re-read them once, holding later events meanwhile.
        if (this.#forward) {
          this.#held = [];
          void this.#refreshSubscriptions();
        }
        return;
      }
      this.#writePublished(event);
      return;
    }
    if (event.seq <= this.#cursor) return;
    this.#cursor = event.seq;
    this.#emit(sseMessage(event.message, this.feed ? this.#currentId() : event.id));
    if (this.#resumingRequestStream && 'id' in event.message && !('method' in event.message)) this.close();
  };

  #writePublished(event: BusEvent): void {
    if (event.event.type === SESSION_LOG_EVENT) {
      // Another instance stored a message for this stream: read it from the session log. This instance's
      // own messages came through the hub already.
      const from = (event.event.data as { instance?: string } | null)?.instance;
      if (this.#forward && from !== this.#o.instanceId) this.#catchUp();
      return;
    }
    // A published event: logged ones move the global cursor, instance-local ones carry no id.
    const { notification, json } = eventNotificationJson(event.event);
    const wanted =
      passesLogLevel(notification, this.#o.logLevel()) &&
      passesSubscriptions(event.event, this.#subscriptions);
    // The frame's bytes are shared with every other stream writing this event (`stream-frame.ts`).
    if (event.cursor === undefined) {
      if (wanted) this.#enqueue(publishedFrame(event.event, json, undefined));
      return;
    }
    if (this.#globalCursor !== undefined && event.cursor <= this.#globalCursor) return;
    this.#globalCursor = event.cursor;
    if (wanted) this.#enqueue(publishedFrame(event.event, json, this.#currentId()));
  }

  /** Re-reads the session's subscriptions, then writes the events held meanwhile, in order. */
  async #refreshSubscriptions(): Promise<void> {
    try {
      const current = await this.#o.sessionStore.get(this.#o.session.id);
      if (!current) {
        this.close(); // The session is gone.
        return;
      }
      this.#subscriptions = new Set(current.subscriptions);
    } catch {
      this.close(); // The store failed: the client resumes from its last id.
      return;
    }
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of held) this.#write(event);
  }

  /** Writes what the session log holds past the cursor; false when the store failed. */
  async #readMore(): Promise<boolean> {
    try {
      const more = await this.#o.eventStore.read(this.#o.session.id, this.#streamId, this.#cursor);
      for (const event of more.events) this.#write(event);
      return true;
    } catch {
      return false;
    }
  }

  /** Reads the session log past the cursor (one read at a time; a request meanwhile runs one more). */
  #catchUp(): void {
    if (this.#catchingUp) {
      this.#catchUpAgain = true;
      return;
    }
    this.#catchingUp = true;
    void (async () => {
      do {
        this.#catchUpAgain = false;
        if (!(await this.#readMore())) {
          this.close(); // The store failed: the client resumes from its last id.
          return;
        }
      } while (this.#catchUpAgain && !this.#closed);
      this.#catchingUp = false;
    })();
  }

  async #holdForResponse(): Promise<void> {
    const until = Date.now() + RESUME_HOLD_MS;
    this.#listenForAbort();
    while (!this.#closed && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(RESUME_POLL_MS, until - Date.now())));
      if (this.#closed) break;
      if (!(await this.#readMore())) break; // The store failed: close; the client resumes from its last id.
    }
    this.close();
  }
}
