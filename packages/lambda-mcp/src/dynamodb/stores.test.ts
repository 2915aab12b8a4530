// The DynamoDB stores run the same contract suites as the in-memory ones, against a real dynalite server,
// plus what only the event log on DynamoDB has: chunked large events, the size limit, TTL filtering, layout.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useTestDynamo } from '../../test/dynamo-harness.js';
import {
  runEventStoreContract,
  runResponseMailboxContract,
  runSessionStoreContract,
} from '../../test/store-contract.js';
import { StoreItemTooLargeError } from '../errors.js';
import type { EventStore } from '../stores/types.js';
import { documentClient } from './client.js';
import { DynamoEventStore } from './events.js';
import { DynamoResponseMailbox } from './mailbox.js';
import { DynamoSessionStore } from './sessions.js';
import { keys } from './table.js';

const dynamo = useTestDynamo();

const tableOf = new WeakMap<EventStore, string>();

runSessionStoreContract(
  'dynamodb',
  async (now) => new DynamoSessionStore({ client: dynamo.client, tableName: await dynamo.newTable(), now }),
);
runEventStoreContract(
  'dynamodb',
  async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoEventStore({ client: dynamo.client, tableName });
    tableOf.set(store, tableName);
    return store;
  },
  // Another instance: its own client and in-process state, the same table.
  async (store) =>
    new DynamoEventStore({ client: dynamo.newClient().client, tableName: tableOf.get(store) as string }),
);
runResponseMailboxContract(
  'dynamodb',
  async () => new DynamoResponseMailbox({ client: dynamo.client, tableName: await dynamo.newTable() }),
);

describe('DynamoEventStore beyond the contract', () => {
  const big = (bytes: number) => ({
    jsonrpc: '2.0' as const,
    id: 1,
    result: { content: [{ type: 'text', text: 'é'.repeat(bytes / 2) }] },
  });

  it('splits an event larger than one item into chunks and reads it back whole', async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoEventStore({ client: dynamo.client, tableName });
    const message = big(1_200_000); // 1.2 MB of two-byte characters: four chunk items.
    const stored = await store.append('s-1', 'post-1', message);
    expect(stored.seq).toBe(1);
    await store.append('s-1', 'post-1', note(2));
    const { events, lastSeq } = await store.read('s-1', 'post-1', 0);
    expect(lastSeq).toBe(2);
    expect(events[0]?.message).toEqual(message);
    expect(events[1]?.message).toEqual(note(2));
    // Another instance, with no cache, reads the same.
    const other = new DynamoEventStore({ client: dynamo.newClient().client, tableName });
    expect((await other.read('s-1', 'post-1', 0)).events.map((e) => e.message)).toEqual([message, note(2)]);
  });

  it('refuses an event above the limit with a clear error and stores nothing', async () => {
    const store = new DynamoEventStore({
      client: dynamo.client,
      tableName: await dynamo.newTable(),
      maxEventBytes: 500_000,
    });
    const failure = await store.append('s-1', 'get', big(600_000)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreItemTooLargeError);
    expect((failure as Error).message).toBe(
      "An SSE event of 600073 bytes exceeds the event log's limit of 500000 bytes; it was not stored",
    );
    expect(await store.read('s-1', 'get', 0)).toEqual({ events: [], lastSeq: 0 });
  });

  it('treats events past their ttl as absent although DynamoDB still holds them', async () => {
    let now = 1_800_000_000_000;
    const tableName = await dynamo.newTable();
    const store = new DynamoEventStore({
      client: dynamo.client,
      tableName,
      retentionMs: 60_000,
      now: () => now,
    });
    await store.append('s-1', 'get', note(1));
    now += 61_000;
    await store.append('s-1', 'get', note(2));
    const { events, lastSeq } = await store.read('s-1', 'get', 0);
    expect(events.map((e) => e.seq)).toEqual([2]);
    expect(lastSeq).toBe(2);
    // Sequence numbers never restart while expired items remain: the next one is 3.
    expect((await store.append('s-1', 'get', note(3))).seq).toBe(3);
  });

  it('stores one item per event at SESSION#<id>/EVENT#<12-digit seq> with a ttl', async () => {
    const tableName = await dynamo.newTable();
    const store = new DynamoEventStore({
      client: dynamo.client,
      tableName,
      retentionMs: 60_000,
      now: () => 1_000_000,
    });
    await store.append('s-1', 'get', note(1));
    const { Item } = await documentClient(dynamo.client).send(
      new GetCommand({ TableName: tableName, Key: keys.event('s-1', 1), ConsistentRead: true }),
    );
    expect(Item).toEqual({
      pk: 'SESSION#s-1',
      sk: 'EVENT#000000000001',
      stream: 'get',
      message: JSON.stringify(note(1)),
      ttl: 1060,
    });
  });
});

const note = (n: number) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/message',
  params: { data: n },
});
