// TaskStore on the single table: one item per task (`TASK#<id>` / `META`) with a `ttl`, its result kept as
// JSON text. Create is a conditional put; update is one conditional write that checks the version, expiry
// and the lifecycle (only a non-terminal task is written) and returns the stored item on failure (ALL_OLD,
// or one read when the backend returns none). Reads are strongly consistent and skip expired items.
import { StoreConflictError, StoreItemTooLargeError } from '../errors.js';
import {
  assertTaskTransition,
  canTransitionTask,
  TASK_STATUSES,
  type TaskPatch,
  type TaskRecord,
  type TaskStore,
} from '../tasks/types.js';
import type { VersionedUpdateResult } from './client.js';
import { DynamoRecordStore } from './record-store.js';
import type { DynamoStoreOptions, Item } from './store.js';
import { keys, TABLE, ttlOf } from './table.js';

/** Options of {@link DynamoTaskStore}. */
export type DynamoTaskStoreOptions = DynamoStoreOptions;

/** Bytes of result and status message one task item holds; DynamoDB items hold at most 400 KB. */
const MAX_PAYLOAD_BYTES = 350_000;

/** A write DynamoDB refused: the condition failure and, when it sent one, the stored item. */
type Refusal = Extract<VersionedUpdateResult, { written: false }>;

/** Tasks in DynamoDB; see the module comment. */
export class DynamoTaskStore extends DynamoRecordStore<TaskRecord> implements TaskStore {
  constructor(options: DynamoTaskStoreOptions) {
    super(options, { noun: 'Task', key: keys.task, fromItem });
  }

  async create(record: TaskRecord): Promise<void> {
    const result = resultText(record.result);
    checkSize(record.id, result, record.statusMessage);
    await this.insert(record.id, toItem(record, result));
  }

  async update(id: string, expectedVersion: number, patch: TaskPatch): Promise<TaskRecord | undefined> {
    const result = resultText(patch.result);
    checkSize(id, result, patch.statusMessage);
    // The statuses this patch may be applied to, from the one lifecycle rule; the condition checks them.
    const from = TASK_STATUSES.filter((status) => canTransitionTask(status, patch.status ?? status));
    if (from.length === 0) return this.#refuse(id, expectedVersion, patch, undefined);

    const now = this.now();
    const fields: Item = {};
    if (patch.status !== undefined) fields.status = patch.status;
    if (patch.statusMessage !== undefined) fields.statusMessage = patch.statusMessage;
    if (result !== undefined) fields.result = result;
    fields.updatedAt = patch.updatedAt ?? now;
    if (patch.expiresAt !== undefined) {
      fields.expiresAt = patch.expiresAt;
      fields[TABLE.ttlAttribute] = ttlOf(patch.expiresAt);
    }
    const allowed: Item = {};
    from.forEach((status, i) => {
      allowed[`:from${i}`] = status;
    });
    const outcome = await this.write(id, {
      expectedVersion,
      now,
      fields,
      extraCondition: {
        expression: `#status IN (${Object.keys(allowed).join(', ')})`,
        names: { '#status': 'status' },
        values: allowed,
      },
    });
    if (outcome.written) return this.live(outcome.item);
    return this.#refuse(id, expectedVersion, patch, outcome);
  }

  /**
   * Explains an update that was not written (refused by DynamoDB, or not attempted when no status allows
   * the patch), from the stored record: gone, another version, or a lifecycle break.
   */
  async #refuse(
    id: string,
    expectedVersion: number,
    patch: TaskPatch,
    refusal: Refusal | undefined,
  ): Promise<undefined> {
    const current = await this.current(id, refusal?.stored);
    if (!current) return undefined;
    const options = refusal && { cause: refusal.failure };
    if (current.version !== expectedVersion) throw this.staleVersion(id, current, expectedVersion, options);
    assertTaskTransition(current.status, patch.status ?? current.status, options);
    // The condition failed yet the item now passes it: it changed between the write and the read.
    throw new StoreConflictError(`Task ${id} changed during the update`, current, options);
  }
}

/** The result as stored: JSON text, so any JSON value (numbers, keys, nesting) round-trips exactly. */
function resultText(result: unknown): string | undefined {
  if (result === undefined) return undefined;
  const text: string | undefined = JSON.stringify(result);
  // A function or symbol would vanish without a trace: refuse it instead.
  if (text === undefined) throw new TypeError('A task result must be a JSON value');
  return text;
}

/** Refuses a task whose result and status message would not fit in one item, before anything is written. */
function checkSize(id: string, result: string | undefined, statusMessage: string | undefined): void {
  const bytes = Buffer.byteLength(result ?? '') + Buffer.byteLength(statusMessage ?? '');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new StoreItemTooLargeError(
      `Task ${id}: a result and status message of ${bytes} bytes exceed the DynamoDB task store's limit of ${MAX_PAYLOAD_BYTES} bytes; nothing was stored`,
    );
  }
}

function toItem(record: TaskRecord, result: string | undefined): Item {
  const item: Item = {
    ...keys.task(record.id),
    id: record.id,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: record.expiresAt,
    version: record.version,
    [TABLE.ttlAttribute]: ttlOf(record.expiresAt),
  };
  if (record.owner !== undefined) item.owner = record.owner;
  if (record.statusMessage !== undefined) item.statusMessage = record.statusMessage;
  if (result !== undefined) item.result = result;
  if (record.pollIntervalMs !== undefined) item.pollIntervalMs = record.pollIntervalMs;
  return item;
}

function fromItem(item: Item): TaskRecord {
  const record: TaskRecord = {
    id: item.id as string,
    status: item.status as TaskRecord['status'],
    createdAt: item.createdAt as number,
    updatedAt: item.updatedAt as number,
    expiresAt: item.expiresAt as number,
    version: item.version as number,
  };
  if (item.owner !== undefined) record.owner = item.owner as string;
  if (item.statusMessage !== undefined) record.statusMessage = item.statusMessage as string;
  if (item.result !== undefined) record.result = JSON.parse(item.result as string);
  if (item.pollIntervalMs !== undefined) record.pollIntervalMs = item.pollIntervalMs as number;
  return record;
}
