// In-process fan-out of stored session events to the live SSE streams open on this instance. Every
// subscriber of a session receives every event of that session, in the order they were stored.
import type { StoredEvent } from '../stores/types.js';

/** A live listener for one session's events. */
export type SessionEventListener = (event: StoredEvent) => void;

interface Subscriber {
  listener: SessionEventListener;
  onEnd?: () => void;
}

/** Publishes stored events to the streams of their session that are open in this process. */
export class SessionEventHub {
  readonly #subscribers = new Map<string, Set<Subscriber>>();

  /**
   * Registers a listener for the session, and optionally what to do when the session ends; returns an
   * idempotent unsubscribe function.
   */
  subscribe(sessionId: string, listener: SessionEventListener, onEnd?: () => void): () => void {
    let set = this.#subscribers.get(sessionId);
    if (!set) {
      set = new Set();
      this.#subscribers.set(sessionId, set);
    }
    const subscriber: Subscriber = { listener, ...(onEnd && { onEnd }) };
    set.add(subscriber);
    return () => {
      const current = this.#subscribers.get(sessionId);
      if (!current) return;
      current.delete(subscriber);
      if (current.size === 0) this.#subscribers.delete(sessionId);
    };
  }

  /** How many live streams are subscribed on this instance, over all sessions. */
  subscriberCount(): number {
    let count = 0;
    for (const set of this.#subscribers.values()) count += set.size;
    return count;
  }

  /** The session is over (deleted): every subscriber's `onEnd` runs and all are dropped. */
  end(sessionId: string): void {
    const set = this.#subscribers.get(sessionId);
    this.#subscribers.delete(sessionId);
    for (const subscriber of set ?? []) subscriber.onEnd?.();
  }

  /** Delivers the event to every listener of its session; a throwing listener does not stop the others. */
  publish(sessionId: string, event: StoredEvent): void {
    const set = this.#subscribers.get(sessionId);
    if (!set) return;
    for (const { listener } of [...set]) {
      try {
        listener(event);
      } catch {
        // A listener that throws has broken its own stream; the others still get the event.
      }
    }
  }
}
