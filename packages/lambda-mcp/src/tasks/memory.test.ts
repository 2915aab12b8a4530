// The in-memory TaskStore runs the shared contract; the lifecycle rule both stores use is tested on its own.
import { describe, expect, it, vi } from 'vitest';
import { runTaskStoreContract } from '../../test/task-store-contract.js';
import { TaskStateError } from '../errors.js';
import { MemoryTaskStore } from './memory.js';
import {
  assertTaskTransition,
  isTerminalTaskStatus,
  TASK_STATUSES,
  type TaskRecord,
  type TaskStatus,
} from './types.js';

runTaskStoreContract('memory', async (now) => new MemoryTaskStore(now));

describe('MemoryTaskStore bounds', () => {
  const task = (id: string, expiresAt: number): TaskRecord => ({
    id,
    status: 'working',
    createdAt: 0,
    updatedAt: 0,
    expiresAt,
    version: 1,
    result: { content: [{ type: 'text', text: 'x'.repeat(1000) }] },
  });

  it('drops expired tasks nobody reads on its own sweep timer, results included', async () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const store = new MemoryTaskStore(() => clock);
      for (let i = 0; i < 500; i++) await store.create(task(`t${i}`, 60_000));
      await store.create(task('later', 600_000));
      clock = 120_000;
      expect(store.size).toBe(501); // held until the sweep: nobody read them
      vi.advanceTimersByTime(60_000);
      expect(store.size).toBe(1);
      expect(await store.get('later')).toMatchObject({ id: 'later' });
      store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds at most maxTasks, the least recently written evicted', async () => {
    const store = new MemoryTaskStore(() => 0, { maxTasks: 3 });
    for (const id of ['a', 'b', 'c']) await store.create(task(id, 60_000));
    await store.update('a', 1, { statusMessage: 'touched' });
    await store.create(task('d', 60_000));
    expect(await store.get('b')).toBeUndefined();
    expect((await Promise.all(['a', 'c', 'd'].map((id) => store.get(id)))).map((t) => t?.id)).toEqual([
      'a',
      'c',
      'd',
    ]);
    store.close();
  });
});

describe('assertTaskTransition', () => {
  const terminal: TaskStatus[] = ['completed', 'failed', 'cancelled'];

  it('lets working and input_required move anywhere, themselves included', () => {
    for (const from of ['working', 'input_required'] as const) {
      for (const to of TASK_STATUSES) expect(() => assertTaskTransition(from, to)).not.toThrow();
    }
  });

  it('never lets a terminal status change, not even to itself', () => {
    for (const from of terminal) {
      expect(isTerminalTaskStatus(from)).toBe(true);
      for (const to of TASK_STATUSES) expect(() => assertTaskTransition(from, to)).toThrow(TaskStateError);
    }
    expect(() => assertTaskTransition('completed', 'working')).toThrow(
      'A task that is completed cannot become working',
    );
  });

  it('rejects unknown statuses', () => {
    expect(() => assertTaskTransition('working', 'done' as TaskStatus)).toThrow(TaskStateError);
    expect(() => assertTaskTransition('done' as TaskStatus, 'working')).toThrow(TaskStateError);
  });
});
