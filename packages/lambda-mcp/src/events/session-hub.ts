// In-process fan-out of stored session events to the live SSE streams open on this instance. Every
// subscriber of a session receives every event of that session, in the order they were stored.
import type { StoredEvent } from '../stores/types.js';

/** A live listener for one session's events. */
export type SessionEventListener = (event: StoredEvent) => void;

/** Publishes stored events to the streams of their session that are open in this process. */
export class SessionEventHub {
  readonly #listeners = new Map<string, Set<SessionEventListener>>();

  /** Registers a listener for the session; returns an idempotent unsubscribe function. */
  subscribe(sessionId: string, listener: SessionEventListener): () => void {
    let set = this.#listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.#listeners.set(sessionId, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(sessionId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(sessionId);
    };
  }

  /** Delivers the event to every listener of its session; a throwing listener does not stop the others. */
  publish(sessionId: string, event: StoredEvent): void {
    const set = this.#listeners.get(sessionId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        // A listener that throws has broken its own stream; the others still get the event.
      }
    }
  }

  /** How many listeners the session has in this process. */
  listenerCount(sessionId: string): number {
    return this.#listeners.get(sessionId)?.size ?? 0;
  }
}
