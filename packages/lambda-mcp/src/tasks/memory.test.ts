// The in-memory TaskStore runs the shared contract; the lifecycle rule both stores use is tested on its own.
import { describe, expect, it } from 'vitest';
import { runTaskStoreContract } from '../../test/task-store-contract.js';
import { TaskStateError } from '../errors.js';
import { MemoryTaskStore } from './memory.js';
import { assertTaskTransition, isTerminalTaskStatus, TASK_STATUSES, type TaskStatus } from './types.js';

runTaskStoreContract('memory', async (now) => new MemoryTaskStore(now));

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
