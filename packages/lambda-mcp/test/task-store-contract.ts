// The one contract every TaskStore implementation passes (in memory and on DynamoDB): each backend's test
// file calls it with a factory for fresh, empty stores on a given clock. It covers copies, conditional
// create, versioned update and races, the task lifecycle, expiry, exact result round-trips and delete.
import { describe, expect, it } from 'vitest';
import { StoreConflictError, TaskStateError } from '../src/errors.js';
import type { TaskRecord, TaskStatus, TaskStore } from '../src/tasks/types.js';
import { expectAbsentOnceExpired } from './expiring-record.js';

/** A working task for tests, valid for an hour from `now`. */
export function sampleTask(id: string, now = Date.now()): TaskRecord {
  return {
    id,
    status: 'working',
    owner: 'principal-1',
    statusMessage: 'started',
    createdAt: now,
    updatedAt: now,
    expiresAt: now + 3_600_000,
    pollIntervalMs: 500,
    version: 1,
  };
}

/** A JSON-RPC result with the shapes that break naive storage: nesting, unicode, nulls, odd keys, numbers. */
const nestedResult = {
  content: [
    { type: 'text', text: 'héllo — 世界 🚀\n"quoted" \\ back' },
    { type: 'resource', resource: { uri: 'file:///a b', mimeType: 'text/plain', text: '' } },
  ],
  structuredContent: {
    empty: {},
    list: [1, 0.1, -2.5e-7, 9007199254740991, true, false, null, [], [[{ deep: [{ deeper: 'x' }] }]]],
    '': 'empty key',
    'dotted.key': { 'with space': null },
  },
  isError: false,
};

/** Runs the TaskStore contract; `newStore` gets a clock it must use for expiry and default timestamps. */
export function runTaskStoreContract(name: string, newStore: (now: () => number) => Promise<TaskStore>) {
  describe(`${name}: TaskStore contract`, () => {
    it('creates, reads back an equal copy, and isolates callers from its state', async () => {
      const store = await newStore(Date.now);
      const record = { ...sampleTask('t-1'), result: { partial: { items: [1, 2] } } };
      await store.create(record);
      (record.result.partial.items as number[]).push(3);
      const read = await store.get('t-1');
      expect(read).toEqual({
        ...sampleTask('t-1', record.createdAt),
        result: { partial: { items: [1, 2] } },
      });
      ((read as TaskRecord).result as { partial: { items: number[] } }).partial.items.push(4);
      (read as TaskRecord).status = 'failed';
      const again = await store.get('t-1');
      expect(again?.result).toEqual({ partial: { items: [1, 2] } });
      expect(again?.status).toBe('working');
    });

    it('keeps optional fields absent when they were not given', async () => {
      const store = await newStore(Date.now);
      const { owner: _o, statusMessage: _s, pollIntervalMs: _p, ...bare } = sampleTask('t-1');
      await store.create(bare);
      const read = await store.get('t-1');
      expect(read).toStrictEqual(bare);
    });

    it('refuses to create a task that exists', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleTask('t-1'));
      await expect(store.create({ ...sampleTask('t-1'), status: 'completed' })).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      expect((await store.get('t-1'))?.status).toBe('working');
    });

    it('answers undefined for unknown ids', async () => {
      const store = await newStore(Date.now);
      expect(await store.get('nope')).toBeUndefined();
      expect(await store.update('nope', 1, { status: 'completed', result: {} })).toBeUndefined();
      expect(await store.delete('nope')).toBe(false);
    });

    it('updates only at the expected version, bumping it and stamping updatedAt', async () => {
      let now = 5_000_000;
      const store = await newStore(() => now);
      await store.create(sampleTask('t-1', now));
      now += 250;
      const updated = await store.update('t-1', 1, {
        status: 'input_required',
        statusMessage: 'need a name',
      });
      expect(updated).toEqual({
        ...sampleTask('t-1', 5_000_000),
        status: 'input_required',
        statusMessage: 'need a name',
        updatedAt: now,
        version: 2,
      });
      expect(await store.get('t-1')).toEqual(updated);
      const stale = store.update('t-1', 1, { status: 'working' });
      await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
      await expect(stale).rejects.toMatchObject({ current: updated });
      expect(await store.get('t-1')).toEqual(updated);
      const explicit = await store.update('t-1', 2, { updatedAt: 42 });
      expect(explicit).toMatchObject({ status: 'input_required', updatedAt: 42, version: 3 });
    });

    it('lets exactly one of two racing writers at one version win', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleTask('t-1'));
      const results = await Promise.allSettled([
        store.update('t-1', 1, { status: 'completed', result: { content: [] } }),
        store.update('t-1', 1, { status: 'cancelled' }),
      ]);
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(StoreConflictError);
      expect((loser.reason as StoreConflictError).current).toMatchObject({ version: 2 });
      const stored = await store.get('t-1');
      expect(stored?.version).toBe(2);
      expect(stored).toEqual((winners[0] as PromiseFulfilledResult<TaskRecord>).value);
    });

    it('moves between working and input_required, then to a terminal status', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleTask('t-1'));
      const path: TaskStatus[] = ['input_required', 'working', 'working', 'input_required', 'cancelled'];
      for (const [i, status] of path.entries()) {
        expect(await store.update('t-1', i + 1, { status })).toMatchObject({ status, version: i + 2 });
      }
    });

    it('never changes a terminal task, leaving it as it was', async () => {
      const store = await newStore(Date.now);
      for (const terminal of ['completed', 'failed', 'cancelled'] as const) {
        const id = `t-${terminal}`;
        await store.create(sampleTask(id));
        const done = await store.update(id, 1, { status: terminal, result: { outcome: terminal } });
        const refused = [
          { status: 'working' as const },
          { status: 'input_required' as const },
          { status: terminal === 'completed' ? ('failed' as const) : ('completed' as const) },
          { status: terminal, result: { outcome: 'again' } },
          { statusMessage: 'late note' },
          { result: { outcome: 'overwritten' } },
        ];
        for (const patch of refused) {
          await expect(store.update(id, 2, patch)).rejects.toBeInstanceOf(TaskStateError);
        }
        expect(await store.get(id)).toEqual(done);
      }
    });

    it('rejects an unknown status without writing', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleTask('t-1'));
      await expect(store.update('t-1', 1, { status: 'done' as TaskStatus })).rejects.toBeInstanceOf(
        TaskStateError,
      );
      expect(await store.get('t-1')).toEqual(sampleTask('t-1', (await store.get('t-1'))?.createdAt));
    });

    it('treats an expired task as absent, and lets its id be created again', async () => {
      const { store, clock } = await expectAbsentOnceExpired(newStore, sampleTask, 't-1', {
        status: 'completed',
        result: {},
      });
      expect(await store.delete('t-1')).toBe(false);
      const fresh = { ...sampleTask('t-1', clock.now), statusMessage: 'second life' };
      await store.create(fresh);
      expect(await store.get('t-1')).toEqual(fresh);
    });

    it('honours a new expiry set by update', async () => {
      let now = 2_000_000;
      const store = await newStore(() => now);
      await store.create({ ...sampleTask('t-1', now), expiresAt: now + 1000 });
      await store.update('t-1', 1, { expiresAt: now + 10_000 });
      now += 5000;
      expect(await store.get('t-1')).toMatchObject({ expiresAt: 2_010_000, version: 2 });
      now += 5000;
      expect(await store.get('t-1')).toBeUndefined();
    });

    it('round-trips results and error payloads exactly', async () => {
      const store = await newStore(Date.now);
      await store.create({ ...sampleTask('t-1'), status: 'completed', result: nestedResult });
      expect((await store.get('t-1'))?.result).toStrictEqual(nestedResult);

      await store.create(sampleTask('t-2'));
      const error = { code: -32603, message: 'Internal error', data: { retry: null, at: [0, { why: 'ü' }] } };
      const failed = await store.update('t-2', 1, { status: 'failed', result: { error } });
      expect(failed?.result).toStrictEqual({ error });
      expect((await store.get('t-2'))?.result).toStrictEqual({ error });

      await store.create(sampleTask('t-3'));
      await store.update('t-3', 1, { status: 'completed', result: null });
      expect(await store.get('t-3')).toHaveProperty('result', null);
    });

    it('round-trips the run state: call, input maps, request state, heartbeat, cancellation', async () => {
      const store = await newStore(Date.now);
      const call = { name: 'job', arguments: { n: 1, deep: { list: [null, 'é'] } }, meta: { k: {} } };
      await store.create({ ...sampleTask('t-1'), call, runId: 'r-1', heartbeatAt: 5, leaseMs: 30_000 });
      expect(await store.get('t-1')).toMatchObject({ call, runId: 'r-1', heartbeatAt: 5, leaseMs: 30_000 });
      const waiting = {
        status: 'input_required' as const,
        inputRequests: { 'ok.2': { method: 'elicitation/create', params: { message: '?' } } },
        inputResponses: { n: { action: 'accept', content: { n: 7 } } },
        inputKeys: { ok: 'ok', 'ok.2': 'ok' },
        requestState: 'opaque',
      };
      const updated = await store.update('t-1', 1, waiting);
      expect(updated).toMatchObject({ ...waiting, call, runId: 'r-1', version: 2 });
      const cancelled = await store.update('t-1', 2, { cancelRequested: true, heartbeatAt: 9 });
      expect(cancelled).toMatchObject({
        cancelRequested: true,
        heartbeatAt: 9,
        inputKeys: waiting.inputKeys,
      });
      const error = { code: -32603, message: 'stopped' };
      expect(await store.update('t-1', 3, { status: 'failed', error })).toMatchObject({
        status: 'failed',
        error,
      });
      expect(await store.get('t-1')).toMatchObject({ status: 'failed', error, requestState: 'opaque' });
    });

    it('deletes', async () => {
      const store = await newStore(Date.now);
      await store.create(sampleTask('t-1'));
      expect(await store.delete('t-1')).toBe(true);
      expect(await store.get('t-1')).toBeUndefined();
      expect(await store.update('t-1', 1, { status: 'cancelled' })).toBeUndefined();
      expect(await store.delete('t-1')).toBe(false);
    });
  });
}
