// The event feed across instances: two feeds ("instances") over one DynamoDB table on dynalite, each with
// its own counted client, on one clock the test moves. An event published on A reaches B's subscribers
// through B's poll, in order and exactly once; B polls only while something listens there. The SDK's
// ServerEventBus over the feed carries the change kinds only. On the in-memory log nothing polls.
import type { ServerEvent } from '@modelcontextprotocol/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../../test/dynamo-harness.js';
import { CONTRACT_T0, manualClock } from '../../test/global-log-contract.js';
import { DynamoGlobalEventLog } from '../dynamodb/global-log.js';
import { EventFeed } from './feed.js';
import { MemoryGlobalEventLog } from './global-log.js';
import type { BusEvent } from './model.js';
import { FeedServerEventBus } from './server-event-bus.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

const SETTLE = 500;
const feeds: EventFeed[] = [];
afterEach(() => {
  for (const feed of feeds.splice(0)) feed.close();
  vi.useRealTimers();
});

/** Two instances over one fresh table; polls only when the test says, unless `pollIntervalMs` is given. */
async function twoInstances(options: { pageSize?: number; pollIntervalMs?: number } = {}) {
  const clock = manualClock();
  const tableName = await dynamo.newTable();
  const instance = () => {
    const { client, calls } = dynamo.newClient();
    const errors: Error[] = [];
    const feed = new EventFeed({
      log: new DynamoGlobalEventLog({
        client,
        tableName,
        now: clock.now,
        settleMs: SETTLE,
        ...(options.pageSize && { pageSize: options.pageSize }),
      }),
      now: clock.now,
      pollIntervalMs: options.pollIntervalMs ?? 3_600_000,
      onerror: (error) => errors.push(error),
    });
    feeds.push(feed);
    return { feed, calls, errors, queries: () => calls.filter((c) => c === 'QueryCommand').length };
  };
  return { clock, a: instance(), b: instance() };
}

/** A subscriber that records what it receives. */
function collect(feed: EventFeed, options: { sessionId?: string } = {}) {
  const received: BusEvent[] = [];
  const unsubscribe = feed.bus.subscribe({ ...options, deliver: (item) => received.push(item) });
  return { received, unsubscribe, ids: () => received.map((r) => r.event.id) };
}

describe('EventFeed over a shared DynamoDB log', () => {
  it('delivers what A publishes to B’s subscriber after B polls past the settle window, once and in order', async () => {
    const { clock, a, b } = await twoInstances();
    const sub = collect(b.feed);
    for (const id of ['e-1', 'e-2', 'e-3']) {
      clock.t += 1;
      expect(
        (await a.feed.publish({ type: 'deploy.finished', id, data: { id } }, { kind: 'global' })).stored,
      ).toBe(true);
    }
    // Still inside the settle window: nothing yet, and nothing lost by polling early.
    await b.feed.pollNow();
    expect(sub.received).toEqual([]);

    clock.t += SETTLE;
    await b.feed.pollNow();
    expect(sub.ids()).toEqual(['e-1', 'e-2', 'e-3']);
    expect(sub.received[0]).toEqual({
      event: {
        id: 'e-1',
        type: 'deploy.finished',
        source: 'app',
        data: { id: 'e-1' },
        timestamp: new Date(CONTRACT_T0 + 1).toISOString(),
        scope: { kind: 'global' },
      },
      cursor: `00${CONTRACT_T0 + 1}#e-1`,
    });

    // Polled again, one after another and concurrently: nothing twice.
    await b.feed.pollNow();
    clock.t += 1_000;
    await Promise.all([b.feed.pollNow(), b.feed.pollNow(), b.feed.pollNow()]);
    expect(sub.ids()).toEqual(['e-1', 'e-2', 'e-3']);

    clock.t += 1;
    await a.feed.publish({ type: 'deploy.finished', id: 'e-4' }, { kind: 'global' });
    clock.t += SETTLE;
    await b.feed.pollNow();
    expect(sub.ids()).toEqual(['e-1', 'e-2', 'e-3', 'e-4']);
    // A has no subscriber, so A never read the log.
    expect(a.queries()).toBe(0);
    expect(b.errors).toEqual([]);
  });

  it('delivers a backlog larger than one page in one pollNow', async () => {
    const { clock, a, b } = await twoInstances({ pageSize: 2 });
    const sub = collect(b.feed);
    const ids = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    for (const id of ids) {
      clock.t += 1;
      await a.feed.publish({ type: 'deploy.finished', id }, { kind: 'global' });
    }
    clock.t += SETTLE;
    await b.feed.pollNow();
    expect(sub.ids()).toEqual(ids);
    await b.feed.pollNow();
    expect(sub.ids()).toEqual(ids);
    expect(b.errors).toEqual([]);
  });

  it('routes a session-scoped event to that session’s subscribers only', async () => {
    const { clock, a, b } = await twoInstances();
    const anyone = collect(b.feed);
    const s1 = collect(b.feed, { sessionId: 's-1' });
    const s2 = collect(b.feed, { sessionId: 's-2' });
    clock.t += 1;
    await a.feed.publish({ type: 'job.done', id: 'for-s1' }, { kind: 'session', sessionId: 's-1' });
    clock.t += 1;
    await a.feed.publish({ type: 'job.done', id: 'for-all' }, { kind: 'global' });
    clock.t += SETTLE;
    await b.feed.pollNow();
    expect(anyone.ids()).toEqual(['for-all']);
    expect(s1.ids()).toEqual(['for-s1', 'for-all']);
    expect(s2.ids()).toEqual(['for-all']);
  });

  it('polls only while B’s bus has subscribers', async () => {
    // A long interval: vi.waitFor moves fake time 50 ms per check, which must never reach the next poll.
    const POLL = 60_000;
    const settled = { timeout: 5_000 };
    const { clock, a, b } = await twoInstances({ pollIntervalMs: POLL });
    // Only the poller's timers are fake (created after the table: dynalite times its table creation).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    clock.t += 1;
    await a.feed.publish({ type: 'deploy.finished', id: 'x-1' }, { kind: 'global' });
    clock.t += SETTLE;

    // Nobody listens on B: no poll, whatever the time.
    await vi.advanceTimersByTimeAsync(10 * POLL);
    await b.feed.pollNow();
    expect(b.calls).toEqual([]);

    // A subscriber starts the poller at the log head (x-1 is before it): one Query per interval.
    const sub = collect(b.feed);
    expect(b.calls).toEqual([]);
    clock.t += 1;
    await a.feed.publish({ type: 'deploy.finished', id: 'x-2' }, { kind: 'global' });
    clock.t += SETTLE;
    await vi.advanceTimersByTimeAsync(POLL);
    await vi.waitFor(() => expect(sub.ids()).toEqual(['x-2']), settled);
    expect(b.calls).toEqual(['QueryCommand']);
    clock.t += 1;
    await a.feed.publish({ type: 'deploy.finished', id: 'x-3' }, { kind: 'global' });
    clock.t += SETTLE;
    await vi.advanceTimersByTimeAsync(POLL);
    await vi.waitFor(() => expect(sub.ids()).toEqual(['x-2', 'x-3']), settled);
    expect(b.calls).toEqual(['QueryCommand', 'QueryCommand']);

    // The last subscriber gone: the poller stops.
    sub.unsubscribe();
    await vi.advanceTimersByTimeAsync(10 * POLL);
    await b.feed.pollNow();
    expect(b.calls).toEqual(['QueryCommand', 'QueryCommand']);
    expect(b.errors).toEqual([]);
  });
});

describe('FeedServerEventBus over a shared DynamoDB log', () => {
  it('carries change kinds from A’s bus to B’s listeners, and no other events', async () => {
    const { clock, a, b } = await twoInstances();
    const busA = new FeedServerEventBus(a.feed);
    const busB = new FeedServerEventBus(b.feed);
    const changes: ServerEvent[] = [];
    const unsubscribe = busB.subscribe((event) => changes.push(event));
    const everything = collect(b.feed);
    // publish() does not wait for the log; the spy lets the test wait for each append.
    const published = vi.spyOn(a.feed, 'publish');

    clock.t += 1;
    busA.publish({ kind: 'tools_list_changed' });
    await published.mock.results[0]?.value;
    clock.t += 1;
    await a.feed.publish({ type: 'deploy.finished', data: { service: 'api' } }, { kind: 'global' });
    clock.t += 1;
    busA.publish({ kind: 'resource_updated', uri: 'file:///notes/a.txt' });
    await published.mock.results[2]?.value;
    clock.t += SETTLE;
    await b.feed.pollNow();

    expect(everything.received.map((r) => [r.event.type, r.event.source])).toEqual([
      ['tools/list_changed', 'mcp'],
      ['deploy.finished', 'app'],
      ['resources/updated', 'mcp'],
    ]);
    expect(changes).toEqual([
      { kind: 'tools_list_changed' },
      { kind: 'resource_updated', uri: 'file:///notes/a.txt' },
    ]);

    unsubscribe();
    clock.t += 1;
    busA.publish({ kind: 'prompts_list_changed' });
    await published.mock.results[3]?.value;
    clock.t += SETTLE;
    await b.feed.pollNow();
    expect(changes).toHaveLength(2);
    expect(everything.received.at(-1)?.event.type).toBe('prompts/list_changed');
  });

  it('reports a failed append to its onerror', async () => {
    const errors: Error[] = [];
    const feed = new EventFeed({ log: new MemoryGlobalEventLog() });
    feeds.push(feed);
    vi.spyOn(feed.log, 'append').mockRejectedValueOnce(new Error('log down'));
    new FeedServerEventBus(feed, (error) => errors.push(error)).publish({ kind: 'tools_list_changed' });
    await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['log down']));
  });
});

describe('EventFeed over the in-memory log', () => {
  it('delivers on publish, before the publish resolves, with no polling', async () => {
    const clock = manualClock();
    const feed = new EventFeed({ log: new MemoryGlobalEventLog({ now: clock.now }), now: clock.now });
    feeds.push(feed);
    const read = vi.spyOn(feed.log, 'read');
    const sub = collect(feed);
    const changes: ServerEvent[] = [];
    new FeedServerEventBus(feed).subscribe((event) => changes.push(event));

    const result = await feed.publish({ type: 'deploy.finished', id: 'm-1' }, { kind: 'global' });
    expect(result.stored).toBe(true);
    expect(sub.received).toEqual([{ event: result.event, cursor: 'm000000000001' }]);

    await feed.publish({ type: 'tools/list_changed', id: 'm-2' }, { kind: 'global' });
    expect(sub.ids()).toEqual(['m-1', 'm-2']);
    expect(changes).toEqual([{ kind: 'tools_list_changed' }]);

    // A redelivery is stored and sent once.
    expect((await feed.publish({ type: 'x', id: 'm-2' }, { kind: 'global' }, { dedupe: true })).stored).toBe(
      false,
    );
    expect(sub.ids()).toEqual(['m-1', 'm-2']);

    // Instance-local events skip the log.
    const local = feed.publishLocal({ type: 'internal.tick' }, { kind: 'global' });
    expect(sub.received.at(-1)).toEqual({ event: local });

    await feed.pollNow();
    expect(read).not.toHaveBeenCalled();
    expect(sub.ids()).toHaveLength(3);
  });
});
