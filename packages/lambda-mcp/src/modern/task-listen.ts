// `notifications/tasks` on `subscriptions/listen` (SEP-2663 § Task Status Notifications). The SDK's listen
// router knows the four list/resource filters only, so the leg handles `notifications.taskIds` at its edge:
// a client that did not declare the extension gets -32021; otherwise the ids it may see (its own, known
// tasks) are taken off the request, the SDK serves the rest of the listen stream, and this wrapper adds the
// honoured ids to the SDK's acknowledgement, then sends each task's current state and every later change.
// Changes travel through the event feed as session-scoped events of a per-task pseudo session
// (`task:<id>`), so a listen stream on any instance receives them and no other stream ever does.
import { type AuthInfo, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { EventFeed } from '../events/feed.js';
import { jsonRpcErrorResponse, RpcCode } from '../http/responses.js';
import { declaresTasks, detailedTask, missingTasksCapability, observedTask } from '../tasks/protocol.js';
import type { TaskRuntime } from '../tasks/runtime.js';
import { isTerminalTaskStatus, type TaskRecord, type TaskStatus } from '../tasks/types.js';

/** The event type of a task change in the feed. Never sent to clients as it is. */
export const TASK_CHANGED_EVENT = 'lambda-mcp/task-changed';

const ACK_METHOD = 'notifications/subscriptions/acknowledged';

/** The pseudo session whose events carry the changes of one task. */
const taskScope = (taskId: string) => ({ kind: 'session' as const, sessionId: `task:${taskId}` });

/** Publishes a task's new state to listen streams everywhere (best effort: polling always works). */
export function publishTaskChange(
  feed: EventFeed,
  record: TaskRecord,
  onerror: (error: Error) => void,
): void {
  const task = detailedTask(record);
  const send = (data: { version: number; task: unknown }) =>
    feed.publish({ type: TASK_CHANGED_EVENT, source: 'lambda-mcp', data }, taskScope(record.id));
  const { version } = record;
  send({ version, task }).catch(() =>
    // Too large for one event (a big result): the status alone, the result is read with tasks/get.
    send({ version, task: { ...task, result: undefined, error: undefined } }).catch((error: unknown) =>
      onerror(error as Error),
    ),
  );
}

/** Most task ids one listen may name: each is a store read and a bus subscription for the stream's life. */
export const MAX_LISTENED_TASKS = 100;

/** The task ids a listen body asks for, or `undefined` when it asks for none. */
function requestedTaskIds(body: unknown): { ids: string[]; message: Record<string, unknown> } | undefined {
  const message = body as { method?: unknown; params?: { notifications?: { taskIds?: unknown } } } | null;
  if (message?.method !== 'subscriptions/listen') return undefined;
  const ids = message.params?.notifications?.taskIds;
  if (!Array.isArray(ids) || ids.length === 0) return undefined;
  return {
    ids: ids.filter((id): id is string => typeof id === 'string'),
    message: message as Record<string, unknown>,
  };
}

/**
 * Serves a `subscriptions/listen` that names task ids; `undefined` for any other request (the SDK serves it).
 * `serve` hands a body to the SDK and resolves its answer.
 */
export async function serveTaskListen(
  body: unknown,
  authInfo: AuthInfo | undefined,
  runtime: TaskRuntime,
  feed: EventFeed,
  now: () => number,
  serve: (body: unknown) => Promise<Response>,
  signal: AbortSignal,
): Promise<Response | undefined> {
  const asked = requestedTaskIds(body);
  if (!asked) return undefined;
  const params = asked.message.params as { _meta?: unknown; notifications: Record<string, unknown> };
  if (!declaresTasks(params._meta)) {
    const error = missingTasksCapability('task status notifications');
    const id = asked.message.id;
    const answer = jsonRpcErrorResponse(
      400,
      error.code,
      error.message,
      {},
      typeof id === 'string' || typeof id === 'number' ? id : null,
    );
    const json = (await answer.json()) as { error: Record<string, unknown> };
    json.error.data = error.data;
    return Response.json(json, { status: 400 });
  }
  const unique = [...new Set(asked.ids)];
  if (unique.length > MAX_LISTENED_TASKS) {
    const id = asked.message.id;
    return jsonRpcErrorResponse(
      400,
      RpcCode.InvalidParams,
      `Invalid params: a listen names at most ${MAX_LISTENED_TASKS} task ids; got ${unique.length}`,
      {},
      typeof id === 'string' || typeof id === 'number' ? id : null,
    );
  }
  // Read together (one store read each), not one after another.
  const records = await Promise.all(unique.map((id) => runtime.visible(id, authInfo)));
  const tasks = new Map<string, TaskRecord>();
  unique.forEach((id, index) => {
    const record = records[index];
    if (record) tasks.set(id, record);
  });
  const { taskIds: _taskIds, ...rest } = params.notifications;
  const response = await serve({ ...asked.message, params: { ...params, notifications: rest } });
  if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
  if (tasks.size === 0) return response;
  return new Response(withTaskEvents(response.body, tasks, feed, now, signal), {
    status: response.status,
    headers: response.headers,
  });
}

/** Whether a `DetailedTask` (or record) is in a terminal status. */
const isTerminal = (task: unknown) =>
  isTerminalTaskStatus(String((task as { status?: unknown } | null)?.status) as TaskStatus);

/**
 * The SDK's listen stream, with the honoured task ids in its ack and the tasks' notifications after it. The
 * SDK ends a stream with no filter of its own to serve at once; then its closing answer is held until every
 * listened task is terminal or the request ends (client gone, listen window over).
 */
function withTaskEvents(
  source: ReadableStream<Uint8Array>,
  tasks: Map<string, TaskRecord>,
  feed: EventFeed,
  now: () => number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const unsubscribes: Array<() => void> = [];
  const live = new Set<string>();
  let pending = '';
  let acked = false;
  let output: ReadableStreamDefaultController<Uint8Array> | undefined;
  let subscriptionId: unknown;
  let held: string | undefined;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  signal.addEventListener('abort', () => release(), { once: true });
  /** The last version sent per task, so a change the log replays (or an older one) is not sent twice. */
  const sent = new Map<string, number>();
  const notify = (id: string, version: number, task: unknown) => {
    if (!live.has(id) || version <= (sent.get(id) ?? 0)) return;
    sent.set(id, version);
    const params = { ...(task as object), _meta: { [SUBSCRIPTION_ID_META_KEY]: subscriptionId } };
    const message = { jsonrpc: '2.0', method: 'notifications/tasks', params };
    try {
      output?.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
    } catch {
      // The stream closed meanwhile.
    }
    if (isTerminal(task)) live.delete(id);
    if (live.size === 0) release();
  };
  const afterAck = () => {
    acked = true;
    for (const [id, record] of tasks) {
      live.add(id);
      unsubscribes.push(
        feed.bus.subscribe({
          ...taskScope(id),
          filter: (event) => event.type === TASK_CHANGED_EVENT,
          deliver: ({ event }) => {
            const change = event.data as { version?: unknown; task?: unknown } | null;
            if (typeof change?.version === 'number') notify(id, change.version, change.task);
          },
        }),
      );
      notify(id, record.version, detailedTask(observedTask(record, now())));
    }
  };
  /** One SSE frame of the SDK's: passed on (the ack with the task ids added), or held when it ends the stream. */
  const frame = (text: string): string => {
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('data:'));
    if (at < 0) return text;
    try {
      const message = JSON.parse((lines[at] as string).slice(5));
      if (acked && message && 'id' in message && live.size > 0) {
        held = text;
        return '';
      }
      if (acked || message?.method !== ACK_METHOD) return text;
      subscriptionId = message.params?._meta?.[SUBSCRIPTION_ID_META_KEY];
      const notifications = { ...message.params?.notifications, taskIds: [...tasks.keys()] };
      message.params = { ...message.params, notifications };
      lines[at] = `data: ${JSON.stringify(message)}`;
      const rewritten = lines.join('\n');
      output?.enqueue(encoder.encode(rewritten));
      afterAck();
      return '';
    } catch {
      return text;
    }
  };
  const reader = source.getReader();
  const stop = () => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller;
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        if (held !== undefined) await released;
        stop();
        const rest = (pending ? frame(pending) : '') + (held ?? '');
        if (rest) controller.enqueue(encoder.encode(rest));
        controller.close();
        return;
      }
      pending += decoder.decode(value, { stream: true });
      for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
        const out = frame(pending.slice(0, end + 2));
        pending = pending.slice(end + 2);
        if (out) controller.enqueue(encoder.encode(out));
      }
    },
    async cancel(reason) {
      stop();
      release();
      await reader.cancel(reason);
    },
  });
}
