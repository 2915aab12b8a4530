// The DynamoDB calls of one durable task's lifecycle (the Tasks extension, SEP-2663), for the cost table of
// dynamo-cost.ts: created by a 2026-07-28 `tools/call` from a client that declares the extension, its
// completion (the result stored, the status change logged for listeners), `tasks/get` and `tasks/cancel` of
// the finished task, and one heartbeat of a running task (another instance's, with a short interval). The
// tools run in process (the in-process runner) and wait on gates the bench opens, so each step's calls are
// its own.
import { McpServer } from '@modelcontextprotocol/server';
import { createLambdaMcp, registerTaskTool } from 'lambda-mcp';
import { createDynamoStores, type DynamoClientInput } from 'lambda-mcp/dynamodb';
import { z } from 'zod';
import { BENCH_KEY } from '../subjects/key.js';

const MODERN = '2026-07-28';
const TASKS = 'io.modelcontextprotocol/tasks';
/** Short, so the measured heartbeat comes without waiting long. */
const HEARTBEAT_MS = 300;
/** Longer than the bench takes: no heartbeat of this instance falls into another step's row. */
const QUIET_HEARTBEAT_MS = 600_000;

const NO_ARGUMENTS = z.object({});

/** A promise the bench resolves: a tool finishes when the bench says, whenever it started. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** `promise`, or a thrown error naming `what` when the run ended first or 10 s passed. */
async function within<T>(promise: Promise<T>, ended: Promise<unknown>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const fail = (why: string) => () => {
    throw new Error(`${what}: ${why}`);
  };
  try {
    return await Promise.race([
      promise,
      ended.then(fail('the task run ended before its tool started')),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not within 10 s`)), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A raw 2026-07-28 request of a client that declares the tasks extension. */
function taskRequest(id: number, method: string, params: Record<string, unknown>, name: string): Request {
  return new Request('http://127.0.0.1/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      'mcp-name': name,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'bench-cost', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS]: {} } },
        },
      },
    }),
  });
}

/** The JSON-RPC result of `response`, or a thrown error naming `what`. */
async function resultOf(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  const body = JSON.parse(text) as { result?: Record<string, unknown> };
  if (response.status !== 200 || !body.result) throw new Error(`${what}: HTTP ${response.status}: ${text}`);
  return body.result;
}

/**
 * Measures each lifecycle step with `measure` (which clears, runs and records the calls) on `tableName`.
 *
 * `nextCall` resolves once the client has sent a command (the heartbeat's).
 *
 * @example
 * await measureTaskLifecycle(client, tableName, measure, nextCall);
 */
export async function measureTaskLifecycle(
  client: DynamoClientInput,
  tableName: string,
  measure: (kind: string, step: () => Promise<unknown>) => Promise<void>,
  nextCall: () => Promise<void>,
): Promise<void> {
  // Two instances of the same server: one whose heartbeat never comes during its steps (so its creation and
  // completion rows hold only their own calls), one whose heartbeat is measured.
  const build = (heartbeatMs: number, done: Promise<void>, started: () => void) =>
    createLambdaMcp(
      () => {
        const server = new McpServer({ name: 'bench-tasks', version: '1' });
        registerTaskTool(server, 'job', { inputSchema: NO_ARGUMENTS, taskSupport: 'required' }, async () => {
          started();
          await done;
          return { content: [{ type: 'text', text: 'done' }] };
        });
        return server;
      },
      { ...createDynamoStores({ client, tableName }), requestStateKey: BENCH_KEY, tasks: { heartbeatMs } },
    );
  const quietGate = gate();
  const beatingGate = gate();
  const quietRunning = gate();
  const beatingRunning = gate();
  const quiet = build(QUIET_HEARTBEAT_MS, quietGate.opened, quietRunning.open);
  const beating = build(HEARTBEAT_MS, beatingGate.opened, beatingRunning.open);
  const release = () => {
    quietGate.open();
    beatingGate.open();
  };
  const start = async (handler: typeof quiet) => {
    const created = await resultOf(
      await handler.fetch(taskRequest(1, 'tools/call', { name: 'job', arguments: {} }, 'job')),
      'task tools/call',
    );
    if (created.resultType !== 'task') throw new Error(`tools/call made no task: ${JSON.stringify(created)}`);
    return String(created.taskId);
  };
  try {
    let taskId = '';
    // Creation includes what the run writes as it starts (it starts right after the answer).
    await measure('task created (2026-07-28 tools/call)', async () => {
      taskId = await start(quiet);
      await within(quietRunning.opened, quiet.tasks.idle(), 'the created task');
    });
    await measure('task completed (result stored, status logged)', async () => {
      quietGate.open();
      await quiet.tasks.idle();
    });
    await measure('tasks/get', async () => {
      const got = await resultOf(await quiet.fetch(taskRequest(2, 'tasks/get', { taskId }, taskId)), 'get');
      if (got.status !== 'completed') throw new Error(`tasks/get: ${JSON.stringify(got)}`);
    });
    await measure('tasks/cancel of a finished task', async () => {
      await resultOf(await quiet.fetch(taskRequest(3, 'tasks/cancel', { taskId }, taskId)), 'cancel');
    });
    await start(beating);
    await within(beatingRunning.opened, beating.tasks.idle(), 'the heartbeat task');
    await measure('task heartbeat (each TASK_HEARTBEAT_SECONDS while it runs)', nextCall);
  } finally {
    release();
    await quiet.tasks.idle();
    await beating.tasks.idle();
    await quiet.close();
    await beating.close();
  }
}
