// Following a task to its end, as `call --task` does: `tasks/get` every `pollIntervalMs` (as the server
// last said), each status change reported once, each new `inputRequests` key answered once through
// `tasks/update`, and an optional `tasks/cancel` after a delay, polling on until a terminal status (a task
// that completed first stays completed).
import { isTerminal, type TaskWire, type WireTask } from './wire.js';

/** Poll interval when the server gives none, in ms. */
export const DEFAULT_POLL_MS = 1000;
/** Bounds on the interval the client honours, in ms (a server's 0 or a day are not taken literally). */
const MIN_POLL_MS = 10;
const MAX_POLL_MS = 60_000;

/** Answers to input requests, by key, in the MRTR shape (`{ action, content }` for an elicitation). */
export type InputResponses = Record<string, unknown>;

/** What {@link followTask} does along the way. */
export interface FollowOptions {
  /** Each status change (and a new status message), the created task first. */
  onStatus?: (task: WireTask) => void;
  /** Answers the new `inputRequests` (keys not answered before) of an `input_required` task. */
  answer?: (requests: NonNullable<WireTask['inputRequests']>, task: WireTask) => Promise<InputResponses>;
  /** Sends `tasks/cancel` this many ms after following began. */
  cancelAfterMs?: number;
  /** Called once the cancel was acknowledged. */
  onCancelSent?: () => void;
  signal?: AbortSignal;
}

/** The interval the task asks for, bounded. */
export function pollInterval(task: WireTask): number {
  const ms = typeof task.pollIntervalMs === 'number' ? task.pollIntervalMs : DEFAULT_POLL_MS;
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms));
}

/** Waits `ms`, or less when `signal` aborts. */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls the task `created` (a CreateTaskResult) until it is terminal; resolves its last `tasks/get` answer.
 * Rejects when a request fails (an RpcError for a JSON-RPC error) or `answer` throws.
 *
 * @example
 * const done = await followTask(wire, created, { onStatus: (t) => console.error(t.status) });
 * if (done.status === 'completed') console.log(done.result);
 */
export async function followTask(
  wire: TaskWire,
  created: WireTask,
  options: FollowOptions = {},
): Promise<WireTask> {
  const taskId = created.taskId;
  const started = performance.now();
  const answered = new Set<string>();
  // A cancel still to send; once sent, the task's questions are no longer answered.
  let cancelPending = options.cancelAfterMs !== undefined;
  let cancelSent = false;
  let last = `${created.status}\u0000${created.statusMessage ?? ''}`;
  options.onStatus?.(created);
  let task = created;
  let interval = pollInterval(created);
  while (!isTerminal(task.status)) {
    if (options.signal?.aborted) throw new Error(`stopped following task ${taskId}`);
    const untilCancel = !cancelPending
      ? Number.POSITIVE_INFINITY
      : (options.cancelAfterMs as number) - (performance.now() - started);
    if (untilCancel <= 0) {
      await wire.call('tasks/cancel', { taskId }, { signal: options.signal });
      cancelPending = false;
      cancelSent = true;
      options.onCancelSent?.();
    } else {
      await wait(Math.min(interval, untilCancel), options.signal);
      if (cancelPending && performance.now() - started >= (options.cancelAfterMs as number)) continue;
    }
    const got = await wire.call('tasks/get', { taskId }, { signal: options.signal });
    task = { ...(got as WireTask), taskId: typeof got.taskId === 'string' ? got.taskId : taskId };
    interval = pollInterval(task);
    const seen = `${task.status}\u0000${task.statusMessage ?? ''}`;
    if (seen !== last) {
      last = seen;
      options.onStatus?.(task);
    }
    if (task.status === 'input_required' && task.inputRequests && options.answer && !cancelSent) {
      const fresh = Object.fromEntries(
        Object.entries(task.inputRequests).filter(([key]) => !answered.has(key)),
      );
      if (Object.keys(fresh).length > 0) {
        const inputResponses = await options.answer(fresh, task);
        for (const key of Object.keys(fresh)) answered.add(key);
        await wire.call('tasks/update', { taskId, inputResponses }, { signal: options.signal });
      }
    }
  }
  return task;
}
