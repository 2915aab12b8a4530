// The durable log of published events (global and session-targeted), which makes them reach every instance
// and makes GET streams resumable across them. One poller per instance reads it (see feed.ts). The in-memory
// log is this process's only; the DynamoDB log (`lambda-mcp/dynamodb`) is shared by every instance.
import type { McpEvent } from './model.js';

/** An event read back from the log, with its position. */
export interface LoggedEvent {
  event: McpEvent;
  cursor: string;
}

/** One read of the log. */
export interface LogPage {
  /** In log order, each after the read's cursor. */
  events: LoggedEvent[];
  /** Where the next read continues: the last event's cursor, or the log's stable horizon. */
  cursor: string;
  /** More events are ready past `cursor` (the read stopped at its page size). */
  more: boolean;
}

/** The global event log seam. */
export interface GlobalEventLog {
  /**
   * True when other processes append to the same log, so readers must poll it; false when every append
   * happens in this process (readers are told at once).
   */
  readonly shared: boolean;
  /**
   * How long after an append an event may still be invisible to readers, in ms; reads stop this far behind
   * the clock so that no event lands behind a reader's cursor. 0 for logs only this process writes.
   */
  readonly settleMs: number;
  /**
   * Stores an event. With `dedupe`, an event whose id is already stored is not stored again and the result
   * has `stored: false` (a redelivered SNS message).
   */
  append(event: McpEvent, options?: { dedupe?: boolean }): Promise<{ stored: boolean; cursor?: string }>;
  /** Events after `cursor`, oldest first, up to the stable horizon (events older than the retention are gone). */
  read(cursor: string): Promise<LogPage>;
  /** The cursor a new reader starts from: everything stored so far counts as seen. */
  head(): Promise<string>;
  /** Whether a string (from a client's `Last-Event-ID`) is a cursor of this log. */
  isCursor(value: string): boolean;
}

/** Options of {@link MemoryGlobalEventLog}. */
export interface MemoryGlobalEventLogOptions {
  /** How long events stay readable, in ms. Default 1 hour. */
  retentionMs?: number;
  /** Most events kept, oldest dropped first. Default 10 000. */
  maxEvents?: number;
  /** Largest page a read returns. Default 1000. */
  pageSize?: number;
  now?: () => number;
}

const MEMORY_CURSOR = /^m\d{12}$/;

/** The global log in this process's memory: exact order, no polling. */
export class MemoryGlobalEventLog implements GlobalEventLog {
  readonly shared = false;
  readonly settleMs = 0;
  readonly #events: { logged: LoggedEvent; at: number }[] = [];
  readonly #ids = new Set<string>();
  readonly #retentionMs: number;
  readonly #maxEvents: number;
  readonly #pageSize: number;
  readonly #now: () => number;
  #seq = 0;

  constructor(options: MemoryGlobalEventLogOptions = {}) {
    this.#retentionMs = options.retentionMs ?? 3_600_000;
    this.#maxEvents = options.maxEvents ?? 10_000;
    this.#pageSize = options.pageSize ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  async append(
    event: McpEvent,
    options: { dedupe?: boolean } = {},
  ): Promise<{ stored: boolean; cursor?: string }> {
    this.#expire();
    if (options.dedupe && this.#ids.has(event.id)) return { stored: false };
    const cursor = memoryCursor(++this.#seq);
    this.#events.push({ logged: { event, cursor }, at: this.#now() });
    this.#ids.add(event.id);
    return { stored: true, cursor };
  }

  async read(cursor: string): Promise<LogPage> {
    this.#expire();
    const after = this.isCursor(cursor) ? Number(cursor.slice(1)) : this.#seq;
    const first = this.#events.findIndex((e) => Number(e.logged.cursor.slice(1)) > after);
    if (first === -1) return { events: [], cursor: memoryCursor(Math.max(after, 0)), more: false };
    const page = this.#events.slice(first, first + this.#pageSize).map((e) => e.logged);
    const last = page[page.length - 1] as LoggedEvent;
    return { events: page, cursor: last.cursor, more: first + page.length < this.#events.length };
  }

  async head(): Promise<string> {
    return memoryCursor(this.#seq);
  }

  isCursor(value: string): boolean {
    return MEMORY_CURSOR.test(value);
  }

  #expire() {
    const oldest = this.#now() - this.#retentionMs;
    let drop = 0;
    while (
      drop < this.#events.length &&
      ((this.#events[drop]?.at ?? 0) < oldest || this.#events.length - drop > this.#maxEvents)
    ) {
      drop++;
    }
    for (const { logged } of this.#events.splice(0, drop)) this.#ids.delete(logged.event.id);
  }
}

function memoryCursor(seq: number): string {
  return `m${String(seq).padStart(12, '0')}`;
}
