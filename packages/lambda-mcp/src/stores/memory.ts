// In-memory stores: the embedded default for local runs and unit tests. Each behaves like its DynamoDB
// counterpart (copies in and out, conditional create, versioned update, expiry on read) so that both pass
// one contract suite. State lives in this process only: share one instance between handlers to share it.
// Bounded by construction: the session store sweeps expired sessions on an `unref()`ed timer and holds at
// most `maxSessions` (the least recently active goes first); an event store linked to it drops a session's
// log as the session leaves, however it leaves (deleted, expired, swept or evicted).
import type { JSONRPCMessage, JSONRPCResponse } from '@modelcontextprotocol/server';
import { InvalidCursorError } from '../errors.js';
import {
  activityKey,
  decodeCursor,
  type EventStore,
  encodeCursor,
  eventId,
  type ResponseMailbox,
  type SessionPage,
  type SessionPatch,
  type SessionRecord,
  type SessionStore,
  type StoredEvent,
  summarize,
} from './types.js';
import { VersionedMap } from './versioned-map.js';

/** Default {@link MemorySessionStoreOptions.maxSessions}. */
export const DEFAULT_MEMORY_MAX_SESSIONS = 10_000;
/** Default {@link MemorySessionStoreOptions.sweepIntervalMs}. */
export const DEFAULT_MEMORY_SWEEP_MS = 60_000;

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** The clock, injectable so tests can move time. Default `Date.now`. */
  now?: () => number;
  /**
   * Most sessions held (`MEMORY_MAX_SESSIONS`); creating one more first evicts the least recently active
   * session (its event log too, when linked). Default 10000.
   */
  maxSessions?: number;
  /** How often expired sessions are dropped without anyone reading them, in ms. Default 60000. */
  sweepIntervalMs?: number;
}

/**
 * Sessions in a versioned map, swept and capped (see {@link MemorySessionStoreOptions}). The sweep timer is
 * `unref()`ed, so it never keeps a process alive; `close()` stops it.
 */
export class MemorySessionStore extends VersionedMap<SessionRecord, SessionPatch> implements SessionStore {
  constructor(options: MemorySessionStoreOptions | (() => number) = {}) {
    const o = typeof options === 'function' ? { now: options } : options;
    super('Session', o.now ?? Date.now, {
      maxRecords: o.maxSessions ?? DEFAULT_MEMORY_MAX_SESSIONS,
      sweepIntervalMs: o.sweepIntervalMs ?? DEFAULT_MEMORY_SWEEP_MS,
    });
  }

  async list(options: { limit: number; cursor?: string }): Promise<SessionPage> {
    const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    if (options.cursor !== undefined && before === undefined) throw new InvalidCursorError();
    const ordered = this.live()
      .map((record) => ({ key: activityKey(record.lastActiveAt, record.id), record }))
      .filter(({ key }) => before === undefined || key < before)
      .sort((a, b) => (a.key < b.key ? 1 : -1));
    const page = ordered.slice(0, options.limit);
    const last = page.at(-1);
    return {
      sessions: page.map(({ record }) => summarize(record)),
      ...(ordered.length > options.limit && last && { nextCursor: encodeCursor(last.key) }),
    };
  }

  protected changes(_current: Readonly<SessionRecord>, patch: SessionPatch): SessionPatch {
    return patch;
  }
}

/**
 * Each session's event log as an array; sequence numbers are contiguous from 1. Given `sessions`, a log is
 * dropped as its session leaves that store (deleted, expired, swept or evicted), so expired sessions' logs
 * never pile up; unlinked, a log goes only with {@link deleteSession}.
 */
export class MemoryEventStore implements EventStore {
  readonly #logs = new Map<string, StoredEvent[]>();

  constructor(options: { sessions?: MemorySessionStore } = {}) {
    options.sessions?.onRemoved((sessionId) => this.#logs.delete(sessionId));
  }

  /** Logs and events held, for tests and diagnostics. */
  get stats(): { sessions: number; events: number } {
    let events = 0;
    for (const log of this.#logs.values()) events += log.length;
    return { sessions: this.#logs.size, events };
  }

  async append(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<StoredEvent> {
    let log = this.#logs.get(sessionId);
    if (!log) {
      log = [];
      this.#logs.set(sessionId, log);
    }
    const seq = log.length + 1;
    const event: StoredEvent = {
      id: eventId(streamId, seq),
      streamId,
      seq,
      message: structuredClone(message),
    };
    log.push(event);
    return structuredClone(event);
  }

  async read(sessionId: string, streamId: string, afterSeq?: number) {
    const log = this.#logs.get(sessionId) ?? [];
    const lastSeq = log.length;
    if (afterSeq === undefined) return { events: [], lastSeq };
    const events = log.slice(afterSeq).filter((event) => event.streamId === streamId);
    return { events: structuredClone(events), lastSeq };
  }

  async deleteSession(sessionId: string): Promise<void> {
    this.#logs.delete(sessionId);
  }
}

interface Waiter {
  resolve: (response: JSONRPCResponse) => void;
}

/**
 * Hands client answers to waiters in this process. An answer that arrives before anyone waits is kept for
 * `keepMs`, so a waiter that subscribes late still gets it.
 */
export class MemoryResponseMailbox implements ResponseMailbox {
  readonly #waiters = new Map<string, Waiter>();
  readonly #kept = new Map<string, { response: JSONRPCResponse; timer: NodeJS.Timeout }>();
  constructor(private readonly keepMs = 600_000) {}

  async deliver(sessionId: string, response: JSONRPCResponse): Promise<void> {
    const key = `${sessionId}\0${String(response.id)}`;
    const waiter = this.#waiters.get(key);
    if (waiter) {
      this.#waiters.delete(key);
      waiter.resolve(structuredClone(response));
      return;
    }
    const timer = setTimeout(() => this.#kept.delete(key), this.keepMs);
    timer.unref();
    const previous = this.#kept.get(key);
    if (previous) clearTimeout(previous.timer);
    this.#kept.set(key, { response: structuredClone(response), timer });
  }

  receive(sessionId: string, requestId: string, signal: AbortSignal): Promise<JSONRPCResponse> {
    const key = `${sessionId}\0${requestId}`;
    const kept = this.#kept.get(key);
    if (kept) {
      this.#kept.delete(key);
      clearTimeout(kept.timer);
      return Promise.resolve(kept.response);
    }
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#waiters.delete(key);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.set(key, {
        resolve: (response) => {
          signal.removeEventListener('abort', onAbort);
          resolve(response);
        },
      });
    });
  }
}
