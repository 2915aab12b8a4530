// The Tasks extension (SEP-2663, io.modelcontextprotocol/tasks) on the wire, for `call --task` and the tasks
// suite: 2026-07-28 requests that declare the extension in their `_meta` client capabilities, with the
// routing headers the SEP asks for (`Mcp-Method`, and `Mcp-Name: <taskId>` on tasks/get, tasks/update and
// tasks/cancel). The v2 SDK client refuses `tasks/get` on a 2026-07-28 connection (it knows only the 2025
// tasks), so these requests are raw, built on the suites' request helpers.
import { isRecord } from '../guards.js';
import { type ReadResponse, type RpcMessage, readResponse } from '../runner/assert.js';
import { modernRequest } from '../runner/mcp.js';
import type { FetchFn } from '../sdk.js';
import { CLIENT_CAPABILITIES } from '../session/routing.js';

/** The extension's identifier. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** A task's status. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'cancelled' | 'failed';

/** The statuses a task never leaves. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['completed', 'cancelled', 'failed'];

/** A task as `tools/call` (CreateTaskResult) and `tasks/get` (DetailedTask) answer it. */
export interface WireTask {
  resultType?: unknown;
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt?: unknown;
  lastUpdatedAt?: unknown;
  ttlMs?: unknown;
  pollIntervalMs?: unknown;
  /** `input_required`: the server's requests, by key. */
  inputRequests?: Record<string, { method?: string; params?: Record<string, unknown> }>;
  /** `completed`: the tool's result. */
  result?: Record<string, unknown>;
  /** `failed`: the JSON-RPC error. */
  error?: { code?: unknown; message?: unknown; data?: unknown };
  [key: string]: unknown;
}

/** Whether `status` is terminal. */
export function isTerminal(status: unknown): boolean {
  return TERMINAL_STATUSES.includes(status as TaskStatus);
}

/** Whether `value` looks like a task (a `taskId` and a status). */
export function isWireTask(value: unknown): value is WireTask {
  return isRecord(value) && typeof value.taskId === 'string' && typeof value.status === 'string';
}

/** How a task request is sent. */
export interface TaskRequestOptions {
  /** Declare the extension in the client capabilities (default true; elicitation is declared either way). */
  declare?: boolean;
  /** The `Mcp-Name` header: default the `taskId` (tasks/*) or the tool name (tools/call); `null` for none. */
  name?: string | null;
  id?: string | number;
}

/**
 * A 2026-07-28 request declaring the Tasks extension: body and headers.
 *
 * @example
 * const { headers, message } = taskRequest('tasks/get', { taskId });
 * // headers['mcp-method'] === 'tasks/get', headers['mcp-name'] === taskId
 */
export function taskRequest(
  method: string,
  params: Record<string, unknown>,
  options: TaskRequestOptions = {},
): { headers: Record<string, string>; message: Record<string, unknown> } {
  const { headers, message } = modernRequest(method, params, { id: options.id ?? 1 });
  const taskId = typeof params.taskId === 'string' ? params.taskId : undefined;
  const name = options.name === undefined ? (taskId ?? headers['mcp-name']) : options.name;
  if (name === null || name === undefined) delete headers['mcp-name'];
  else headers['mcp-name'] = name;
  // Form and URL elicitation too (as `connect` declares them): a task's questions are elicitations.
  const body = message.params as { _meta: Record<string, unknown> };
  body._meta['io.modelcontextprotocol/clientCapabilities'] = {
    ...CLIENT_CAPABILITIES,
    ...(options.declare !== false && { extensions: { [TASKS_EXTENSION]: {} } }),
  };
  return { headers, message };
}

/** A JSON-RPC error answer, as an Error with its `code` and `data`. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: unknown,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Sends task requests to one endpoint through one `fetch` (with the caller's token and --debug). */
export class TaskWire {
  #id = 0;
  constructor(
    readonly url: URL,
    readonly fetch: FetchFn,
  ) {}

  /** Sends `method` and reads the answer in full, JSON or SSE. */
  async send(
    method: string,
    params: Record<string, unknown>,
    options: TaskRequestOptions & { signal?: AbortSignal } = {},
  ): Promise<ReadResponse> {
    const { headers, message } = taskRequest(method, params, { id: ++this.#id, ...options });
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(message),
      ...(options.signal && { signal: options.signal }),
    });
    return readResponse(response);
  }

  /** Sends `method` and resolves its result; rejects with an {@link RpcError} for an error answer. */
  async call(
    method: string,
    params: Record<string, unknown>,
    options: TaskRequestOptions & { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    return resultOf(method, await this.send(method, params, options));
  }
}

/** The result `read` carries; an {@link RpcError} for an error answer or no JSON-RPC answer at all. */
export function resultOf(method: string, read: ReadResponse): Record<string, unknown> {
  const message: RpcMessage | undefined = read.message;
  if (message?.error) {
    throw new RpcError(message.error.code, String(message.error.message ?? 'error'), message.error.data);
  }
  if (!message?.result) {
    throw new Error(`${method} got no JSON-RPC answer (HTTP ${read.status}: ${read.text.slice(0, 200)})`);
  }
  return message.result;
}
