// In-memory TaskStore: the embedded default for local runs and unit tests. It behaves like the DynamoDB
// store (copies in and out, conditional create, versioned update, lifecycle checks, expiry on read) so that
// both pass one contract suite. State lives in this process only: share one instance to share it.
import { VersionedMap } from '../stores/versioned-map.js';
import { assertTaskTransition, type TaskPatch, type TaskRecord, type TaskStore } from './types.js';

/** Tasks in a versioned map. `now` is injectable so tests can move time. */
export class MemoryTaskStore extends VersionedMap<TaskRecord, TaskPatch> implements TaskStore {
  constructor(now: () => number = Date.now) {
    super('Task', now);
  }

  /** Checks the lifecycle; an `undefined` field leaves the stored value as it is, like the DynamoDB store. */
  protected changes(current: Readonly<TaskRecord>, patch: TaskPatch): Partial<TaskRecord> {
    assertTaskTransition(current.status, patch.status ?? current.status);
    const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    return { ...changes, updatedAt: patch.updatedAt ?? this.now() };
  }
}
