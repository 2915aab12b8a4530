// Values too large for one DynamoDB item (400 KB), stored as chunk items and read back: the event log's large
// messages and the task store's large results. Writes go two chunks to a `BatchWriteItem`; reads 25 keys to a
// strongly consistent `BatchGetItem`. What DynamoDB leaves unprocessed (throttling) is sent again with
// exponential backoff, at most 8 times, then the call fails with a StoreUnavailableError (503); each call has
// the store deadline (`storeCall`).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../errors.js';
import { storeCall } from './client.js';
import type { Item } from './store.js';
import { TABLE } from './table.js';

/** Retries of what DynamoDB left unprocessed, before the call fails. */
const MAX_RETRIES = 8;

/** Waits before retry `round` (1, 2, …): 100 ms doubling, at most 1 s. */
const backoff = (round: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));

/**
 * Writes (or deletes) every request, 25 to a `BatchWriteItem` (or `perBatch`), retrying unprocessed items.
 *
 * @example
 * await batchWriteAll(db, 'mcp', keys.map((Key) => ({ DeleteRequest: { Key } })), 'event log write');
 */
export async function batchWriteAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  requests: Item[],
  what: string,
  perBatch = 25,
): Promise<void> {
  for (let i = 0; i < requests.length; i += perBatch) {
    let pending: Item[] | undefined = requests.slice(i, i + perBatch);
    for (let round = 0; pending?.length; round++) {
      if (round > MAX_RETRIES) {
        throw new StoreUnavailableError(`DynamoDB left ${what}s unprocessed after ${MAX_RETRIES} retries`);
      }
      if (round > 0) await backoff(round);
      const batch: Item[] = pending;
      const out = await storeCall(what, () =>
        db.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } })),
      );
      pending = out.UnprocessedItems?.[tableName] as Item[] | undefined;
    }
  }
}

/**
 * Stores `data` as chunk items of at most `chunkBytes` each, item `part` keyed by `keyOf(part)`, expiring at
 * `ttl` (epoch seconds); resolves how many parts were written.
 *
 * @example
 * const parts = await writeChunks(db, 'mcp', (part) => keys.chunk(sessionId, chunkId, part), data, 350_000, ttl, 'event chunk write');
 */
export async function writeChunks(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyOf: (part: number) => Item,
  data: Uint8Array,
  chunkBytes: number,
  ttl: number,
  what: string,
): Promise<number> {
  const puts: Item[] = [];
  for (let offset = 0, part = 0; offset < data.length; offset += chunkBytes, part++) {
    const slice = data.subarray(offset, offset + chunkBytes);
    puts.push({ PutRequest: { Item: { ...keyOf(part), data: slice, [TABLE.ttlAttribute]: ttl } } });
  }
  // Two chunks a batch keeps each request small and quick (a BatchWriteItem takes up to 16 MB).
  await batchWriteAll(db, tableName, puts, what, 2);
  return puts.length;
}

/**
 * Reads the chunk items `keys` names (strongly consistent) and joins their data in that order. A chunk that
 * is not there fails the read with a StoreUnavailableError saying which (`missing(sortKey)`).
 *
 * @example
 * const json = (await readChunks(db, 'mcp', wanted, 'event chunk read', (sk) => `chunk ${sk} is missing`)).toString('utf8');
 */
export async function readChunks(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: Item[],
  what: string,
  missing: (sortKey: string) => string,
): Promise<Buffer> {
  const found = new Map<string, Uint8Array>();
  for (let i = 0; i < keys.length; i += 25) {
    let pending: Item[] | undefined = keys.slice(i, i + 25);
    for (let round = 0; pending?.length; round++) {
      if (round > MAX_RETRIES) {
        throw new StoreUnavailableError(`DynamoDB left ${what}s unprocessed after ${MAX_RETRIES} retries`);
      }
      if (round > 0) await backoff(round);
      const batch: Item[] = pending;
      const out = await storeCall(what, () =>
        db.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }),
        ),
      );
      for (const chunk of out.Responses?.[tableName] ?? []) {
        found.set(chunk[TABLE.sortKey] as string, chunk.data as Uint8Array);
      }
      pending = out.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
    }
  }
  return Buffer.concat(
    keys.map((key) => {
      const sortKey = key[TABLE.sortKey] as string;
      const data = found.get(sortKey);
      if (!data) throw new StoreUnavailableError(missing(sortKey));
      return data;
    }),
  );
}
