// The event feed of one instance: publishing writes the durable global log, and one poller per instance reads
// the log (one Query per interval, shared by every stream open here) and feeds the broadcast bus. The poller
// runs only while something listens, so an idle Lambda instance costs no reads. With a log only this process
// writes (the in-memory default), appends reach the bus at once and nothing polls. At most one log call is in
// flight per poller (each bounded by the store's deadline); after a failed poll the next waits twice as long
// as the last (up to MAX_BACKOFF_MS), and the first success returns to the interval.
import { randomUUID } from 'node:crypto';
import { BroadcastBus } from './broadcast.js';
import type { GlobalEventLog } from './global-log.js';
import {
  DEFAULT_MAX_EVENT_BYTES,
  type EventInput,
  type EventScope,
  type McpEvent,
  makeEvent,
} from './model.js';

/** The longest wait between polls of a failing log, in ms (or the poll interval, when that is longer). */
export const MAX_BACKOFF_MS = 10_000;

/** Options of {@link EventFeed}. */
export interface EventFeedOptions {
  log: GlobalEventLog;
  /** Poll interval of a shared log while streams are open, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Largest event, in bytes of JSON. Default 64 KiB. */
  maxEventBytes?: number;
  /**
   * While streams are open, send this instance's streams a `server.health` event (instance-local, not logged:
   * memory, uptime, open streams) this often, in ms. Default 0: none.
   */
  healthIntervalMs?: number;
  onerror?: (error: Error) => void;
  now?: () => number;
}

/** What a publish did. */
export interface PublishResult {
  event: McpEvent;
  /** False when an event with this id was stored already (a redelivery): nothing was sent again. */
  stored: boolean;
}

/** See the module comment. */
export class EventFeed {
  readonly bus: BroadcastBus;
  readonly log: GlobalEventLog;
  readonly #pollMs: number;
  readonly #maxBytes: number;
  readonly #onerror: (error: Error) => void;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #soonTimer: NodeJS.Timeout | undefined;
  #soonDue = 0;
  readonly #healthMs: number;
  #health: NodeJS.Timeout | undefined;
  #cursor: Promise<string> | undefined;
  #polling: Promise<void> | undefined;
  #again = false;
  #closed = false;
  /** Polls failed in a row: the next waits `pollMs × 2^failures`, up to MAX_BACKOFF_MS. */
  #failures = 0;

  constructor(options: EventFeedOptions) {
    this.log = options.log;
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#maxBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#onerror = options.onerror ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#healthMs = options.healthIntervalMs ?? 0;
    this.bus = new BroadcastBus((subscribers) => this.#listeners(subscribers));
  }

  /**
   * Publishes an event to every open stream of every instance (global), or to one 2025 session's streams.
   *
   * @throws {InvalidEventError} for bad input; {@link StoreUnavailableError} when the log cannot be written.
   */
  async publish(
    input: EventInput,
    scope: EventScope,
    options: { dedupe?: boolean } = {},
  ): Promise<PublishResult> {
    const event = makeEvent(input, scope, {
      now: this.#now(),
      maxBytes: this.#maxBytes,
      newId: randomUUID,
    });
    const { stored, cursor } = await this.log.append(event, options);
    if (!stored) return { event, stored };
    if (!this.log.shared) this.bus.publish(cursor === undefined ? { event } : { event, cursor });
    else this.#soon();
    return { event, stored };
  }

  /**
   * Sends an event to this instance's streams only, without logging it (internal events). With no stream
   * open on the instance the event would reach nobody, so none is made (`undefined`).
   */
  publishLocal(input: EventInput, scope: EventScope): McpEvent | undefined {
    if (this.bus.size === 0) return undefined;
    const event = makeEvent(input, scope, { now: this.#now(), maxBytes: this.#maxBytes, newId: randomUUID });
    this.bus.publish({ event });
    return event;
  }

  /** Stops polling; open subscribers get nothing more. */
  close(): void {
    this.#closed = true;
    this.#healthTimer(0);
    this.#stop();
  }

  /** Polls now (tests, or after a local append); resolves when the bus has everything read. */
  async pollNow(): Promise<void> {
    if (!this.#cursor) return;
    if (this.#polling) {
      this.#again = true;
      return this.#polling;
    }
    this.#polling = this.#drain().finally(() => {
      this.#polling = undefined;
    });
    await this.#polling;
    if (this.#again) {
      this.#again = false;
      await this.pollNow();
    }
  }

  #listeners(subscribers: number) {
    this.#healthTimer(subscribers);
    if (!this.log.shared || this.#closed) return;
    if (subscribers > 0 && !this.#cursor) {
      this.#cursor = this.log.head();
      this.#cursor.catch((error) => this.#fail(error));
      this.#schedule();
    } else if (subscribers === 0) {
      this.#stop();
    }
  }

  async #drain() {
    let from = this.#cursor;
    if (!from) return;
    let cursor: string;
    try {
      cursor = await from;
    } catch (error) {
      // The head read failed (reported when it did): this poll reads it again, rather than failing forever.
      if (this.#cursor !== from) throw error;
      from = this.log.head();
      this.#cursor = from;
      cursor = await from;
    }
    for (;;) {
      const page = await this.log.read(cursor);
      // A stop (no listeners left) while reading: keep nothing, the next start begins at the head.
      if (this.#cursor !== from) return;
      for (const logged of page.events) this.bus.publish(logged);
      cursor = page.cursor;
      // The cursor this drain set is its own: the next page's check compares against it.
      from = Promise.resolve(cursor);
      this.#cursor = from;
      if (!page.more) return;
    }
  }

  #schedule() {
    clearTimeout(this.#timer);
    if (!this.#cursor || this.#closed) return;
    const wait =
      this.#failures === 0
        ? this.#pollMs
        : Math.min(this.#pollMs * 2 ** this.#failures, Math.max(MAX_BACKOFF_MS, this.#pollMs));
    this.#timer = setTimeout(() => {
      this.pollNow()
        .then(
          () => {
            this.#failures = 0;
          },
          (error) => {
            this.#failures = Math.min(this.#failures + 1, 30);
            this.#fail(error);
          },
        )
        .finally(() => this.#schedule());
    }, wait);
    this.#timer.unref();
  }

  /** After a local append to a shared log: poll once the event is past the log's settle window. */
  #soon() {
    if (!this.#cursor) return;
    // One timer for a burst of appends: it polls once the last of them has settled.
    this.#soonDue = Date.now() + this.log.settleMs + 5;
    if (this.#soonTimer) return;
    const fire = () => {
      const wait = this.#soonDue - Date.now();
      if (wait > 0) {
        this.#soonTimer = setTimeout(fire, wait);
        this.#soonTimer.unref();
        return;
      }
      this.#soonTimer = undefined;
      this.pollNow().catch((error) => this.#fail(error));
    };
    this.#soonTimer = setTimeout(fire, this.#soonDue - Date.now());
    this.#soonTimer.unref();
  }

  /** Starts the health announcements with the first stream, stops them with the last. */
  #healthTimer(subscribers: number) {
    if (subscribers > 0 && this.#healthMs > 0 && !this.#health && !this.#closed) {
      this.#health = setInterval(() => this.#announceHealth(), this.#healthMs);
      this.#health.unref();
    } else if ((subscribers === 0 || this.#closed) && this.#health) {
      clearInterval(this.#health);
      this.#health = undefined;
    }
  }

  #announceHealth() {
    const memory = process.memoryUsage();
    this.publishLocal(
      {
        type: 'server.health',
        source: 'lambda-mcp',
        data: {
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          uptimeSeconds: Math.round(process.uptime()),
          streams: this.bus.size,
        },
      },
      { kind: 'global' },
    );
  }

  #stop() {
    clearTimeout(this.#timer);
    clearTimeout(this.#soonTimer);
    this.#soonTimer = undefined;
    this.#timer = undefined;
    this.#cursor = undefined;
    this.#failures = 0;
  }

  #fail(error: unknown) {
    this.#onerror(error instanceof Error ? error : new Error(String(error)));
  }
}
