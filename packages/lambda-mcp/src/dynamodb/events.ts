// EventStore on the single table: one item per SSE event (`SESSION#<id>` / `EVENT#<seq>`). The event item is
// its own conditional counter: a writer puts `seq` only if no item has it, and tries `seq` only after seeing
// `seq - 1` exist (its own write, a lost race on it, or the log head), so writers on many instances leave
// no gaps and no duplicates, and a crash cannot leave a hole. Writers in one process queue per session.
// Events too large for one item are split into chunk items written before the event that names them.
import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { StoreItemTooLargeError, StoreUnavailableError } from '../errors.js';
import { type EventStore, eventId, type StoredEvent } from '../stores/types.js';
import { batchWriteAll, readChunks, writeChunks } from './chunks.js';
import { isConditionFailure, storeCall } from './client.js';
import { queryPages, sortKeyRange } from './query-pages.js';
import { DynamoStore, type DynamoStoreOptions, type Item } from './store.js';
import { EVENT_PREFIX, isExpired, keys, seqOfEventKey, TABLE, ttlOf } from './table.js';

/** Options of {@link DynamoEventStore}. */
export interface DynamoEventStoreOptions extends DynamoStoreOptions {
  /** How long events stay readable, in ms. Default 65 minutes (a default session's idle time, and then some). */
  retentionMs?: number;
  /** Largest event accepted, in bytes of JSON; larger ones are refused with a clear error. Default 6 MiB. */
  maxEventBytes?: number;
}

/** Bytes of message kept inline in an event item; DynamoDB items hold at most 400 KB. */
const INLINE_BYTES = 350_000;
/** How many sessions' log heads one instance remembers. */
const MAX_HEADS = 10_000;
/** Writes to one sequence number before giving up: only reachable under extreme contention. */
const MAX_ATTEMPTS = 64;

/** Session event logs in DynamoDB; see the module comment. */
export class DynamoEventStore extends DynamoStore implements EventStore {
  readonly #retentionMs: number;
  readonly #maxBytes: number;
  /** The last sequence number this instance knows to exist, per session. */
  readonly #heads = new Map<string, number>();
  /** Per-session queue of this instance's appends. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: DynamoEventStoreOptions) {
    super(options);
    this.#retentionMs = options.retentionMs ?? 65 * 60_000;
    this.#maxBytes = options.maxEventBytes ?? 6 * 1024 * 1024;
  }

  append(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<StoredEvent> {
    const previous = this.#queues.get(sessionId) ?? Promise.resolve();
    const next = previous.then(
      () => this.#append(sessionId, streamId, message),
      () => this.#append(sessionId, streamId, message),
    );
    this.#queues.set(sessionId, next);
    const cleanup = () => {
      if (this.#queues.get(sessionId) === next) this.#queues.delete(sessionId);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  async read(sessionId: string, streamId: string, afterSeq?: number) {
    if (afterSeq === undefined) return { events: [], lastSeq: await this.#head(sessionId) };
    const items = await this.#query(sessionId, afterSeq);
    let lastSeq = afterSeq;
    const events: StoredEvent[] = [];
    const now = this.now();
    for (const item of items) {
      const seq = seqOfEventKey(item[TABLE.sortKey] as string);
      lastSeq = Math.max(lastSeq, seq);
      if (item.stream !== streamId || isExpired(item, now)) continue;
      events.push({
        id: eventId(streamId, seq),
        streamId,
        seq,
        message: await this.#message(sessionId, item),
      });
    }
    return { events, lastSeq };
  }

  async deleteSession(sessionId: string): Promise<void> {
    const pk = keys.sessionPartition(sessionId);
    const doomed: Item[] = [];
    const listing = queryPages(this.db, 'event log listing', {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#pk, #sk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': pk },
    });
    for await (const { items } of listing) {
      for (const item of items) {
        const sk = item[TABLE.sortKey] as string;
        if (sk.startsWith(EVENT_PREFIX) || sk.startsWith('CHUNK#')) doomed.push(item);
      }
    }
    await batchWriteAll(
      this.db,
      this.tableName,
      doomed.map((Key) => ({ DeleteRequest: { Key } })),
      'event log delete',
    );
    this.#heads.delete(sessionId);
  }

  async #append(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<StoredEvent> {
    const json = JSON.stringify(message);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.#maxBytes) {
      throw new StoreItemTooLargeError(
        `An SSE event of ${bytes} bytes exceeds the event log's limit of ${this.#maxBytes} bytes; it was not stored`,
      );
    }
    const ttl = ttlOf(this.now() + this.#retentionMs);
    const body = bytes <= INLINE_BYTES ? { message: json } : await this.#writeChunks(sessionId, json, ttl);
    let seq = (this.#heads.get(sessionId) ?? (await this.#head(sessionId))) + 1;
    let lost: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        await storeCall('event append', () =>
          this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...keys.event(sessionId, seq), stream: streamId, ...body, [TABLE.ttlAttribute]: ttl },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            }),
          ),
        );
        this.#remember(sessionId, seq);
        return { id: eventId(streamId, seq), streamId, seq, message: JSON.parse(json) as JSONRPCMessage };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        lost = error;
        // `seq` exists, so `seq + 1` may be written; after a second loss, jump to the head instead.
        seq = attempt === 1 ? seq + 1 : (await this.#head(sessionId)) + 1;
      }
    }
    throw new StoreUnavailableError(`Event log of session ${sessionId} is too contended to append to`, {
      cause: lost,
    });
  }

  /** The highest sequence number stored for the session (expired or not), 0 for an empty log. */
  async #head(sessionId: string): Promise<number> {
    const { Items } = await storeCall('event log head', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
          ExpressionAttributeValues: { ':pk': keys.sessionPartition(sessionId), ':prefix': EVENT_PREFIX },
          ProjectionExpression: '#sk',
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const sk = Items?.[0]?.[TABLE.sortKey];
    const head = typeof sk === 'string' ? seqOfEventKey(sk) : 0;
    this.#remember(sessionId, head);
    return head;
  }

  /** Every event item after `afterSeq`, in order (all pages). */
  async #query(sessionId: string, afterSeq: number): Promise<Item[]> {
    const pk = keys.sessionPartition(sessionId);
    const from = keys.event(sessionId, afterSeq + 1).sk;
    const items: Item[] = [];
    const query = sortKeyRange(this.tableName, pk, from, `${EVENT_PREFIX}~`);
    for await (const page of queryPages(this.db, 'event log read', query)) items.push(...page.items);
    return items;
  }

  async #message(sessionId: string, item: Item): Promise<JSONRPCMessage> {
    if (typeof item.message === 'string') return JSON.parse(item.message) as JSONRPCMessage;
    const chunkId = item.chunks as string;
    const wanted = Array.from({ length: item.parts as number }, (_, part) =>
      keys.chunk(sessionId, chunkId, part),
    );
    const data = await readChunks(
      this.db,
      this.tableName,
      wanted,
      'event chunk read',
      (sortKey) => `Event chunk ${sortKey} of session ${sessionId} is missing`,
    );
    return JSON.parse(data.toString('utf8')) as JSONRPCMessage;
  }

  /** Stores a large message as chunk items; resolves the fields the event item carries instead of it. */
  async #writeChunks(sessionId: string, json: string, ttl: number) {
    const chunkId = randomUUID();
    const parts = await writeChunks(
      this.db,
      this.tableName,
      (part) => keys.chunk(sessionId, chunkId, part),
      Buffer.from(json, 'utf8'),
      INLINE_BYTES,
      ttl,
      'event chunk write',
    );
    return { chunks: chunkId, parts };
  }

  #remember(sessionId: string, seq: number): void {
    const known = this.#heads.get(sessionId) ?? 0;
    this.#heads.delete(sessionId);
    if (this.#heads.size >= MAX_HEADS) this.#heads.delete(this.#heads.keys().next().value as string);
    this.#heads.set(sessionId, Math.max(known, seq));
  }
}
