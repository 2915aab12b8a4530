// The persistence seam of the MCP Tasks extension: one record per task, its lifecycle rules, and the store
// that keeps it. Like the session store it has an in-memory and a DynamoDB implementation (conditional
// create, versioned update, expiry on every read) that pass one contract suite.
import { TaskStateError } from '../errors.js';

/** Where a task is in its lifecycle; `completed`, `failed` and `cancelled` are terminal. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** Every task status, non-terminal ones first. */
export const TASK_STATUSES: readonly TaskStatus[] = [
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
];

/** What lambda-mcp remembers of one task between requests (and across instances). */
export interface TaskRecord {
  /** The task id handed to the client. */
  id: string;
  status: TaskStatus;
  /** The principal or session id that created the task, when known; only it may read the task. */
  owner?: string;
  /** A human-readable note on the current status. */
  statusMessage?: string;
  /** The JSON-RPC result or error payload of the underlying request, once the task is terminal. */
  result?: unknown;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
  /** Epoch milliseconds after which the task is treated as absent (creation time plus the task's ttl). */
  expiresAt: number;
  /** How long the client should wait between `tasks/get` polls, in ms. */
  pollIntervalMs?: number;
  /** Optimistic-locking version, incremented by every update. */
  version: number;
  /** The `tools/call` the task runs, kept so any instance (or a Lambda worker) can run or resume it. */
  call?: TaskCall;
  /** The JSON-RPC error of a `failed` task (`result` holds a `completed` task's result). */
  error?: TaskError;
  /** Outstanding input requests of an `input_required` task, by the key the client sees. */
  inputRequests?: Record<string, unknown>;
  /** The answers received so far, by the key the tool asked with; handed to the tool when it resumes. */
  inputResponses?: Record<string, unknown>;
  /** Every input key issued over the task's life, mapped to the key the tool used (keys are never reused). */
  inputKeys?: Record<string, string>;
  /** The MRTR `requestState` the tool returned with its last input request, handed back when it resumes. */
  requestState?: string;
  /** Set by `tasks/cancel` on a running task; its runner aborts the tool at its next heartbeat. */
  cancelRequested?: boolean;
  /** The run that owns a `working` task (a new one each time the task starts or resumes). */
  runId?: string;
  /**
   * The run a worker has started: set once, with a versioned write, by the first worker to run `runId`, so
   * a worker event delivered twice (Lambda delivers asynchronous events at least once) runs the tool once.
   */
  claimedRunId?: string;
  /** Epoch milliseconds of the running task's last heartbeat. */
  heartbeatAt?: number;
  /** How long a `working` task may go without a heartbeat before it is reported `failed`, in ms. */
  leaseMs?: number;
}

/** The tool call behind a task: what a runner dispatches again to run (or resume) the tool. */
export interface TaskCall {
  /** The tool's name. */
  name: string;
  /** The arguments, as the tool received them. */
  arguments?: Record<string, unknown>;
  /** The per-request `_meta` envelope of the call (protocol version, client info and capabilities). */
  meta?: Record<string, unknown>;
  /** The caller's verified auth, without its token (a worker has no business with the bearer token). */
  auth?: { clientId: string; scopes: string[]; expiresAt?: number; extra?: Record<string, unknown> };
}

/** A JSON-RPC error object, as a `failed` task carries it. */
export interface TaskError {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * The mutable part of a task, for {@link TaskStore.update}. Fields left `undefined` are unchanged, except
 * `updatedAt`, which defaults to the store's clock.
 */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    | 'status'
    | 'statusMessage'
    | 'result'
    | 'updatedAt'
    | 'expiresAt'
    | 'error'
    | 'inputRequests'
    | 'inputResponses'
    | 'inputKeys'
    | 'requestState'
    | 'cancelRequested'
    | 'runId'
    | 'claimedRunId'
    | 'heartbeatAt'
    | 'leaseMs'
  >
>;

/** Where tasks live. Implementations treat expired records as absent on every read. */
export interface TaskStore {
  /** Stores a new task; throws `StoreConflictError` when the id exists already. */
  create(record: TaskRecord): Promise<void>;
  /** The live task with this id, or `undefined` when unknown, expired or deleted. */
  get(id: string): Promise<TaskRecord | undefined>;
  /**
   * Applies `patch` when the stored version is still `expectedVersion`; resolves the new record, or
   * `undefined` when the task is gone. Throws `StoreConflictError` (with the stored record as `current`)
   * when another writer got there first, and `TaskStateError` when the patch breaks the lifecycle
   * ({@link assertTaskTransition}); in both cases nothing is written.
   */
  update(id: string, expectedVersion: number, patch: TaskPatch): Promise<TaskRecord | undefined>;
  /** Removes the task; resolves whether it existed. */
  delete(id: string): Promise<boolean>;
}

/** Whether `status` ends the task's lifecycle: `completed`, `failed` or `cancelled`. */
export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/**
 * Whether a task at `from` may be written with status `to` (`to === from` for a patch that keeps the
 * status). A terminal task never changes again; a non-terminal one may move to any known status.
 */
export function canTransitionTask(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_STATUSES.includes(from) && TASK_STATUSES.includes(to) && !isTerminalTaskStatus(from);
}

/**
 * Throws a `TaskStateError` unless a task at `from` may be written with status `to`: `working` and
 * `input_required` move between each other or to any terminal status; `completed`, `failed` and
 * `cancelled` never change again (not even to themselves, so a terminal result is never overwritten).
 * `options` go to the error: a store that learnt of the refusal from a failed write passes it as `cause`.
 *
 * @example
 * assertTaskTransition('working', 'completed'); // fine
 * assertTaskTransition('completed', 'working'); // throws TaskStateError
 */
export function assertTaskTransition(from: TaskStatus, to: TaskStatus, options?: ErrorOptions): void {
  if (!TASK_STATUSES.includes(to)) {
    throw new TaskStateError(`Unknown task status ${JSON.stringify(to)}`, options);
  }
  if (canTransitionTask(from, to)) return;
  if (!TASK_STATUSES.includes(from)) {
    throw new TaskStateError(`Unknown task status ${JSON.stringify(from)}`, options);
  }
  throw new TaskStateError(
    from === to
      ? `The task is ${from} already; a terminal task cannot change`
      : `A task that is ${from} cannot become ${to}; a terminal task cannot change`,
    options,
  );
}
