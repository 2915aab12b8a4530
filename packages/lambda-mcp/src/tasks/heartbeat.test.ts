// The heartbeat under a stalled store: one write at a time, however many intervals pass, and the beat resumes
// (carrying the latest status message) once the store answers; a cancellation it reads aborts the tool.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.js';
import { MemoryTaskStore } from './memory.js';
import type { TaskPatch, TaskRecord } from './types.js';

const T0 = 1_000_000;

function task(): TaskRecord {
  return {
    id: 't1',
    status: 'working',
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 3_600_000,
    runId: 'r1',
    heartbeatAt: T0,
    version: 1,
  };
}

/** A heartbeat of `task()` every 100 ms on `store`, recording why it aborted the tool. */
function beatOn(store: MemoryTaskStore) {
  const aborts: string[] = [];
  const beat = new Heartbeat(
    store,
    task(),
    100,
    Date.now,
    () => {},
    (why) => aborts.push(why),
  );
  return { beat, aborts };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Heartbeat', () => {
  it('keeps one write in flight while the store stalls, then resumes with the latest status', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    const store = new MemoryTaskStore(() => Date.now());
    await store.create(task());
    const patches: TaskPatch[] = [];
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const update = store.update.bind(store);
    store.update = async (id, version, patch) => {
      patches.push(patch);
      await stalled;
      return update(id, version, patch);
    };
    const { beat, aborts } = beatOn(store);
    beat.status('step 1');
    await vi.advanceTimersByTimeAsync(1000); // ten intervals against a stalled store
    expect(patches).toHaveLength(1);
    expect(patches[0]?.statusMessage).toBe('step 1');
    beat.status('step 2');
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(patches).toHaveLength(2);
    expect(patches[1]?.statusMessage).toBe('step 2');
    expect((await store.get('t1'))?.statusMessage).toBe('step 2');
    expect(aborts).toEqual([]);
    await beat.stop();
  });

  it('aborts the tool at the first beat after a cancellation was recorded elsewhere', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    const store = new MemoryTaskStore(() => Date.now());
    await store.create(task());
    await store.update('t1', 1, { cancelRequested: true });
    const { beat, aborts } = beatOn(store);
    await vi.advanceTimersByTimeAsync(100);
    expect(aborts).toEqual(['cancel']);
    await beat.stop();
  });
});
