// SessionStore on the single table: one item per session (`SESSION#<id>` / `META`). Create is a conditional
// put; update is a versioned conditional update that returns the stored record on a lost race
// (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so the caller retries without a second read. Reads are
// strongly consistent (a session created on one instance is visible on the next) and skip expired items.
import { InvalidCursorError } from '../errors.js';
import {
  decodeCursor,
  encodeCursor,
  type SessionPage,
  type SessionPatch,
  type SessionRecord,
  type SessionStore,
  type SessionSummary,
  summarize,
} from '../stores/types.js';
import { queryPages } from './query-pages.js';
import { DynamoRecordStore } from './record-store.js';
import type { DynamoStoreOptions, Item } from './store.js';
import { isExpired, keys, sessionIndexKeys, sessionShardKey, TABLE, ttlOf } from './table.js';

/** Options of {@link DynamoSessionStore}. */
export type DynamoSessionStoreOptions = DynamoStoreOptions;

/** Sessions in DynamoDB; see the module comment. */
export class DynamoSessionStore extends DynamoRecordStore<SessionRecord> implements SessionStore {
  constructor(options: DynamoSessionStoreOptions) {
    super(options, { noun: 'Session', key: keys.session, fromItem });
  }

  async create(record: SessionRecord): Promise<void> {
    await this.insert(record.id, toItem(record));
  }

  async update(id: string, expectedVersion: number, patch: SessionPatch): Promise<SessionRecord | undefined> {
    const fields: Item = {};
    for (const [name, value] of Object.entries(patch)) if (value !== undefined) fields[name] = value;
    if (patch.expiresAt !== undefined) fields[TABLE.ttlAttribute] = ttlOf(patch.expiresAt);
    if (patch.lastActiveAt !== undefined) {
      const sortKey = TABLE.sessionIndex.sortKey;
      fields[sortKey] = sessionIndexKeys(id, patch.lastActiveAt)[sortKey];
    }
    const outcome = await this.write(id, { expectedVersion, now: this.now(), fields });
    if (outcome.written) return this.live(outcome.item);
    // The winner's record came with the failure on DynamoDB; emulators that send none cost one read.
    const current = await this.current(id, outcome.stored);
    if (!current) return undefined;
    throw this.staleVersion(id, current, expectedVersion, { cause: outcome.failure });
  }

  async list(options: { limit: number; cursor?: string }): Promise<SessionPage> {
    const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    if (options.cursor !== undefined && before === undefined) throw new InvalidCursorError();
    const ix = TABLE.sessionIndex;
    const now = this.now();
    // Each shard holds a slice of the sessions in activity order: take up to `limit` live ones from each,
    // merge, keep the newest `limit`. One Query per shard per page (more only when expired items crowd it).
    const perShard = await Promise.all(
      Array.from({ length: ix.shards }, async (_, shard) => {
        const found: Item[] = [];
        let more = false;
        const pages = queryPages(this.db, 'session listing', {
          TableName: this.tableName,
          IndexName: ix.name,
          KeyConditionExpression: before ? '#ipk = :shard AND #isk < :before' : '#ipk = :shard',
          ExpressionAttributeNames: { '#ipk': ix.partitionKey, ...(before && { '#isk': ix.sortKey }) },
          ExpressionAttributeValues: {
            ':shard': sessionShardKey(shard),
            ...(before && { ':before': before }),
          },
          ScanIndexForward: false,
          Limit: options.limit + 1,
        });
        for await (const page of pages) {
          for (const item of page.items) {
            if ((item.expiresAt as number) > now && !isExpired(item, now)) found.push(item);
          }
          more = found.length > options.limit || page.more;
          if (found.length > options.limit) break;
        }
        return { found, more };
      }),
    );
    const merged = perShard
      .flatMap((shard) => shard.found)
      .sort((a, b) => ((a[ix.sortKey] as string) < (b[ix.sortKey] as string) ? 1 : -1));
    const page = merged.slice(0, options.limit);
    const hasMore = merged.length > options.limit || perShard.some((shard) => shard.more);
    const last = page.at(-1);
    return {
      sessions: page.map(summaryOf),
      ...(hasMore && last && { nextCursor: encodeCursor(last[ix.sortKey] as string) }),
    };
  }
}

function toItem(record: SessionRecord): Item {
  return {
    ...keys.session(record.id),
    ...sessionIndexKeys(record.id, record.lastActiveAt),
    id: record.id,
    protocolVersion: record.protocolVersion,
    // Stored as JSON text: the client's params round-trip exactly, whatever numbers or keys they hold.
    initializeParams: JSON.stringify(record.initializeParams),
    clientInfo: summarize(record).clientInfo,
    logLevel: record.logLevel,
    subscriptions: record.subscriptions,
    principal: record.principal,
    createdAt: record.createdAt,
    lastActiveAt: record.lastActiveAt,
    expiresAt: record.expiresAt,
    version: record.version,
    [TABLE.ttlAttribute]: ttlOf(record.expiresAt),
  };
}

/** A listing entry from the index's projected attributes. */
function summaryOf(item: Item): SessionSummary {
  const summary: SessionSummary = {
    id: item.id as string,
    protocolVersion: item.protocolVersion as string,
    clientInfo: item.clientInfo as SessionSummary['clientInfo'],
    createdAt: item.createdAt as number,
    lastActiveAt: item.lastActiveAt as number,
    expiresAt: item.expiresAt as number,
  };
  if (item.principal !== undefined) summary.principal = item.principal as string;
  return summary;
}

function fromItem(item: Item): SessionRecord {
  const record: SessionRecord = {
    id: item.id as string,
    protocolVersion: item.protocolVersion as string,
    initializeParams: JSON.parse(item.initializeParams as string) as Record<string, unknown>,
    subscriptions: (item.subscriptions as string[] | undefined) ?? [],
    createdAt: item.createdAt as number,
    lastActiveAt: item.lastActiveAt as number,
    expiresAt: item.expiresAt as number,
    version: item.version as number,
  };
  if (item.logLevel !== undefined) record.logLevel = item.logLevel as SessionRecord['logLevel'];
  if (item.principal !== undefined) record.principal = item.principal as string;
  return record;
}
