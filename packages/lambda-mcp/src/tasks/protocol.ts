// The wire side of the MCP Tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`): how a stored task
// reads on the wire (`CreateTaskResult`, the `DetailedTask` of `tasks/get` and `notifications/tasks`), how a
// request declares the extension, the errors the extension defines, and the lease rule that turns a
// `working` task whose runner went silent into a `failed` one. Pure functions over records, so every
// instance answers the same for the same stored task.
import { type AuthInfo, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { TaskCall, TaskError, TaskPatch, TaskRecord } from './types.js';

/** The extension's identifier, in capabilities and in `requiredCapabilities`. */
export const TASKS_EXTENSION_ID = 'io.modelcontextprotocol/tasks';

/** The `_meta` key of the per-request client capabilities (2026-07-28 envelope). */
const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';

/** The JSON-RPC error a task reports when its runner stopped heartbeating. */
export const WORKER_STOPPED_MESSAGE = 'The task worker stopped before the task finished';

/**
 * Whether a request's `_meta` envelope declares the Tasks extension in its client capabilities.
 *
 * @example
 * declaresTasks({ 'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } } }); // true
 */
export function declaresTasks(envelope: unknown): boolean {
  const capabilities = (envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_KEY];
  const extensions = (capabilities as { extensions?: unknown } | undefined)?.extensions;
  if (typeof extensions !== 'object' || extensions === null) return false;
  const declared = (extensions as Record<string, unknown>)[TASKS_EXTENSION_ID];
  return typeof declared === 'object' && declared !== null;
}

/** The `-32021` error for a client that did not declare the extension where it is needed. */
export function missingTasksCapability(what: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.MissingRequiredClientCapability,
    `Missing required client capability: ${what} needs the ${TASKS_EXTENSION_ID} extension`,
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } },
  );
}

/** The `-32602` error for a task id that is unknown, expired, or another principal's. */
export function unknownTask(): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
}

/**
 * The task as the client must see it at `now`: a `working` task whose last heartbeat is older than its
 * lease is `failed` (its runner stopped), whether or not that was written yet.
 */
export function observedTask(record: TaskRecord, now: number): TaskRecord {
  if (!isLeaseExpired(record, now)) return record;
  return { ...record, status: 'failed', error: workerStoppedError(), statusMessage: WORKER_STOPPED_MESSAGE };
}

/**
 * Whether a worker may start `run` of `record`: the task is `working` under that run, no worker has started it
 * yet (a repeated worker event finds it claimed; of two at once, one loses the versioned claim write), and
 * its lease has not run out (readers may already have been shown it failed).
 */
export function isClaimable(record: TaskRecord, run: { runId: string }, now: number): boolean {
  return (
    record.status === 'working' &&
    record.runId === run.runId &&
    record.claimedRunId !== run.runId &&
    !isLeaseExpired(record, now)
  );
}

/** Whether a `working` task's runner has gone silent for longer than its lease. */
export function isLeaseExpired(record: TaskRecord, now: number): boolean {
  return (
    record.status === 'working' &&
    record.heartbeatAt !== undefined &&
    record.leaseMs !== undefined &&
    now - record.heartbeatAt > record.leaseMs
  );
}

/** The error a task whose worker stopped ends with. */
export function workerStoppedError(): TaskError {
  return { code: ProtocolErrorCode.InternalError, message: WORKER_STOPPED_MESSAGE };
}

/** The `Task` fields every shape shares (no `resultType`, no status payload). */
function taskFields(record: TaskRecord): Record<string, unknown> {
  const task: Record<string, unknown> = {
    taskId: record.id,
    status: record.status,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUpdatedAt: new Date(record.updatedAt).toISOString(),
    ttlMs: Math.max(0, Math.round(record.expiresAt - record.createdAt)),
  };
  if (record.statusMessage !== undefined) task.statusMessage = record.statusMessage;
  if (record.pollIntervalMs !== undefined) task.pollIntervalMs = Math.round(record.pollIntervalMs);
  return task;
}

/**
 * The `CreateTaskResult` of a new task: `resultType: "task"` and the flat `Task` fields, nothing else (no
 * `requestState`, no result or input requests).
 *
 * @example
 * createTaskResult(record); // { resultType: 'task', taskId, status: 'working', createdAt, lastUpdatedAt, ttlMs, pollIntervalMs }
 */
export function createTaskResult(record: TaskRecord): Record<string, unknown> {
  return { resultType: 'task', ...taskFields(record) };
}

/**
 * The `DetailedTask` of a record: the `Task` fields plus the payload its status carries (`inputRequests`,
 * `result` or `error`). `tasks/get` answers it with `resultType: "complete"`; `notifications/tasks` sends it
 * as its params.
 *
 * @example
 * detailedTask({ ...record, status: 'completed', result: { content: [] } }); // { taskId, status: 'completed', ..., result: { content: [] } }
 */
export function detailedTask(record: TaskRecord): Record<string, unknown> {
  const task = taskFields(record);
  if (record.status === 'input_required') task.inputRequests = record.inputRequests ?? {};
  if (record.status === 'completed') task.result = record.result ?? { content: [] };
  if (record.status === 'failed') task.error = record.error ?? workerStoppedError();
  return task;
}

/** The patch of a task the client cancelled. */
export function cancelledPatch(): TaskPatch {
  return { status: 'cancelled', inputRequests: {}, statusMessage: 'Cancelled by the client' };
}

/** The patch of a task whose worker had to stop before the tool finished. */
export function timeoutPatch(): TaskPatch {
  const error: TaskError = { code: -32603, message: 'The task did not finish before the worker had to stop' };
  return { status: 'failed', error, statusMessage: error.message };
}

/** The caller's auth as a worker may see it: everything but the bearer token. */
export function storedAuth(authInfo: AuthInfo): NonNullable<TaskCall['auth']> {
  return {
    clientId: authInfo.clientId,
    scopes: [...authInfo.scopes],
    ...(authInfo.expiresAt !== undefined && { expiresAt: authInfo.expiresAt }),
    ...(authInfo.extra && { extra: authInfo.extra }),
  };
}
