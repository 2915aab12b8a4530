// The in-process broadcast bus: every event published on this instance (by the app, or read from the global
// log by the instance's poller) goes to every open stream entitled to it, synchronously and in publish order.
// Each subscriber owns a bounded queue (its stream's buffer): the bus never waits for a subscriber, and one
// whose backlog reaches its capacity is dropped with `onOverflow`, so a slow reader neither delays the others
// nor grows memory without bound. A dropped stream closes; its client resumes with `Last-Event-ID`.
import type { BusEvent, McpEvent } from './model.js';

/** One subscriber of the {@link BroadcastBus}. */
export interface BusSubscriber {
  /** Events of this session reach the subscriber besides global ones; without it, global events only. */
  sessionId?: string;
  /** Extra filter on the events it is entitled to. */
  filter?: (event: McpEvent) => boolean;
  /** Takes one event; must not block or throw (a throw drops the subscriber). */
  deliver: (event: BusEvent) => void;
  /** Events delivered but not yet consumed; with {@link capacity}, bounds the subscriber's queue. */
  backlog?: () => number;
  /** Backlog at which the subscriber is dropped instead of fed. Default: no bound. */
  capacity?: number;
  /** Called once when the bus drops the subscriber (overflow or a throwing `deliver`). */
  onOverflow?: () => void;
}

/** Counters of a bus, for diagnostics and the benchmark. */
export interface BroadcastStats {
  subscribers: number;
  published: number;
  delivered: number;
  dropped: number;
}

/** See the module comment. */
export class BroadcastBus {
  readonly #subscribers = new Set<BusSubscriber>();
  readonly #onChange: ((subscribers: number) => void) | undefined;
  #published = 0;
  #delivered = 0;
  #dropped = 0;

  /** @param onChange called with the new subscriber count whenever it changes (starts and stops pollers). */
  constructor(onChange?: (subscribers: number) => void) {
    this.#onChange = onChange;
  }

  /** Adds a subscriber; returns an idempotent unsubscribe function. */
  subscribe(subscriber: BusSubscriber): () => void {
    this.#subscribers.add(subscriber);
    this.#onChange?.(this.#subscribers.size);
    return () => this.#remove(subscriber);
  }

  /** Delivers the event to every subscriber entitled to it, in subscription order. */
  publish(item: BusEvent): void {
    this.#published++;
    const { scope } = item.event;
    for (const subscriber of [...this.#subscribers]) {
      if (scope.kind === 'session' && subscriber.sessionId !== scope.sessionId) continue;
      if (subscriber.filter && !subscriber.filter(item.event)) continue;
      if (subscriber.capacity !== undefined && (subscriber.backlog?.() ?? 0) >= subscriber.capacity) {
        this.#drop(subscriber);
        continue;
      }
      try {
        subscriber.deliver(item);
        this.#delivered++;
      } catch {
        this.#drop(subscriber);
      }
    }
  }

  /** How many subscribers are open. */
  get size(): number {
    return this.#subscribers.size;
  }

  stats(): BroadcastStats {
    return {
      subscribers: this.#subscribers.size,
      published: this.#published,
      delivered: this.#delivered,
      dropped: this.#dropped,
    };
  }

  #drop(subscriber: BusSubscriber) {
    if (!this.#remove(subscriber)) return;
    this.#dropped++;
    try {
      subscriber.onOverflow?.();
    } catch {
      // Its stream is being torn down anyway.
    }
  }

  #remove(subscriber: BusSubscriber): boolean {
    const removed = this.#subscribers.delete(subscriber);
    if (removed) this.#onChange?.(this.#subscribers.size);
    return removed;
  }
}
