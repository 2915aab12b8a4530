// The DynamoDB global event log passes the GlobalEventLog contract on a real dynalite, plus what only it has:
// minute buckets, the settle window, the item layout, crash-safe deduplication and its cost per poll.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useTestDynamo } from '../../test/dynamo-harness.js';
import {
  CONTRACT_T0,
  manualClock,
  runGlobalLogContract,
  sampleEvent,
} from '../../test/global-log-contract.js';
import { documentClient } from './client.js';
import { DynamoGlobalEventLog } from './global-log.js';

const dynamo = useTestDynamo();

runGlobalLogContract(
  'dynamodb',
  async (options) =>
    new DynamoGlobalEventLog({ client: dynamo.client, tableName: await dynamo.newTable(), ...options }),
);

/** A log on a fresh table with its own counted client and a clock the test moves. */
async function newLog(options: { settleMs?: number; retentionMs?: number; pageSize?: number } = {}) {
  const clock = manualClock();
  const tableName = await dynamo.newTable();
  const { client, calls } = dynamo.newClient();
  const log = new DynamoGlobalEventLog({ client, tableName, now: clock.now, ...options });
  return { log, clock, tableName, calls };
}

const raw = (tableName: string, key: { pk: string; sk: string }) =>
  documentClient(dynamo.client)
    .send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))
    .then(({ Item }) => Item);

describe('DynamoGlobalEventLog beyond the contract', () => {
  it('reads events across a minute boundary in order, one Query per bucket', async () => {
    const { log, clock, calls } = await newLog({ settleMs: 100 });
    const minute = 60_000 * Math.ceil(CONTRACT_T0 / 60_000); // the next minute's first ms
    clock.t = minute - 3;
    const head = await log.head();
    for (const id of ['before-2', 'before-1', 'at-0', 'after-1']) {
      clock.t += 1;
      await log.append(sampleEvent(id, clock.t));
    }
    // At minute-2 .. minute+1: the first two in the bucket before the boundary, the others after it.
    clock.t += 100;
    calls.length = 0;
    const page = await log.read(head);
    expect(page.events.map((e) => e.event.id)).toEqual(['before-2', 'before-1', 'at-0', 'after-1']);
    expect(page.events.map((e) => e.cursor)).toEqual([
      `00${minute - 2}#before-2`,
      `00${minute - 1}#before-1`,
      `00${minute}#at-0`,
      `00${minute + 1}#after-1`,
    ]);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });

  it('pages across a minute boundary without loss or repeats', async () => {
    const { log, clock } = await newLog({ settleMs: 100, pageSize: 3 });
    clock.t = 60_000 * Math.ceil(CONTRACT_T0 / 60_000) - 3;
    const head = await log.head();
    const ids = ['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-6'];
    for (const id of ids) {
      clock.t += 1;
      await log.append(sampleEvent(id, clock.t));
    }
    clock.t += 100;
    const first = await log.read(head);
    expect(first.events.map((e) => e.event.id)).toEqual(['b-1', 'b-2', 'b-3']);
    expect(first.more).toBe(true);
    const second = await log.read(first.cursor);
    expect(second.events.map((e) => e.event.id)).toEqual(['b-4', 'b-5', 'b-6']);
  });

  it('keeps the append order of events published in one millisecond, also across pages', async () => {
    const { log, clock } = await newLog({ settleMs: 100, pageSize: 2 });
    const head = await log.head();
    clock.t += 1;
    const ids = ['m-3', 'm-1', 'm-5', 'm-2', 'm-4'];
    for (const id of ids) await log.append(sampleEvent(id, clock.t));
    // Each append takes a later millisecond than the one before (here t .. t+4), so ids do not reorder them.
    clock.t += 104;
    const read: string[] = [];
    for (let page = await log.read(head); ; page = await log.read(page.cursor)) {
      read.push(...page.events.map((e) => e.event.id));
      if (!page.more) break;
    }
    expect(read).toEqual(ids);
  });

  it('holds back an event inside the settle window until the clock passes it', async () => {
    const { log, clock } = await newLog({ settleMs: 500 });
    const head = await log.head();
    clock.t += 10;
    const appendedAt = clock.t;
    await log.append(sampleEvent('late', appendedAt));

    clock.t = appendedAt + 499; // the horizon is 1 ms before the event
    const early = await log.read(head);
    expect(early.events).toEqual([]);
    expect(early.cursor).toBe(`00${appendedAt - 1}#~`);
    expect(early.cursor < `00${appendedAt}#late`).toBe(true);

    clock.t = appendedAt + 500; // the horizon is the event's millisecond
    const settled = await log.read(early.cursor);
    expect(settled.events.map((e) => e.event.id)).toEqual(['late']);
    expect((await log.read(settled.cursor)).events).toEqual([]);
  });

  it('stores one item per event at GLOBAL#<minute> / <15-digit ms>#<id> with a ttl, and a claim per dedupe', async () => {
    const { log, clock, tableName } = await newLog({ retentionMs: 60_000 });
    clock.t = 1_800_000_000_123; // minute 30 000 000
    const event = sampleEvent('evt-1', clock.t, { n: 1 });
    expect(await log.append(event, { dedupe: true })).toEqual({
      stored: true,
      cursor: '001800000000123#evt-1',
    });
    expect(await raw(tableName, { pk: 'GLOBAL#30000000', sk: '001800000000123#evt-1' })).toEqual({
      pk: 'GLOBAL#30000000',
      sk: '001800000000123#evt-1',
      event: JSON.stringify(event),
      ttl: 1_800_000_061, // ceil((now + 60 s) / 1000)
    });
    expect(await raw(tableName, { pk: 'GLOBALID#evt-1', sk: 'META' })).toEqual({
      pk: 'GLOBALID#evt-1',
      sk: 'META',
      eventPk: 'GLOBAL#30000000',
      eventSk: '001800000000123#evt-1',
      ttl: 1_800_000_061,
    });
  });

  it('stores an event whose claim a crashed delivery left behind, then refuses the next redelivery', async () => {
    const { log, clock, tableName, calls } = await newLog({ settleMs: 100 });
    const head = await log.head();
    // A delivery claimed the id at T0 - 5 s and died before writing its event.
    await documentClient(dynamo.client).send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'GLOBALID#sns-1',
          sk: 'META',
          eventPk: `GLOBAL#${Math.floor((CONTRACT_T0 - 5_000) / 60_000)}`,
          eventSk: `00${CONTRACT_T0 - 5_000}#sns-1`,
          ttl: Math.ceil((CONTRACT_T0 + 3_600_000) / 1000),
        },
      }),
    );

    clock.t += 1;
    calls.length = 0;
    const redelivered = await log.append(sampleEvent('sns-1', clock.t), { dedupe: true });
    expect(redelivered).toEqual({ stored: true, cursor: `00${CONTRACT_T0 + 1}#sns-1` });
    // Claim refused, claim read, event missing, claim taken over, event written.
    expect(calls).toEqual([
      'PutItemCommand',
      'GetItemCommand',
      'GetItemCommand',
      'PutItemCommand',
      'PutItemCommand',
    ]);
    expect(await raw(tableName, { pk: 'GLOBALID#sns-1', sk: 'META' })).toMatchObject({
      eventSk: `00${CONTRACT_T0 + 1}#sns-1`,
    });

    clock.t += 1;
    expect(await log.append(sampleEvent('sns-1', clock.t), { dedupe: true })).toEqual({ stored: false });
    clock.t += 100;
    const page = await log.read(head);
    expect(page.events.map((e) => e.cursor)).toEqual([`00${CONTRACT_T0 + 1}#sns-1`]);
  });

  it('costs one Query per poll within one bucket, and none when nothing can be new', async () => {
    const { log, clock, calls } = await newLog({ settleMs: 100 });
    const head = await log.head();
    clock.t += 1;
    await log.append(sampleEvent('q-1', clock.t));
    clock.t += 100;

    calls.length = 0;
    const page = await log.read(head);
    expect(page.events.map((e) => e.event.id)).toEqual(['q-1']);
    expect(calls).toEqual(['QueryCommand']);

    // The clock has not moved: the cursor is the horizon, so the read needs no call at all.
    calls.length = 0;
    expect(await log.read(page.cursor)).toEqual({ events: [], cursor: page.cursor, more: false });
    expect(calls).toEqual([]);
  });
});
