// TaskStore on the single table: one item per task (`TASK#<id>` / `META`) with a `ttl`, its result, error,
// call and input maps kept as JSON text. Create is a conditional put; update is one conditional write that
// checks the version, expiry and the lifecycle (only a non-terminal task is written) and returns the stored
// item on failure (ALL_OLD, or one read when the backend returns none). Reads are strongly consistent and
// skip expired items. A result too large for the item goes into chunk items (`TASK#<id>` / `CHUNK#…`),
// written before the item that names them, as the event store chunks large events; a read fetches them.
import { randomUUID } from 'node:crypto';
import { StoreConflictError, StoreItemTooLargeError } from '../errors.js';
import {
  assertTaskTransition,
  canTransitionTask,
  TASK_STATUSES,
  type TaskPatch,
  type TaskRecord,
  type TaskStore,
} from '../tasks/types.js';
import { readChunks, writeChunks } from './chunks.js';
import type { VersionedUpdateResult } from './client.js';
import { DynamoRecordStore } from './record-store.js';
import type { DynamoStoreOptions, Item } from './store.js';
import { keys, TABLE, ttlOf } from './table.js';

/** Options of {@link DynamoTaskStore}. */
export type DynamoTaskStoreOptions = DynamoStoreOptions;

/** Bytes of payload (JSON fields, status message) one task item holds; DynamoDB items hold at most 400 KB. */
const MAX_PAYLOAD_BYTES = 350_000;
/** A result larger than this goes into chunk items of this size. */
const INLINE_RESULT_BYTES = 300_000;
/** The largest result stored, in chunks. */
const MAX_RESULT_BYTES = 8 * 1024 * 1024;
/** How long chunk items are kept when the patch sets no expiry (the task item's expiry rules reads). */
const CHUNK_RETENTION_MS = 30 * 24 * 3_600_000;
/** Where the chunks of a record's result are, until {@link DynamoTaskStore} has read them. */
const chunkRefs = new WeakMap<TaskRecord, { id: string; parts: number }>();

/** A write DynamoDB refused: the condition failure and, when it sent one, the stored item. */
type Refusal = Extract<VersionedUpdateResult, { written: false }>;

/** Tasks in DynamoDB; see the module comment. */
export class DynamoTaskStore extends DynamoRecordStore<TaskRecord> implements TaskStore {
  constructor(options: DynamoTaskStoreOptions) {
    super(options, { noun: 'Task', key: keys.task, fromItem });
  }

  async create(record: TaskRecord): Promise<void> {
    const item = toItem(record);
    await this.#chunkResult(record.id, item, record.expiresAt);
    checkSize(record.id, item);
    await this.insert(record.id, item);
  }

  override async get(id: string): Promise<TaskRecord | undefined> {
    const record = await super.get(id);
    return record && (await this.#withResult(record));
  }

  async update(id: string, expectedVersion: number, patch: TaskPatch): Promise<TaskRecord | undefined> {
    const patched = patchFields(patch);
    await this.#chunkResult(id, patched, patch.expiresAt);
    checkSize(id, patched);
    // The statuses this patch may be applied to, from the one lifecycle rule; the condition checks them.
    const from = TASK_STATUSES.filter((status) => canTransitionTask(status, patch.status ?? status));
    if (from.length === 0) return this.#refuse(id, expectedVersion, patch, undefined);

    const now = this.now();
    const fields: Item = { ...patched };
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
    if (outcome.written) {
      const written = this.live(outcome.item);
      return written && (await this.#withResult(written));
    }
    return this.#refuse(id, expectedVersion, patch, outcome);
  }

  /** Moves a result too large for the item into chunk items, leaving their reference in `item`. */
  async #chunkResult(id: string, item: Item, expiresAt: number | undefined): Promise<void> {
    const text = item.result;
    if (typeof text !== 'string' || Buffer.byteLength(text) <= INLINE_RESULT_BYTES) return;
    const data = Buffer.from(text, 'utf8');
    if (data.length > MAX_RESULT_BYTES) {
      throw new StoreItemTooLargeError(
        `Task ${id}: a result of ${data.length} bytes exceeds the DynamoDB task store's limit of ${MAX_RESULT_BYTES} bytes; nothing was stored`,
      );
    }
    const chunkId = randomUUID();
    const parts = await writeChunks(
      this.db,
      this.tableName,
      (part) => keys.taskChunk(id, chunkId, part),
      data,
      INLINE_RESULT_BYTES,
      ttlOf(expiresAt ?? this.now() + CHUNK_RETENTION_MS),
      'task result write',
    );
    delete item.result;
    item.resultChunks = JSON.stringify({ id: chunkId, parts });
  }

  /** The record with its chunked result read back (strongly consistent), when it has one. */
  async #withResult(record: TaskRecord): Promise<TaskRecord> {
    const ref = chunkRefs.get(record);
    if (!ref) return record;
    const wanted = Array.from({ length: ref.parts }, (_, part) => keys.taskChunk(record.id, ref.id, part));
    const data = await readChunks(
      this.db,
      this.tableName,
      wanted,
      'task result read',
      (sortKey) => `Task result chunk ${sortKey} of task ${record.id} is missing`,
    );
    return { ...record, result: JSON.parse(data.toString('utf8')) };
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

/** Fields stored as JSON text, so any JSON value (numbers, keys, nesting) round-trips exactly. */
const JSON_FIELDS = ['result', 'error', 'call', 'inputRequests', 'inputResponses', 'inputKeys'] as const;
/** Fields stored as they are (strings, numbers, booleans). */
const PLAIN_FIELDS = [
  'status',
  'statusMessage',
  'requestState',
  'cancelRequested',
  'runId',
  'claimedRunId',
  'heartbeatAt',
  'leaseMs',
] as const;

/** A JSON value as stored: JSON text. */
function jsonText(value: unknown): string {
  const text: string | undefined = JSON.stringify(value);
  // A function or symbol would vanish without a trace: refuse it instead.
  if (text === undefined) throw new TypeError('A task result must be a JSON value');
  return text;
}

/** The attributes a patch sets (fields left `undefined` are not written). */
function patchFields(patch: Partial<TaskRecord>): Item {
  const fields: Item = {};
  for (const name of JSON_FIELDS) if (patch[name] !== undefined) fields[name] = jsonText(patch[name]);
  for (const name of PLAIN_FIELDS) if (patch[name] !== undefined) fields[name] = patch[name];
  return fields;
}

/** Refuses a task whose payload (JSON fields, status message) would not fit in one item, before anything is written. */
function checkSize(id: string, item: Item): void {
  let bytes = 0;
  for (const name of [...JSON_FIELDS, 'statusMessage', 'requestState']) {
    const value = item[name];
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
  }
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new StoreItemTooLargeError(
      `Task ${id}: a result and status message of ${bytes} bytes exceed the DynamoDB task store's limit of ${MAX_PAYLOAD_BYTES} bytes; nothing was stored`,
    );
  }
}

function toItem(record: TaskRecord): Item {
  const item: Item = {
    ...keys.task(record.id),
    id: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: record.expiresAt,
    version: record.version,
    [TABLE.ttlAttribute]: ttlOf(record.expiresAt),
    ...patchFields(record),
  };
  if (record.owner !== undefined) item.owner = record.owner;
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
  const fields = record as unknown as Record<string, unknown>;
  for (const name of PLAIN_FIELDS) if (item[name] !== undefined) fields[name] = item[name];
  for (const name of JSON_FIELDS)
    if (item[name] !== undefined) fields[name] = JSON.parse(item[name] as string);
  if (item.owner !== undefined) record.owner = item.owner as string;
  if (item.pollIntervalMs !== undefined) record.pollIntervalMs = item.pollIntervalMs as number;
  if (typeof item.resultChunks === 'string') chunkRefs.set(record, JSON.parse(item.resultChunks));
  return record;
}
