// Server-Sent Events parsing, the one parser of the client and of the fan-out benchmark: text goes in as it
// arrives, events come out once their blank line has arrived, with every field the wire checks look at (id,
// retry, empty data) and, on request, the comments a server sends (e.g. its `: dropped …` notice).

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
  /** Only with `comments: true`: the block's comment lines as they came (`: …`), joined with newlines. */
  comment?: string;
}

/** How an {@link SseParser} reads. */
export interface SseParserOptions {
  /**
   * Keep comment lines in {@link SseEvent.comment}, so that a block of comments alone becomes an event.
   * Default false: comments are left out, as an EventSource leaves them out.
   */
  comments?: boolean;
}

/**
 * Incremental SSE parsing: feed it text as it arrives, get back the events whose blank line arrived. Lines
 * end with CRLF, LF or CR, as the SSE format allows (a CR that ends a chunk is a line end whether or not an
 * LF follows in the next one).
 *
 * @example
 * const parser = new SseParser();
 * parser.push('id: 1\ndata: {"a":'); // []
 * parser.push('1}\n\n'); // [{ id: '1', data: '{"a":1}' }]
 */
export class SseParser {
  /** The text after the last line end. */
  #partial = '';
  /** The event being read, field by field, and how many fields it has. */
  #event: SseEvent = {};
  #fields = 0;
  /** The last chunk ended with a CR: an LF opening the next one belongs to it. */
  #afterCr = false;
  readonly #comments: boolean;

  constructor(options: SseParserOptions = {}) {
    this.#comments = options.comments ?? false;
  }

  /** Parses `text` (appended to what is pending); returns the completed events, in order. */
  push(text: string): SseEvent[] {
    if (text === '') return [];
    const chunk = this.#afterCr && text.startsWith('\n') ? text.slice(1) : text;
    this.#afterCr = chunk.endsWith('\r');
    const buffer = this.#partial + chunk;
    const events: SseEvent[] = [];
    // Scanned with indexOf and read field by field: the fan-out bench reads every event through here.
    const crs = buffer.includes('\r');
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = crs ? buffer.indexOf('\r', start) : -1;
      if (lf < 0 && cr < 0) break;
      const atCr = cr >= 0 && (lf < 0 || cr < lf);
      const end = atCr ? cr : lf;
      if (end === start) this.#dispatch(events);
      else this.#line(buffer.slice(start, end));
      start = atCr && lf === cr + 1 ? cr + 2 : end + 1;
    }
    this.#partial = buffer.slice(start);
    return events;
  }

  /**
   * The body ended: the event still pending without its blank line, as an event (an EventSource would drop
   * it; a response read whole keeps it). The parser starts empty again.
   */
  end(): SseEvent[] {
    if (this.#partial !== '') this.#line(this.#partial);
    this.#partial = '';
    this.#afterCr = false;
    const events: SseEvent[] = [];
    this.#dispatch(events);
    return events;
  }

  /** One line of the event being read: a field, or a comment. */
  #line(line: string): void {
    const event = this.#event;
    if (line.startsWith(':')) {
      if (this.#comments) event.comment = event.comment === undefined ? line : `${event.comment}\n${line}`;
      return;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    this.#fields++;
    if (name === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
    else if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
  }

  /** Ends the event being read: it counts when it has a field (or, when kept, a comment). */
  #dispatch(events: SseEvent[]): void {
    const event = this.#event;
    const counts = this.#fields > 0 || event.comment !== undefined;
    this.#event = {};
    this.#fields = 0;
    if (counts) events.push(event);
  }
}
