// The contract every GlobalEventLog passes (in memory and on DynamoDB): each backend's test file calls
// `runGlobalLogContract` with a factory for fresh, empty logs on a clock the contract moves. Nothing sleeps:
// before reading, the clock is moved past the log's settle window, as the poller of a real instance would.
import { describe, expect, it } from 'vitest';
import type { GlobalEventLog, LoggedEvent } from '../src/events/global-log.js';
import type { McpEvent } from '../src/events/model.js';

/** What the contract asks of a log factory: use `now` as the clock; honour the optional sizes. */
export interface GlobalLogFactoryOptions {
  now: () => number;
  /** Largest page one read returns; the backend default when absent. */
  pageSize?: number;
  /** How long events stay readable, in ms; the backend default when absent. */
  retentionMs?: number;
}

/** The first instant of every test's clock: 2027-01-15T08:00:00.000Z, 30 s into its minute. */
export const CONTRACT_T0 = Date.UTC(2027, 0, 15, 8, 0, 30);

/** A global event for tests, stamped `at`. */
export function sampleEvent(id: string, at: number, data: unknown = { id }): McpEvent {
  return {
    id,
    type: 'test.event',
    source: 'contract',
    data,
    timestamp: new Date(at).toISOString(),
    scope: { kind: 'global' },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = CONTRACT_T0) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** Runs the GlobalEventLog contract. */
export function runGlobalLogContract(
  name: string,
  makeLog: (opts: GlobalLogFactoryOptions) => Promise<GlobalEventLog>,
) {
  describe(`${name}: GlobalEventLog contract`, () => {
    /** Appends each id one millisecond apart (events of one millisecond have no defined order). */
    async function appendAll(log: GlobalEventLog, clock: { t: number }, ids: string[]) {
      const cursors: string[] = [];
      for (const id of ids) {
        clock.t += 1;
        const result = await log.append(sampleEvent(id, clock.t));
        expect(result.stored).toBe(true);
        cursors.push(result.cursor as string);
      }
      return cursors;
    }

    /** Moves the clock past the settle window, so every append so far is readable. */
    const settle = (log: GlobalEventLog, clock: { t: number }) => {
      clock.t += log.settleMs + 1;
    };

    /** Reads from `cursor` until `more` is false; answers every page. */
    async function readAll(log: GlobalEventLog, cursor: string) {
      const pages = [];
      for (let page = await log.read(cursor); ; page = await log.read(page.cursor)) {
        pages.push(page);
        if (!page.more) break;
        expect(pages.length).toBeLessThan(100);
      }
      return pages;
    }

    const ids = (events: LoggedEvent[]) => events.map((e) => e.event.id);

    it('reads appended events from an earlier head in append order, with increasing cursors', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now });
      const head = await log.head();
      const appended = await appendAll(log, clock, ['e-1', 'e-2', 'e-3']);
      settle(log, clock);

      const page = await log.read(head);
      expect(ids(page.events)).toEqual(['e-1', 'e-2', 'e-3']);
      expect(page.events.map((e) => e.event)).toEqual([
        sampleEvent('e-1', CONTRACT_T0 + 1),
        sampleEvent('e-2', CONTRACT_T0 + 2),
        sampleEvent('e-3', CONTRACT_T0 + 3),
      ]);
      // The cursor each append answered is the one the read reports.
      expect(page.events.map((e) => e.cursor)).toEqual(appended);
      const [c1, c2, c3] = appended as [string, string, string];
      expect(head < c1 && c1 < c2 && c2 < c3).toBe(true);
      expect(page.more).toBe(false);
      expect(page.cursor >= c3).toBe(true);
    });

    it('reads nothing new from the last cursor, then exactly what was appended after it', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now });
      const head = await log.head();
      await appendAll(log, clock, ['e-1', 'e-2']);
      settle(log, clock);
      const first = await log.read(head);
      expect(ids(first.events)).toEqual(['e-1', 'e-2']);

      expect(await log.read(first.cursor)).toMatchObject({ events: [], more: false });
      // The last event's own cursor excludes that event too.
      const lastEvent = first.events[1] as LoggedEvent;
      expect((await log.read(lastEvent.cursor)).events).toEqual([]);

      await appendAll(log, clock, ['e-3']);
      settle(log, clock);
      const next = await log.read(first.cursor);
      expect(ids(next.events)).toEqual(['e-3']);
      expect((next.events[0] as LoggedEvent).cursor > lastEvent.cursor).toBe(true);
      expect((await log.read(next.cursor)).events).toEqual([]);
    });

    it('starts a reader at head() after everything stored so far', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now });
      await appendAll(log, clock, ['old-1', 'old-2']);
      settle(log, clock);
      const head = await log.head();
      expect((await log.read(head)).events).toEqual([]);
      await appendAll(log, clock, ['new-1']);
      settle(log, clock);
      expect(ids((await log.read(head)).events)).toEqual(['new-1']);
    });

    it('stores a deduplicated id once: the second append answers stored: false', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now });
      const head = await log.head();
      clock.t += 1;
      const first = await log.append(sampleEvent('msg-1', clock.t), { dedupe: true });
      expect(first.stored).toBe(true);
      expect(log.isCursor(first.cursor as string)).toBe(true);
      clock.t += 1;
      const again = await log.append(sampleEvent('msg-1', clock.t, { redelivered: true }), { dedupe: true });
      expect(again).toEqual({ stored: false });
      clock.t += 1;
      expect((await log.append(sampleEvent('msg-2', clock.t), { dedupe: true })).stored).toBe(true);
      settle(log, clock);

      const page = await log.read(head);
      expect(ids(page.events)).toEqual(['msg-1', 'msg-2']);
      // The first delivery is the one kept.
      expect(page.events[0]?.event.data).toEqual({ id: 'msg-1' });
      expect(page.events[0]?.cursor).toBe(first.cursor);
    });

    it('does not return events older than the retention', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now, retentionMs: 60_000 });
      const head = await log.head();
      await appendAll(log, clock, ['old']); // at T0 + 1
      clock.t += 30_000;
      await appendAll(log, clock, ['young']); // at T0 + 30 002
      clock.t = CONTRACT_T0 + 1 + 60_000 + 1_000; // 'old' is 61 s old, 'young' 31 s
      const page = await log.read(head);
      expect(ids(page.events)).toEqual(['young']);
      expect(page.more).toBe(false);
      clock.t += 30_000; // now both are past the retention
      expect((await log.read(head)).events).toEqual([]);
    });

    it('accepts its own cursors and refuses junk', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now });
      const head = await log.head();
      const [appended] = await appendAll(log, clock, ['e-1']);
      settle(log, clock);
      const page = await log.read(head);
      for (const cursor of [head, appended as string, page.cursor, ...page.events.map((e) => e.cursor)]) {
        expect(log.isCursor(cursor), cursor).toBe(true);
      }
      for (const junk of ['nonsense', '', 'get.1', '1', '#e-1', ' ']) {
        expect(log.isCursor(junk), junk).toBe(false);
      }
    });

    it('pages: more: true past the page size, and the next reads continue without loss or repeats', async () => {
      const clock = manualClock();
      const log = await makeLog({ now: clock.now, pageSize: 2 });
      const head = await log.head();
      const all = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
      await appendAll(log, clock, all);
      settle(log, clock);

      const pages = await readAll(log, head);
      expect(pages.map((p) => ids(p.events))).toEqual([['p-1', 'p-2'], ['p-3', 'p-4'], ['p-5']]);
      expect(pages.map((p) => p.more)).toEqual([true, true, false]);
      // A page that stopped at its size continues from its last event.
      expect(pages[0]?.cursor).toBe(pages[0]?.events[1]?.cursor);
      const cursors = pages.flatMap((p) => p.events.map((e) => e.cursor));
      expect([...cursors].sort()).toEqual(cursors);
      expect(new Set(cursors).size).toBe(5);
      expect((await log.read(pages[2]?.cursor as string)).events).toEqual([]);
    });
  });
}
