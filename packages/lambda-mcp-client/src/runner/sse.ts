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

const LINE_END = /\r\n|\r|\n/g;

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
  /** The lines of the event being read. */
  #lines: string[] = [];
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
    const ends = new RegExp(LINE_END);
    let start = 0;
    for (let match = ends.exec(buffer); match !== null; match = ends.exec(buffer)) {
      const line = buffer.slice(start, match.index);
      start = match.index + match[0].length;
      if (line === '') this.#dispatch(events);
      else this.#lines.push(line);
    }
    this.#partial = buffer.slice(start);
    return events;
  }

  /**
   * The body ended: the event still pending without its blank line, as an event (an EventSource would drop
   * it; a response read whole keeps it). The parser starts empty again.
   */
  end(): SseEvent[] {
    if (this.#partial !== '') this.#lines.push(this.#partial);
    this.#partial = '';
    this.#afterCr = false;
    const events: SseEvent[] = [];
    this.#dispatch(events);
    return events;
  }

  #dispatch(events: SseEvent[]): void {
    const event = parseLines(this.#lines, this.#comments);
    this.#lines = [];
    if (event) events.push(event);
  }
}

/** A field's value: what follows the first colon, less one leading space. */
function fieldValue(line: string, colon: number): string {
  if (colon < 0) return '';
  const value = line.slice(colon + 1);
  return value.startsWith(' ') ? value.slice(1) : value;
}

/** The event that the lines of one block make, if they hold any field (or, when kept, a comment). */
function parseLines(lines: readonly string[], keepComments: boolean): SseEvent | undefined {
  const event: SseEvent = {};
  let fields = 0;
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of lines) {
    if (line.startsWith(':')) {
      if (keepComments) comments.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = fieldValue(line, colon);
    fields++;
    if (name === 'data') data.push(value);
    else if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
  }
  if (comments.length > 0) event.comment = comments.join('\n');
  if (fields === 0 && event.comment === undefined) return undefined;
  if (data.length > 0) event.data = data.join('\n');
  return event;
}
