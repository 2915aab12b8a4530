// The log levels of the sessions that have a GET stream open on this instance, so published log messages
// on those streams follow `logging/setLevel` at once, without a store read per event.
import type { LoggingLevel } from '@modelcontextprotocol/server';

/** One session's entry: its current level and how many of its streams are open here. */
export interface StreamLevel {
  level: LoggingLevel | undefined;
  streams: number;
}

/** Levels by session id, kept while at least one of the session's streams is open. */
export class StreamLevels {
  readonly #levels = new Map<string, StreamLevel>();

  /** Counts a new stream of the session; the returned `release` (idempotent) uncounts it. */
  open(sessionId: string, level: LoggingLevel | undefined): { entry: StreamLevel; release: () => void } {
    const entry = this.#levels.get(sessionId) ?? { level, streams: 0 };
    entry.streams++;
    this.#levels.set(sessionId, entry);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (--entry.streams === 0 && this.#levels.get(sessionId) === entry) this.#levels.delete(sessionId);
    };
    return { entry, release };
  }

  /** Records a level this instance just stored, for the session's open streams (if any). */
  set(sessionId: string, level: LoggingLevel | undefined): void {
    const entry = this.#levels.get(sessionId);
    if (entry) entry.level = level;
  }
}
