// The versioned map both in-memory record stores (sessions, tasks) extend: private copies in and out, a
// create that refuses a live id, an update only at the expected version that bumps it, and expiry on read
// (a record is dropped once its `expiresAt` is reached), as the DynamoDB stores behave.
import { StoreConflictError } from '../errors.js';

/** What a versioned store keeps of every record: its id, optimistic-locking version and expiry (epoch ms). */
export interface VersionedRecord {
  id: string;
  version: number;
  expiresAt: number;
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

  constructor(noun: string, now: () => number) {
    this.#noun = noun;
    this.now = now;
  }

  /** Stores a copy of `record`; throws StoreConflictError while a live record has its id. */
  async create(record: R): Promise<void> {
    if (this.#live(record.id)) throw new StoreConflictError(`${this.#noun} ${record.id} exists already`);
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
    this.#records.set(id, next);
    return structuredClone(next);
  }

  /** Removes the record; answers whether a live one was there. */
  async delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    this.#records.delete(id);
    return existed;
  }

  /** The fields `patch` sets on the stored record `current`; throws to refuse the patch. */
  protected abstract changes(current: Readonly<R>, patch: P): Partial<R>;

  /** Every live record in insertion order: the stored objects themselves, to read and never to change. */
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
      this.#records.delete(id);
      return undefined;
    }
    return record;
  }
}
