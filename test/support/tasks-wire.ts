// The raw 2026-07-28 wire of the Tasks extension (SEP-2663) as the task tests speak it: the extension id, the
// shape of a task result as they read it, the per-request `_meta` envelope, the POST a client sends (with
// the Mcp-Method / Mcp-Name headers the revision requires), a reader of the answer (JSON or the SSE body's
// last message), and the gate / bounded poll the tests use instead of sleeps. One copy, so every task test
// puts the same bytes on the wire.
import { fromJsonSchema } from '@modelcontextprotocol/server';
import type { TASKS_EXTENSION_ID } from 'lambda-mcp';
import { ACCEPT_BOTH, sseMessages, URL_ } from '../helpers.js';

/**
 * The extension's identifier, written as the spec writes it (not read from the library, so a test checks the
 * library against the spec); the type makes the typecheck fail should the library's constant ever differ.
 *
 * @example
 * expect(discovered.result?.capabilities?.extensions).toEqual({ [TASKS]: {} });
 */
export const TASKS: typeof TASKS_EXTENSION_ID = 'io.modelcontextprotocol/tasks';

/**
 * A result as the task tests read it: a task, an ack, a tool result or a discover answer. `Structured` is
 * the tool's structured content, for the tests that read it.
 *
 * @example
 * const task = (await rpc('tasks/get', { taskId })).result as TaskWire;
 * expect(task.status).toBe('completed');
 */
export interface TaskWire<Structured = unknown> {
  [key: string]: unknown;
  resultType?: string;
  taskId?: string;
  status?: string;
  statusMessage?: string;
  ttlMs?: number;
  pollIntervalMs?: number;
  inputRequests?: Record<string, { method?: string }>;
  result?: {
    isError?: boolean;
    structuredContent?: Structured;
    content?: Array<{ type?: string; text?: string }>;
  };
  structuredContent?: Structured;
  error?: { code?: number; message?: string };
  capabilities?: { extensions?: unknown };
}

/**
 * A JSON-RPC answer carrying a {@link TaskWire} result, or an error.
 *
 * @example
 * const answer: TaskAnswer = await readAnswer(response);
 * expect(answer.error?.code).toBe(-32602);
 */
export interface TaskAnswer<Structured = unknown> {
  result?: TaskWire<Structured>;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * The input schema of a tool without arguments.
 *
 * @example
 * registerTaskTool(server, 'job', { inputSchema: NO_ARGS, taskSupport: 'optional' }, run);
 */
export const NO_ARGS = fromJsonSchema<Record<string, never>>({ type: 'object', properties: {} });

/**
 * The 2026-07-28 `_meta` envelope of one request: protocol version, client info named `clientName`, and the
 * client capabilities `capabilities` (elicitation by default), plus the Tasks extension when `declare`.
 *
 * @example
 * taskEnvelope('multi'); // declares elicitation and the extension
 * taskEnvelope('monitor', false, {}); // declares nothing
 */
export function taskEnvelope(
  clientName: string,
  declare = true,
  capabilities: Record<string, unknown> = { elicitation: {} },
): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: clientName, version: '1' },
    'io.modelcontextprotocol/clientCapabilities': declare
      ? { ...capabilities, extensions: { [TASKS]: {} } }
      : capabilities,
  };
}

/**
 * The headers of a 2026-07-28 POST of `method`: Mcp-Name is `name`, by default the tool of a `tools/call`
 * or the `taskId` of a task method, and absent when that is not a string (e.g. `server/discover`).
 *
 * @example
 * httpApiEvent({ headers: modernHeaders('tools/call', { name: 'add' }), body });
 */
export function modernHeaders(
  method: string,
  params: Record<string, unknown>,
  name: unknown = method === 'tools/call' ? params.name : params.taskId,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: ACCEPT_BOTH,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...(typeof name === 'string' && { 'mcp-name': name }),
  };
}

/**
 * The JSON-RPC request body: `params` with the `_meta` envelope `meta`, under request id `id`.
 *
 * @example
 * modernBody('tasks/get', { taskId }, taskEnvelope('lambda'), 7);
 */
export function modernBody(
  method: string,
  params: Record<string, unknown>,
  meta: Record<string, unknown>,
  id: number,
): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } });
}

/** Options of {@link modernPost}. */
export interface ModernPostOptions {
  /** Where to send it; default the in-process test URL. */
  url?: string;
  /** The Mcp-Name header, instead of the one {@link modernHeaders} derives. */
  name?: string;
}

/**
 * A raw 2026-07-28 POST of `method` with `params`, the envelope `meta` and request id `id`.
 *
 * @example
 * const response = await handler.fetch(modernPost('tasks/get', { taskId }, taskEnvelope('tasks-test'), 3));
 */
export function modernPost(
  method: string,
  params: Record<string, unknown>,
  meta: Record<string, unknown>,
  id: number,
  options: ModernPostOptions = {},
): Request {
  return new Request(options.url ?? URL_, {
    method: 'POST',
    headers: modernHeaders(method, params, options.name),
    body: modernBody(method, params, meta, id),
  });
}

/**
 * The JSON-RPC answer of `response`: its JSON body, or the last message of an SSE body.
 *
 * @example
 * const { result } = await readAnswer(await handler.fetch(modernPost('server/discover', {}, meta, 1)));
 */
export async function readAnswer<Structured = unknown>(response: Response): Promise<TaskAnswer<Structured>> {
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    return (await response.json()) as TaskAnswer<Structured>;
  }
  return sseMessages(await response.text()).at(-1) as TaskAnswer<Structured>;
}

/**
 * A promise the test resolves, so a tool (or a mocked AWS call) finishes exactly when the test says.
 *
 * @example
 * const job = gate();
 * run(() => job.opened);
 * job.open();
 */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** The pause between reads, in ms. Default 10. */
  intervalMs?: number;
  /** After this many ms the last value read is returned, whether `done` holds or not. Default 10 000. */
  timeoutMs?: number;
}

/**
 * Reads with `read` until `done` holds for the value (bounded: see {@link PollOptions}) and returns the
 * last value read, for the test to assert on.
 *
 * @example
 * const task = await pollUntil(() => get(taskId), (t) => t.status === 'completed');
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}
