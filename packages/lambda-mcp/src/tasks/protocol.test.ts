// The wire shapes of the Tasks extension and the lease rule, on records built by hand.
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../setup/env.js';
import { resolveTaskOptions } from './options.js';
import {
  createTaskResult,
  declaresTasks,
  detailedTask,
  isLeaseExpired,
  missingTasksCapability,
  observedTask,
  TASKS_EXTENSION_ID,
} from './protocol.js';
import type { TaskRecord } from './types.js';

const base: TaskRecord = {
  id: 't-1',
  status: 'working',
  createdAt: Date.UTC(2026, 0, 1),
  updatedAt: Date.UTC(2026, 0, 1, 0, 0, 5),
  expiresAt: Date.UTC(2026, 0, 1) + 60_000,
  pollIntervalMs: 1000,
  version: 3,
  heartbeatAt: 1000,
  leaseMs: 300,
  requestState: 'never on the wire',
};

describe('tasks protocol', () => {
  it('reads the extension off the per-request client capabilities only', () => {
    const caps = (value: unknown) => ({ 'io.modelcontextprotocol/clientCapabilities': value });
    expect(declaresTasks(caps({ extensions: { [TASKS_EXTENSION_ID]: {} } }))).toBe(true);
    expect(declaresTasks(caps({ extensions: { [TASKS_EXTENSION_ID]: true } }))).toBe(false);
    expect(declaresTasks(caps({ extensions: {} }))).toBe(false);
    expect(declaresTasks(caps({ tasks: {} }))).toBe(false);
    expect(declaresTasks(undefined)).toBe(false);
  });

  it('builds a flat CreateTaskResult with ISO times and integer ttlMs, nothing else', () => {
    expect(createTaskResult(base)).toStrictEqual({
      resultType: 'task',
      taskId: 't-1',
      status: 'working',
      createdAt: '2026-01-01T00:00:00.000Z',
      lastUpdatedAt: '2026-01-01T00:00:05.000Z',
      ttlMs: 60_000,
      pollIntervalMs: 1000,
    });
  });

  it('inlines the payload of each status in the DetailedTask', () => {
    const result = { content: [{ type: 'text', text: 'ok' }] };
    expect(detailedTask({ ...base, status: 'completed', result })).toMatchObject({
      status: 'completed',
      result,
    });
    const inputRequests = { a: { method: 'elicitation/create', params: {} } };
    expect(detailedTask({ ...base, status: 'input_required', inputRequests })).toMatchObject({
      inputRequests,
    });
    const error = { code: -32603, message: 'x' };
    const failed = detailedTask({ ...base, status: 'failed', error, result });
    expect(failed).toMatchObject({ error });
    expect(failed).not.toHaveProperty('result');
    expect(detailedTask({ ...base, status: 'cancelled' })).not.toHaveProperty('requestState');
  });

  it('reports a working task past its lease as failed, and nothing else', () => {
    expect(isLeaseExpired(base, 1300)).toBe(false);
    expect(isLeaseExpired(base, 1301)).toBe(true);
    expect(observedTask(base, 1301)).toMatchObject({ status: 'failed', error: { code: -32603 } });
    expect(observedTask({ ...base, status: 'input_required' }, 99_999).status).toBe('input_required');
    expect(observedTask(base, 1300)).toBe(base);
  });

  it('names the extension in the -32021 error data', () => {
    const error = missingTasksCapability('tasks/get');
    expect(error.code).toBe(-32021);
    expect(error.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } });
  });
});

describe('task options', () => {
  it('derives the lease from the heartbeat and applies the defaults', () => {
    expect(resolveTaskOptions()).toMatchObject({ heartbeatMs: 10_000, leaseMs: 30_000, ttlMs: 3_600_000 });
    expect(resolveTaskOptions({ heartbeatMs: 200 }).leaseMs).toBe(600);
    expect(() => resolveTaskOptions({ heartbeatMs: 0 })).toThrow(RangeError);
  });

  it('reads TASK_RUNNER and TASK_HEARTBEAT_SECONDS from the environment', () => {
    expect(optionsFromEnv({}).tasks).toBeUndefined();
    expect(optionsFromEnv({ TASK_RUNNER: 'lambda-async', TASK_HEARTBEAT_SECONDS: '0.2' }).tasks).toEqual({
      runner: 'lambda-async',
      heartbeatMs: 200,
    });
    expect(() => optionsFromEnv({ TASK_RUNNER: 'threads' })).toThrow(
      'TASK_RUNNER must be in-process or lambda-async',
    );
    expect(() => optionsFromEnv({ TASK_HEARTBEAT_SECONDS: '0' })).toThrow('TASK_HEARTBEAT_SECONDS');
  });
});
