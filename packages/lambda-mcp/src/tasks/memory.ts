// In-memory TaskStore: the embedded default for local runs and unit tests. It behaves like the DynamoDB
// store (copies in and out, conditional create, versioned update, lifecycle checks, expiry on read) so that
// both pass one contract suite. State lives in this process only: share one instance to share it.
import { DEFAULT_MEMORY_SWEEP_MS } from '../stores/memory.js';
import { VersionedMap } from '../stores/versioned-map.js';
import { assertTaskTransition, type TaskPatch, type TaskRecord, type TaskStore } from './types.js';

/** Most tasks a memory store holds by default: past it, the least recently written one is dropped. */
export const DEFAULT_MEMORY_MAX_TASKS = 10_000;

/** Limits of a {@link MemoryTaskStore}. */
export interface MemoryTaskStoreLimits {
  /** Most tasks held; a new one evicts the least recently written. Default {@link DEFAULT_MEMORY_MAX_TASKS}. */
  maxTasks?: number;
  /** How often expired tasks nobody reads are dropped, in ms. Default 60000. */
  sweepIntervalMs?: number;
}

/**
 * Tasks in a versioned map, bounded like the memory session store: expired tasks (results included) are
 * swept every minute, and at most `maxTasks` are held. `now` is injectable so tests can move time.
 */
export class MemoryTaskStore extends VersionedMap<TaskRecord, TaskPatch> implements TaskStore {
  constructor(now: () => number = Date.now, limits: MemoryTaskStoreLimits = {}) {
    super('Task', now, {
      maxRecords: limits.maxTasks ?? DEFAULT_MEMORY_MAX_TASKS,
      sweepIntervalMs: limits.sweepIntervalMs ?? DEFAULT_MEMORY_SWEEP_MS,
    });
  }

  /** Checks the lifecycle; an `undefined` field leaves the stored value as it is, like the DynamoDB store. */
  protected changes(current: Readonly<TaskRecord>, patch: TaskPatch): Partial<TaskRecord> {
    assertTaskTransition(current.status, patch.status ?? current.status);
    const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    return { ...changes, updatedAt: patch.updatedAt ?? this.now() };
  }
}
