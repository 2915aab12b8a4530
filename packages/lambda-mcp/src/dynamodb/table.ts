// The one definition of lambda-mcp's single DynamoDB table: key and attribute names, the item key layout,
// the session index and the CreateTable input. Stores, tests, the local auto-create and the infrastructure
// code (CDK, SAM) all read it from here, so no key name exists twice.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { activityKey } from '../stores/types.js';

/** Attribute and index names of the table. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL deletes the item some time (up to days) after it. */
  ttlAttribute: 'ttl',
  sessionIndex: {
    name: 'sessions-by-activity',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    /** Attributes the index carries besides the keys: enough to list sessions without a second read. */
    projected: ['id', 'protocolVersion', 'clientInfo', 'principal', 'createdAt', 'lastActiveAt', 'expiresAt'],
    /**
     * The index partition is sharded so that no single index partition takes every session's writes; a
     * listing queries every shard and merges.
     */
    shards: 4,
  },
} as const;

/** Widest sequence number the event sort key holds in order (12 digits: a trillion events a session). */
const SEQ_DIGITS = 12;

/** Item keys. Everything of one session shares its partition, so one Query reads or clears it. */
export const keys = {
  session: (id: string) => ({ pk: `SESSION#${id}`, sk: 'META' }),
  sessionPartition: (id: string) => `SESSION#${id}`,
  event: (sessionId: string, seq: number) => ({
    pk: `SESSION#${sessionId}`,
    sk: `${EVENT_PREFIX}${String(seq).padStart(SEQ_DIGITS, '0')}`,
  }),
  /** One slice of an event too large for one item; written before the event that names it. */
  chunk: (sessionId: string, chunkId: string, part: number) => ({
    pk: `SESSION#${sessionId}`,
    sk: `CHUNK#${chunkId}#${part}`,
  }),
  answer: (sessionId: string, requestId: string) => ({
    pk: `SESSION#${sessionId}`,
    sk: `ANSWER#${requestId}`,
  }),
  task: (id: string) => ({ pk: `TASK#${id}`, sk: 'META' }),
  /** One slice of a task result too large for the task's item; written before the item names it. */
  taskChunk: (id: string, chunkId: string, part: number) => ({
    pk: `TASK#${id}`,
    sk: `CHUNK#${chunkId}#${part}`,
  }),
  /** A global log event: its minute's bucket, then `<epoch ms>#<event id>` (the log cursor). */
  globalEvent: (epochMs: number, id: string) => ({
    pk: `GLOBAL#${Math.floor(epochMs / GLOBAL_BUCKET_MS)}`,
    sk: `${String(epochMs).padStart(15, '0')}#${id}`,
  }),
  globalBucket: (minute: number) => `GLOBAL#${minute}`,
  /** The claim of a deduplicated global event's id, naming the event's key. */
  globalEventId: (id: string) => ({ pk: `GLOBALID#${id}`, sk: 'META' }),
};

/** Width of a global log bucket: one partition per minute of events. */
export const GLOBAL_BUCKET_MS = 60_000;

/** A global-log cursor: the sort key of an event (`<epoch ms, 15 digits>#<event id>`). */
export const GLOBAL_CURSOR = /^\d{15}#[A-Za-z0-9._\-:~]{1,128}$/;

/** How far behind the clock global-log readers stay by default, in ms. */
export const DEFAULT_GLOBAL_SETTLE_MS = 500;

/** Sort-key prefix of session events. */
export const EVENT_PREFIX = 'EVENT#';

/** The sequence number in an event sort key. */
export function seqOfEventKey(sk: string): number {
  return Number(sk.slice(EVENT_PREFIX.length));
}

/** The session index keys of a session: a shard picked from the id, then last activity (sortable). */
export function sessionIndexKeys(id: string, lastActiveAt: number) {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return {
    [TABLE.sessionIndex.partitionKey]: sessionShardKey(hash % TABLE.sessionIndex.shards),
    [TABLE.sessionIndex.sortKey]: activityKey(lastActiveAt, id),
  };
}

/** The index partition key of shard `n`. */
export function sessionShardKey(n: number): string {
  return `SESSIONS#${n}`;
}

/** The `ttl` value (epoch seconds) for an item that expires at `epochMs`. */
export function ttlOf(epochMs: number): number {
  return Math.ceil(epochMs / 1000);
}

/** Whether an item read back has passed its `ttl` (DynamoDB may keep it readable for days). */
export function isExpired(item: Record<string, unknown>, now: number): boolean {
  const ttl = item[TABLE.ttlAttribute];
  return typeof ttl === 'number' && ttl * 1000 <= now;
}

/** The CreateTable input: on-demand billing, `pk`/`sk`, the session index. TTL is enabled separately. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const ix = TABLE.sessionIndex;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' },
      { AttributeName: ix.partitionKey, AttributeType: 'S' },
      { AttributeName: ix.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: ix.name,
        KeySchema: [
          { AttributeName: ix.partitionKey, KeyType: 'HASH' },
          { AttributeName: ix.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...ix.projected] },
      },
    ],
  };
}
