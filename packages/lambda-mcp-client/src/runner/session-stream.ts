// A 2025 session's GET stream followed like an EventSource follows one: when the server closes it (buffered
// servers replay and close), it reconnects with `Last-Event-ID` after the announced `retry`, so the same
// streaming checks hold on live and polled streams. Every wait is bounded by a deadline.
import { brief, type RpcMessage } from './assert.js';
import { type SseEvent, SseParser } from './sse.js';
import type { TestContext } from './types.js';
import { pause, Watch } from './watch.js';

/** A JSON-RPC message that arrived on a stream, with the SSE id it came with and when. */
export interface StreamedMessage {
  message: RpcMessage & { params?: Record<string, unknown> };
  id?: string;
  /** `performance.now()` at arrival. */
  at: number;
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
    return this.#until(() => this.messages.some(match), deadline);
  }

  /** Resolves true once the first event arrived, false when the deadline passes or the stream ended first. */
  waitForEvent(deadline: number): Promise<boolean> {
    return this.#until(() => this.events.length > 0, deadline);
  }

  /** Resolves true once an event with an id arrived (false at the deadline or when the stream stopped). */
  waitForId(deadline: number): Promise<boolean> {
    return this.#until(() => this.lastEventId !== undefined, deadline);
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

  /** Whether `done()` holds once it holds, the deadline passed or the stream stopped, whichever comes first. */
  #until(done: () => boolean, deadline: number): Promise<boolean> {
    return this.#watch
      .until(() => done() || this.stopped !== undefined, deadline, this.#ctx.signal)
      .then(() => done());
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
