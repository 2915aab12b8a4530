// The versioned map both in-memory record stores (sessions, tasks) extend: private copies in and out, a
// create that refuses a live id, an update only at the expected version that bumps it, and expiry on read
// (a record is dropped once its `expiresAt` is reached), as the DynamoDB stores behave. Its memory is bounded
// by construction: an optional sweep timer drops expired records nobody reads, and an optional cap evicts the
// least recently written record (the Map keeps records in write order) to make room for a new one.
import { StoreConflictError } from '../errors.js';

/** What a versioned store keeps of every record: its id, optimistic-locking version and expiry (epoch ms). */
export interface VersionedRecord {
  id: string;
  version: number;
  expiresAt: number;
}

/** Bounds of a {@link VersionedMap}; both off by default. */
export interface VersionedMapLimits {
  /** Most records held; creating one more first evicts the least recently created or updated. */
  maxRecords?: number;
  /** Drop expired records every this many ms, on an `unref()`ed timer (stop it with `close()`). */
  sweepIntervalMs?: number;
  /** Called with the id of every record that leaves: deleted, expired or evicted. */
  onRemoved?: (id: string) => void;
}

/**
 * Records by id on an injectable clock, updated with patches of type `P`. `noun` names them in conflict
 * messages (`Session s-1 exists already`, `Task t-1 is at version 2, not 1`). A store adds what is its own:
 * {@link changes}, the fields a patch sets, and any further reads.
 */
export abstract class VersionedMap<R extends VersionedRecord, P> {
  protected readonly now: () => number;
  readonly #records = new Map<string, R>();
  readonly #noun: string;
  readonly #maxRecords: number;
  readonly #removed: Array<(id: string) => void> = [];
  #sweeper: NodeJS.Timeout | undefined;

  constructor(noun: string, now: () => number, limits: VersionedMapLimits = {}) {
    this.#noun = noun;
    this.now = now;
    const { maxRecords = Number.POSITIVE_INFINITY, sweepIntervalMs, onRemoved } = limits;
    if (!(maxRecords >= 1)) throw new RangeError(`maxRecords must be at least 1; got ${maxRecords}`);
    this.#maxRecords = maxRecords;
    if (onRemoved) this.#removed.push(onRemoved);
    if (sweepIntervalMs !== undefined) {
      if (!(sweepIntervalMs > 0))
        throw new RangeError(`sweepIntervalMs must be positive; got ${sweepIntervalMs}`);
      this.#sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
      this.#sweeper.unref();
    }
  }

  /** Records held, expired ones not yet swept included: what the map costs in memory. */
  get size(): number {
    return this.#records.size;
  }

  /** Drops every expired record now; answers how many went. The sweep timer calls it. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [id, record] of this.#records) {
      if (record.expiresAt <= now) {
        this.#remove(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Adds a listener for the id of every record that leaves (deleted, expired or evicted). */
  onRemoved(listener: (id: string) => void): void {
    this.#removed.push(listener);
  }

  /** Stops the sweep timer; the records stay readable. */
  close(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  /** Stores a copy of `record`; throws StoreConflictError while a live record has its id. */
  async create(record: R): Promise<void> {
    if (this.#live(record.id)) throw new StoreConflictError(`${this.#noun} ${record.id} exists already`);
    // Full: evict the least recently written records, first in the Map's write order (O(1) per record; with
    // one idle timeout for all, as sessions have, that is also the soonest to expire).
    for (const id of this.#records.keys()) {
      if (this.#records.size < this.#maxRecords) break;
      this.#remove(id);
    }
    this.#records.set(record.id, structuredClone(record));
  }

  /** A copy of the live record with this id. */
  async get(id: string): Promise<R | undefined> {
    const record = this.#live(id);
    return record && structuredClone(record);
  }

  /**
   * Applies `patch` when the stored version is `expectedVersion`, bumping it; resolves a copy of the new
   * record, or `undefined` when there is no live record. A stale version throws StoreConflictError with a
   * copy of the stored record; a patch {@link changes} refuses writes nothing.
   */
  async update(id: string, expectedVersion: number, patch: P): Promise<R | undefined> {
    const record = this.#live(id);
    if (!record) return undefined;
    if (record.version !== expectedVersion) {
      throw new StoreConflictError(
        `${this.#noun} ${id} is at version ${record.version}, not ${expectedVersion}`,
        structuredClone(record),
      );
    }
    const next: R = {
      ...record,
      ...structuredClone(this.changes(record, patch)),
      version: record.version + 1,
    };
    // Re-inserted, so the Map's order stays least recently written first (the eviction order).
    this.#records.delete(id);
    this.#records.set(id, next);
    return structuredClone(next);
  }

  /** Removes the record; answers whether a live one was there. */
  async delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    if (existed) this.#remove(id);
    return existed;
  }

  /** The fields `patch` sets on the stored record `current`; throws to refuse the patch. */
  protected abstract changes(current: Readonly<R>, patch: P): Partial<R>;

  /** Every live record, least recently written first: the stored objects themselves, to read, never to change. */
  protected live(): Readonly<R>[] {
    const found: R[] = [];
    for (const id of [...this.#records.keys()]) {
      const record = this.#live(id);
      if (record) found.push(record);
    }
    return found;
  }

  #live(id: string): R | undefined {
    const record = this.#records.get(id);
    if (record && record.expiresAt <= this.now()) {
      this.#remove(id);
      return undefined;
    }
    return record;
  }

  #remove(id: string): void {
    if (!this.#records.delete(id)) return;
    for (const listener of this.#removed) listener(id);
  }
}
