// The one contract every store implementation passes (in memory and on DynamoDB): each backend's test file
// calls these with a factory for fresh, empty stores, and optionally a second instance over the same data
// (another Lambda instance) so that races between instances are tested too.
import type { JSONRPCResponse } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, StoreConflictError } from '../src/errors.js';
import type { EventStore, ResponseMailbox, SessionRecord, SessionStore } from '../src/stores/types.js';
import { expectAbsentOnceExpired } from './expiring-record.js';

/** A session record for tests, valid for an hour from `now`. */
export function sampleSession(id: string, now = Date.now()): SessionRecord {
  return {
    id,
    protocolVersion: '2025-11-25',
    initializeParams: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 't', version: '1' },
    },
    subscriptions: [],
    createdAt: now,
    lastActiveAt: now,
    expiresAt: now + 3_600_000,
    version: 1,
  };
}

/** Runs the SessionStore contract; `newStore` gets a clock it must use for expiry. */
export function runSessionStoreContract(
  name: string,
  newStore: (now: () => number) => Promise<SessionStore>,
) {
  describe(`${name}: SessionStore contract`, () => {
    it('creates, reads back an equal copy, and isolates callers from its state', async () => {
      const store = await newStore(Date.now);
      const record = sampleSession('s-1');
      await store.create(record);
      const read = await store.get('s-1');
      expect(read).toEqual(record);
      (read as SessionRecord).subscriptions.push('mutated');
      expect((await store.get('s-1'))?.subscriptions).toEqual([]);
    });

    it('refuses to create a session that exists', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleSession('s-1'));
      await expect(store.create(sampleSession('s-1'))).rejects.toBeInstanceOf(StoreConflictError);
    });

    it('answers undefined for unknown ids', async () => {
      const store = await newStore(Date.now);
      expect(await store.get('nope')).toBeUndefined();
      expect(await store.update('nope', 1, { logLevel: 'info' })).toBeUndefined();
      expect(await store.delete('nope')).toBe(false);
    });

    it('updates only at the expected version, bumping it', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleSession('s-1'));
      const updated = await store.update('s-1', 1, { logLevel: 'debug', subscriptions: ['a://b'] });
      expect(updated).toMatchObject({ version: 2, logLevel: 'debug', subscriptions: ['a://b'] });
      const conflict = await store.update('s-1', 1, { logLevel: 'info' }).catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(StoreConflictError);
      // The loser learns the winner's record from the failure itself, so its retry needs no read.
      expect((conflict as StoreConflictError).current).toEqual(await store.get('s-1'));
      expect((await store.get('s-1'))?.logLevel).toBe('debug');
    });

    it('lets exactly one of two racing writers at one version win', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleSession('s-1'));
      const results = await Promise.allSettled([
        store.update('s-1', 1, { logLevel: 'info' }),
        store.update('s-1', 1, { logLevel: 'error' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(StoreConflictError);
      expect((await store.get('s-1'))?.version).toBe(2);
    });

    it('treats an expired session as absent', async () => {
      await expectAbsentOnceExpired(newStore, sampleSession, 's-1', { logLevel: 'info' });
    });

    it('lists live sessions by last activity, newest first, a page at a time, summaries only', async () => {
      let now = 1_800_000_000_000;
      const store = await newStore(() => now);
      for (let i = 0; i < 7; i++) {
        await store.create({ ...sampleSession(`s-${i}`, now), lastActiveAt: now - i * 1000 });
      }
      await store.create({ ...sampleSession('gone', now), lastActiveAt: now + 5000, expiresAt: now + 10 });
      await store.update('s-5', 1, { lastActiveAt: now + 1000 }); // Touched: now the most recent.
      now += 10; // 'gone' expires.
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ limit: 3, ...(cursor && { cursor }) });
        expect(page.sessions.length).toBeLessThanOrEqual(3);
        ids.push(...page.sessions.map((s) => s.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(ids).toEqual(['s-5', 's-0', 's-1', 's-2', 's-3', 's-4', 's-6']);
      expect(pages).toBe(3);
      const first = (await store.list({ limit: 1 })).sessions[0];
      expect(first).toEqual({
        id: 's-5',
        protocolVersion: '2025-11-25',
        clientInfo: { name: 't', version: '1' },
        createdAt: 1_800_000_000_000,
        lastActiveAt: 1_800_000_001_000,
        expiresAt: 1_800_003_600_000,
      });
      await expect(store.list({ limit: 2, cursor: 'bogus' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('deletes', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleSession('s-1'));
      expect(await store.delete('s-1')).toBe(true);
      expect(await store.get('s-1')).toBeUndefined();
      expect(await store.delete('s-1')).toBe(false);
    });
  });
}

const note = (n: number) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/message',
  params: { data: n },
});

/** Runs the EventStore contract; `peer` gives another instance over the same data as `store`. */
export function runEventStoreContract(
  name: string,
  newStore: () => Promise<EventStore>,
  peer: (store: EventStore) => Promise<EventStore> = async (store) => store,
) {
  describe(`${name}: EventStore contract`, () => {
    it('numbers events contiguously per session across streams, ids naming the stream', async () => {
      const store = await newStore();
      const a = await store.append('s-1', 'get', note(1));
      const b = await store.append('s-1', 'post-x', note(2));
      const c = await store.append('s-2', 'get', note(3));
      expect([a.id, b.id, c.id]).toEqual(['get.1', 'post-x.2', 'get.1']);
      expect(b).toEqual({ id: 'post-x.2', streamId: 'post-x', seq: 2, message: note(2) });
    });

    it('reads one stream after a cursor, in order, with the log head', async () => {
      const store = await newStore();
      for (let i = 1; i <= 6; i++) await store.append('s-1', i % 2 ? 'odd' : 'even', note(i));
      expect(await store.read('s-1', 'odd')).toEqual({ events: [], lastSeq: 6 });
      const odd = await store.read('s-1', 'odd', 1);
      expect(odd.lastSeq).toBe(6);
      expect(odd.events.map((e) => e.seq)).toEqual([3, 5]);
      expect((await store.read('s-1', 'even', 0)).events.map((e) => e.message)).toEqual([
        note(2),
        note(4),
        note(6),
      ]);
      expect(await store.read('unknown', 'get', 0)).toEqual({ events: [], lastSeq: 0 });
    });

    it('loses and duplicates nothing under 8 concurrent writers on two instances', async () => {
      const store = await newStore();
      const instances = [store, await peer(store)];
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          (async () => {
            const mine = instances[w % 2] as EventStore;
            for (let i = 0; i < 250; i++) await mine.append('s-1', `w${w}`, note(w * 1000 + i));
          })(),
        ),
      );
      const { lastSeq } = await store.read('s-1', 'w0');
      expect(lastSeq).toBe(2000);
      const all = (
        await Promise.all(Array.from({ length: 8 }, (_, w) => store.read('s-1', `w${w}`, 0)))
      ).flatMap((r) => r.events);
      expect(all.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 2000 }, (_, i) => i + 1),
      );
      for (let w = 0; w < 8; w++) {
        const mine = all
          .filter((e) => e.streamId === `w${w}`)
          .map((e) => (e.message as ReturnType<typeof note>).params.data);
        expect(mine).toEqual(Array.from({ length: 250 }, (_, i) => w * 1000 + i));
      }
    });

    it('drops a session log on delete', async () => {
      const store = await newStore();
      await store.append('s-1', 'get', note(1));
      await store.deleteSession('s-1');
      expect(await store.read('s-1', 'get', 0)).toEqual({ events: [], lastSeq: 0 });
    });
  });
}

/** Runs the ResponseMailbox contract. */
export function runResponseMailboxContract(name: string, newMailbox: () => Promise<ResponseMailbox>) {
  const answer = (id: string, value: number): JSONRPCResponse => ({ jsonrpc: '2.0', id, result: { value } });

  describe(`${name}: ResponseMailbox contract`, () => {
    it('hands an answer to a waiter that came first', async () => {
      const mailbox = await newMailbox();
      const waiting = mailbox.receive('s-1', 'r-1', new AbortController().signal);
      await mailbox.deliver('s-1', answer('r-1', 1));
      expect(await waiting).toEqual(answer('r-1', 1));
    });

    it('keeps an answer that arrived before its waiter', async () => {
      const mailbox = await newMailbox();
      await mailbox.deliver('s-1', answer('r-1', 2));
      expect(await mailbox.receive('s-1', 'r-1', new AbortController().signal)).toEqual(answer('r-1', 2));
    });

    it('never hands one session the answer meant for another', async () => {
      const mailbox = await newMailbox();
      const abort = new AbortController();
      const waiting = mailbox.receive('s-1', 'r-1', abort.signal);
      await mailbox.deliver('s-2', answer('r-1', 3));
      abort.abort(new Error('gave up'));
      await expect(waiting).rejects.toThrow('gave up');
      expect(await mailbox.receive('s-2', 'r-1', new AbortController().signal)).toEqual(answer('r-1', 3));
    });
  });
}
