// In-memory TaskStore: the embedded default for local runs and unit tests. It behaves like the DynamoDB
// store (copies in and out, conditional create, versioned update, lifecycle checks, expiry on read) so that
// both pass one contract suite. State lives in this process only: share one instance to share it.
import { StoreConflictError } from '../errors.js';
import { assertTaskTransition, type TaskPatch, type TaskRecord, type TaskStore } from './types.js';

/** Tasks in a Map. `now` is injectable so tests can move time. */
export class MemoryTaskStore implements TaskStore {
  readonly #tasks = new Map<string, TaskRecord>();
  constructor(private readonly now: () => number = Date.now) {}

  async create(record: TaskRecord): Promise<void> {
    if (this.#live(record.id)) throw new StoreConflictError(`Task ${record.id} exists already`);
    this.#tasks.set(record.id, structuredClone(record));
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const record = this.#live(id);
    return record && structuredClone(record);
  }

  async update(id: string, expectedVersion: number, patch: TaskPatch): Promise<TaskRecord | undefined> {
    const record = this.#live(id);
    if (!record) return undefined;
    if (record.version !== expectedVersion) {
      throw new StoreConflictError(
        `Task ${id} is at version ${record.version}, not ${expectedVersion}`,
        structuredClone(record),
      );
    }
    assertTaskTransition(record.status, patch.status ?? record.status);
    // Like the DynamoDB store: an `undefined` field leaves the stored value as it is.
    const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const next: TaskRecord = {
      ...record,
      ...structuredClone(changes),
      updatedAt: patch.updatedAt ?? this.now(),
      version: record.version + 1,
    };
    this.#tasks.set(id, next);
    return structuredClone(next);
  }

  async delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    this.#tasks.delete(id);
    return existed;
  }

  #live(id: string): TaskRecord | undefined {
    const record = this.#tasks.get(id);
    if (record && record.expiresAt <= this.now()) {
      this.#tasks.delete(id);
      return undefined;
    }
    return record;
  }
}
