// The global event log on the single table. Events live in time-bucketed partitions (`GLOBAL#<minute>`,
// sort key `<epoch ms>#<event id>`), so each minute's events form one small partition and a reader queries
// the one or two buckets its cursor spans. Readers stop `settleMs` behind the clock: an append takes far
// less than that to become visible, so no event ever lands behind a reader's cursor. Events expire by TTL
// after the retention. Deduplicated appends (SNS deliveries) first claim `GLOBALID#<id>`, which names the
// event's key; a redelivery finds the claim and the event and stores nothing.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { GlobalEventLog, LoggedEvent, LogPage } from '../events/global-log.js';
import type { McpEvent } from '../events/model.js';
import { isConditionFailure, storeCall } from './client.js';
import { queryPages, sortKeyRange } from './query-pages.js';
import { DynamoStore, type DynamoStoreOptions } from './store.js';
import {
  DEFAULT_GLOBAL_SETTLE_MS,
  GLOBAL_BUCKET_MS,
  GLOBAL_CURSOR,
  isExpired,
  keys,
  TABLE,
  ttlOf,
} from './table.js';

/** Options of {@link DynamoGlobalEventLog}. */
export interface DynamoGlobalEventLogOptions extends DynamoStoreOptions {
  /** How long events stay readable, in ms. Default 1 hour. */
  retentionMs?: number;
  /** How far behind the clock readers stay, in ms. Default 500. */
  settleMs?: number;
  /** Largest page one read returns. Default 500. */
  pageSize?: number;
}

/** Sorts after every event id of the same millisecond (ids use A-Z a-z 0-9 . _ - :). */
const AFTER_ALL_IDS = '~';

/** See the module comment. */
export class DynamoGlobalEventLog extends DynamoStore implements GlobalEventLog {
  readonly shared = true;
  readonly settleMs: number;
  readonly #retentionMs: number;
  readonly #pageSize: number;
  /** The last timestamp this instance appended at: each append takes a later one, keeping its order. */
  #lastAt = 0;

  constructor(options: DynamoGlobalEventLogOptions) {
    super(options);
    this.#retentionMs = options.retentionMs ?? 3_600_000;
    this.settleMs = options.settleMs ?? DEFAULT_GLOBAL_SETTLE_MS;
    this.#pageSize = options.pageSize ?? 500;
  }

  async append(
    event: McpEvent,
    options: { dedupe?: boolean } = {},
  ): Promise<{ stored: boolean; cursor?: string }> {
    // Events of one millisecond would sort by id; a strictly later time per append keeps publish order.
    const now = Math.max(this.now(), this.#lastAt + 1);
    this.#lastAt = now;
    const key = keys.globalEvent(now, event.id);
    const ttl = ttlOf(now + this.#retentionMs);
    if (options.dedupe) {
      const claimed = await this.#claim(event.id, key, ttl);
      if (!claimed) return { stored: false };
    }
    await storeCall('global event append', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, event: JSON.stringify(event), [TABLE.ttlAttribute]: ttl },
        }),
      ),
    );
    return { stored: true, cursor: key.sk };
  }

  async read(cursor: string): Promise<LogPage> {
    const now = this.now();
    const horizon = now - this.settleMs;
    const oldest = now - this.#retentionMs;
    const from =
      this.isCursor(cursor) && Number(cursor.slice(0, 15)) >= oldest
        ? cursor
        : cursorAt(oldest - 1, AFTER_ALL_IDS);
    const to = cursorAt(horizon, AFTER_ALL_IDS);
    if (from >= to) return { events: [], cursor: from, more: false };
    const events: LoggedEvent[] = [];
    // The cursor's own item, when it names one, is read again and skipped: one more slot.
    const skipped = from.endsWith(AFTER_ALL_IDS) ? 0 : 1;
    for (let bucket = bucketOf(Number(from.slice(0, 15))); bucket <= bucketOf(horizon); bucket++) {
      const query = sortKeyRange(this.tableName, keys.globalBucket(bucket), from, to);
      // Each page asks for no more than the events still missing from this read.
      const pages = queryPages(this.db, 'global event read', () => ({
        ...query,
        Limit: this.#pageSize - events.length + skipped,
      }));
      for await (const page of pages) {
        for (const item of page.items) {
          const sk = item[TABLE.sortKey] as string;
          if (sk === from || isExpired(item, now)) continue;
          events.push({ event: JSON.parse(item.event as string) as McpEvent, cursor: sk });
        }
        if (events.length >= this.#pageSize) {
          events.length = this.#pageSize;
          const last = events[events.length - 1] as LoggedEvent;
          return { events, cursor: last.cursor, more: true };
        }
      }
    }
    return { events, cursor: to, more: false };
  }

  async head(): Promise<string> {
    return cursorAt(this.now() - this.settleMs, AFTER_ALL_IDS);
  }

  isCursor(value: string): boolean {
    return GLOBAL_CURSOR.test(value);
  }

  /** Claims the event id; false when an earlier delivery stored the event already. */
  async #claim(id: string, eventKey: { pk: string; sk: string }, ttl: number): Promise<boolean> {
    const claim = keys.globalEventId(id);
    try {
      await storeCall('global event claim', () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...claim, eventPk: eventKey.pk, eventSk: eventKey.sk, [TABLE.ttlAttribute]: ttl },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Claimed before: stored, unless that delivery failed between its claim and its event.
    const { Item: earlier } = await storeCall('global event claim read', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: claim, ConsistentRead: true })),
    );
    if (earlier) {
      const { Item: stored } = await storeCall('global event read', () =>
        this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { [TABLE.partitionKey]: earlier.eventPk, [TABLE.sortKey]: earlier.eventSk },
            ConsistentRead: true,
          }),
        ),
      );
      if (stored) return false;
    }
    // Take the claim over for this delivery: its event goes in now, at the current time.
    await storeCall('global event claim', () =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...claim, eventPk: eventKey.pk, eventSk: eventKey.sk, [TABLE.ttlAttribute]: ttl },
        }),
      ),
    );
    return true;
  }
}

function bucketOf(epochMs: number): number {
  return Math.floor(epochMs / GLOBAL_BUCKET_MS);
}

function cursorAt(epochMs: number, id: string): string {
  return `${String(Math.max(0, Math.floor(epochMs))).padStart(15, '0')}#${id}`;
}
