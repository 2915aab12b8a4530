// Server-Sent Events for the streaming checks: a parser that keeps every field the wire checks look at (id,
// retry, empty data), a reader that hands events over as they arrive, and a 2025 session's GET stream that
// follows the server like an EventSource does — when the server closes it (buffered servers replay and close),
// it reconnects with `Last-Event-ID` after the announced `retry`, so the same checks hold on live and polled
// streams. Every wait is bounded by a deadline; nothing sleeps to let time pass.
import { brief, type RpcMessage } from './assert.js';
import type { TestContext } from './types.js';

/** One SSE event as it arrived: the fields present in its block. */
export interface SseEvent {
  /** The `id:` field, when the event has one. */
  id?: string;
  /** The `retry:` field, in ms, when the event has one. */
  retry?: number;
  /** The `event:` field, when the event has one. */
  event?: string;
  /** The `data:` lines joined with newlines; `undefined` when the block had no `data:` line. */
  data?: string;
}

/** Incremental SSE parsing: feed it text as it arrives, get back the events whose blank line arrived. */
export class SseParser {
  #buffer = '';

  /** Parses `text` (appended to what is pending); returns the completed events, comments left out. */
  push(text: string): SseEvent[] {
    this.#buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n\r\n|\n\n|\r\r/.exec(this.#buffer);
      if (!match) return events;
      const block = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = parseBlock(block);
      if (event) events.push(event);
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  const event: SseEvent = {};
  let fields = 0;
  const data: string[] = [];
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields++;
    if (name === 'data') data.push(value);
    else if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
  }
  if (fields === 0) return undefined;
  if (data.length > 0) event.data = data.join('\n');
  return event;
}

/** A JSON-RPC message that arrived on a stream, with the SSE id it came with and when. */
export interface StreamedMessage {
  message: RpcMessage & { params?: Record<string, unknown> };
  id?: string;
  /** `performance.now()` at arrival. */
  at: number;
}

/** Wakes the waiters of {@link Watch.until} whenever something they may be waiting for happened. */
export class Watch {
  readonly #waiters = new Set<() => void>();

  /** Something changed: every waiter checks its condition again. */
  poke(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /**
   * Resolves `true` as soon as `condition()` holds, `false` when `deadline` (a `performance.now()` time) passes
   * or `signal` aborts first. The condition is checked now and on every poke.
   */
  until(condition: () => boolean, deadline: number, signal?: AbortSignal): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', abort);
        resolve(value);
      };
      const check = () => {
        if (condition()) finish(true);
      };
      const abort = () => finish(false);
      const timer = setTimeout(() => finish(condition()), Math.max(0, deadline - performance.now()));
      this.#waiters.add(check);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}

/** The headers of a 2025 session's GET: the session's own, asking for SSE only, without a body type. */
export function getHeaders(
  sessionHeaders: Record<string, string>,
  lastEventId?: string,
): Record<string, string> {
  const headers: Record<string, string> = { ...sessionHeaders, accept: 'text/event-stream' };
  delete headers['content-type'];
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  return headers;
}

/** Longest pause before a reconnect, whatever `retry:` announced, in ms. */
const MAX_RECONNECT_DELAY_MS = 2000;

/** Why a followed stream stopped for good. */
export type StreamStop =
  /** The test closed it. */
  | { kind: 'closed' }
  /** The server ended a stream opened without `follow`. */
  | { kind: 'ended' }
  /** The server ended it before any event carried an id: a client cannot resume it. */
  | { kind: 'no-id' }
  /** A reconnect with `Last-Event-ID` was refused, or failed. */
  | { kind: 'refused'; detail: string };

/**
 * A 2025 session's GET stream, followed across reconnects: every JSON-RPC message that arrives, in order, and
 * the SSE events themselves. Open it with {@link SessionStream.open}; close it with `close()` (also done when
 * the test ends).
 */
export class SessionStream {
  /** Every SSE event, across connections, in order. */
  readonly events: SseEvent[] = [];
  /** Every JSON-RPC message, across connections, in order. */
  readonly messages: StreamedMessage[] = [];
  /** HTTP connections made so far (1 + reconnects). */
  connections = 1;
  /** The last event id seen, which a reconnect sends as `Last-Event-ID`. */
  lastEventId: string | undefined;
  /** Set when the stream stopped for good. */
  stopped: StreamStop | undefined;
  readonly #ctx: TestContext;
  readonly #headers: Record<string, string>;
  readonly #follow: boolean;
  readonly #controller = new AbortController();
  readonly #watch = new Watch();
  #retry: number | undefined;

  private constructor(ctx: TestContext, headers: Record<string, string>, follow: boolean) {
    this.#ctx = ctx;
    this.#headers = headers;
    this.#follow = follow;
  }

  /**
   * Sends the GET (with `Last-Event-ID` when given). A 200 `text/event-stream` answer starts reading (and,
   * with `follow`, reconnecting whenever the server ends the stream) and resolves the stream; any other answer
   * resolves the response, unread, for the caller to judge (e.g. 405: the server offers no GET stream).
   */
  static async open(
    ctx: TestContext,
    sessionHeaders: Record<string, string>,
    options: { lastEventId?: string; follow?: boolean } = {},
  ): Promise<{ stream: SessionStream } | { refused: Response }> {
    const stream = new SessionStream(ctx, sessionHeaders, options.follow ?? true);
    stream.lastEventId = options.lastEventId;
    const response = await stream.#get();
    // Not a stream: left unread (and open until the test ends) for the caller to read and judge.
    if (response.status !== 200 || !isEventStream(response) || !response.body) return { refused: response };
    ctx.defer(() => stream.close());
    void stream.#pump(response.body);
    return { stream };
  }

  /** Resolves true once a message satisfies `match`, false when the deadline passes or the stream stops. */
  waitFor(match: (message: StreamedMessage) => boolean, deadline: number): Promise<boolean> {
    return this.#watch
      .until(() => this.messages.some(match) || this.stopped !== undefined, deadline, this.#ctx.signal)
      .then(() => this.messages.some(match));
  }

  /** Resolves true once the first event arrived, false when the deadline passes or the stream ended first. */
  waitForEvent(deadline: number): Promise<boolean> {
    return this.#watch
      .until(() => this.events.length > 0 || this.stopped !== undefined, deadline, this.#ctx.signal)
      .then(() => this.events.length > 0);
  }

  /** Resolves true once an event with an id arrived (false at the deadline or when the stream stopped). */
  waitForId(deadline: number): Promise<boolean> {
    return this.#watch
      .until(() => this.lastEventId !== undefined || this.stopped !== undefined, deadline, this.#ctx.signal)
      .then(() => this.lastEventId !== undefined);
  }

  /** Stops reading and ends the HTTP request; idempotent. */
  close(): void {
    this.#stop({ kind: 'closed' });
    this.#controller.abort();
  }

  /** What stopped the stream, in words, for failure messages. */
  describeStop(): string | undefined {
    const stop = this.stopped;
    if (!stop || stop.kind === 'closed') return undefined;
    if (stop.kind === 'ended') return 'the server ended the GET stream';
    if (stop.kind === 'no-id') return 'the server ended the GET stream before any event carried an id';
    return stop.detail;
  }

  #stop(stop: StreamStop): void {
    if (this.stopped) return;
    this.stopped = stop;
    this.#watch.poke();
  }

  #get(): Promise<Response> {
    return this.#ctx.fetch(this.#ctx.url, {
      method: 'GET',
      headers: getHeaders(this.#headers, this.lastEventId),
      signal: this.#controller.signal,
    });
  }

  async #pump(first: ReadableStream<Uint8Array>): Promise<void> {
    let body: ReadableStream<Uint8Array> | undefined = first;
    while (body && !this.stopped) {
      await this.#read(body);
      body = undefined;
      if (this.stopped) break;
      if (!this.#follow) {
        this.#stop({ kind: 'ended' });
        break;
      }
      if (this.lastEventId === undefined) {
        this.#stop({ kind: 'no-id' });
        break;
      }
      // The server ended the stream (a polled GET, or a maximum duration): reconnect where it left off.
      const delay = Math.min(this.#retry ?? 1000, MAX_RECONNECT_DELAY_MS);
      if (!(await pause(delay, this.#controller.signal))) break;
      let response: Response;
      try {
        response = await this.#get();
      } catch (error) {
        if (!this.stopped) this.#stop({ kind: 'refused', detail: `a reconnect failed: ${String(error)}` });
        break;
      }
      this.connections++;
      if (response.status !== 200 || !isEventStream(response) || !response.body) {
        const text = await response.text().catch(() => '');
        this.#stop({
          kind: 'refused',
          detail: `a reconnect with Last-Event-ID ${this.lastEventId} answered ${response.status}${
            text ? `: ${brief(text)}` : ''
          }`,
        });
        break;
      }
      body = response.body;
    }
    this.#watch.poke();
  }

  /** Reads one response body to its end (or until the stream is closed). */
  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(decoder.decode(value, { stream: true }))) this.#take(event);
      }
    } catch {
      // The connection dropped or the test closed it: as an end of the stream.
    } finally {
      reader.releaseLock();
    }
  }

  #take(event: SseEvent): void {
    this.events.push(event);
    if (event.id !== undefined) this.lastEventId = event.id;
    if (event.retry !== undefined) this.#retry = event.retry;
    if (event.data) {
      try {
        const message = JSON.parse(event.data) as StreamedMessage['message'];
        this.messages.push({
          message,
          ...(event.id !== undefined && { id: event.id }),
          at: performance.now(),
        });
      } catch {
        // Not JSON: not a JSON-RPC message.
      }
    }
    this.#watch.poke();
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** Waits `ms`; resolves false when `signal` aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve(true);
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
