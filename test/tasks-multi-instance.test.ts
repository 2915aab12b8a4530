// Tasks across instances on one dynalite: two handlers ("cores") with their own runtimes share only the
// DynamoDB task store. A task created on A is polled to completion, answered and cancelled from B; a cancel
// racing completion ends in exactly one terminal state; a worker process killed mid-task is reported
// `failed` by the other instance within its lease; and the DynamoDB calls of `tasks/get` and a heartbeat
// are counted on the real client.
import {
  acceptedContent,
  type CallToolResult,
  fromJsonSchema,
  inputRequired,
  McpServer,
} from '@modelcontextprotocol/server';
import { createLambdaMcp, type LambdaMcpHandler, registerTaskTool } from 'lambda-mcp';
import { createDynamoStores, DynamoTaskStore } from 'lambda-mcp/dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { TEST_KEY } from './helpers.js';
import { startServerProcess } from './support/server-process.js';
import { messageOf, readSse } from './support/sse-reader.js';
import {
  modernPost,
  NO_ARGS,
  pollUntil,
  readAnswer,
  taskEnvelope,
  type TaskWire as Wire,
} from './support/tasks-wire.js';

const META = taskEnvelope('multi');
const HEARTBEAT_MS = 200;

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** Every gate a `job` waits on; the test opens them. */
const gates = new Map<string, () => void>();
const waiting: Array<() => void> = [];

function fixture() {
  const server = new McpServer({ name: 'multi', version: '1' });
  registerTaskTool(
    server,
    'job',
    {
      inputSchema: fromJsonSchema<{ key: string }>({
        type: 'object',
        properties: { key: { type: 'string' } },
      }),
      taskSupport: 'optional',
    },
    async ({ key }, ctx): Promise<CallToolResult> => {
      await new Promise<void>((resolve, reject) => {
        gates.set(key, resolve);
        for (const notify of waiting.splice(0)) notify();
        ctx.mcpReq.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
      return { content: [{ type: 'text', text: `done ${key}` }] };
    },
  );
  registerTaskTool(server, 'ask', { inputSchema: NO_ARGS, taskSupport: 'optional' }, async (_a, ctx) => {
    const name = acceptedContent<{ name?: string }>(ctx.mcpReq.inputResponses, 'name')?.name;
    if (typeof name !== 'string') {
      return inputRequired({
        inputRequests: {
          name: inputRequired.elicit({
            message: 'Name?',
            requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
          }),
        },
      });
    }
    return { content: [{ type: 'text', text: `Hello, ${name}` }] };
  });
  registerTaskTool(
    server,
    'big',
    {
      inputSchema: fromJsonSchema<{ bytes: number }>({
        type: 'object',
        properties: { bytes: { type: 'number' } },
      }),
      taskSupport: 'optional',
    },
    async ({ bytes }) => ({ content: [{ type: 'text', text: 'x'.repeat(bytes) }] }),
  );
  return server;
}

/** Resolves once the job `key` is running (its gate exists). */
async function running(key: string): Promise<void> {
  while (!gates.has(key)) await new Promise<void>((resolve) => waiting.push(resolve));
}

const open: LambdaMcpHandler[] = [];
afterEach(async () => {
  for (const gate of gates.values()) gate();
  gates.clear();
  for (const handler of open.splice(0)) {
    await handler.tasks.idle();
    await handler.close();
  }
});

function core(tableName: string, client = dynamo.client) {
  const handler = createLambdaMcp(fixture, {
    requestStateKey: TEST_KEY,
    onerror: () => {},
    // The shared event log carries task changes to listen streams on the other instance.
    eventLog: createDynamoStores({ client, tableName }).eventLog,
    pollIntervalMs: 100,
    tasks: { store: new DynamoTaskStore({ client, tableName }), heartbeatMs: HEARTBEAT_MS },
  });
  open.push(handler);
  return handler;
}

let ids = 0;
async function rpc(target: LambdaMcpHandler | string, method: string, params: Record<string, unknown>) {
  const request = modernPost(method, params, META, ++ids, typeof target === 'string' ? { url: target } : {});
  return readAnswer(typeof target === 'string' ? await fetch(request) : await target.fetch(request));
}

/** Polls `tasks/get` on `target` until `done` holds (bounded: 10 s). */
const pollTask = (target: LambdaMcpHandler, taskId: string, done: (task: Wire) => boolean) =>
  pollUntil(async () => (await rpc(target, 'tasks/get', { taskId })).result as Wire, done, {
    intervalMs: 50,
  });

const terminal = (task: Wire) => ['completed', 'failed', 'cancelled'].includes(String(task.status));

describe('tasks across instances on one DynamoDB table', () => {
  it('created on A, polled to completion from B', async () => {
    const tableName = await dynamo.newTable();
    const [a, b] = [core(tableName), core(tableName)];
    const created = await rpc(a, 'tools/call', { name: 'job', arguments: { key: 'k1' } });
    const taskId = created.result?.taskId as string;
    // Strongly consistent read: B finds it at once.
    expect((await rpc(b, 'tasks/get', { taskId })).result?.status).toBe('working');
    await running('k1');
    gates.get('k1')?.();
    const done = await pollTask(b, taskId, terminal);
    expect(done).toMatchObject({ status: 'completed', result: { content: [{ text: 'done k1' }] } });
  });

  it('cancelled from B: A sees it at its next heartbeat, aborts the tool, and the task ends cancelled', async () => {
    const tableName = await dynamo.newTable();
    const [a, b] = [core(tableName), core(tableName)];
    const taskId = (await rpc(a, 'tools/call', { name: 'job', arguments: { key: 'k2' } })).result?.taskId;
    await running('k2');
    expect((await rpc(b, 'tasks/cancel', { taskId })).result?.resultType).toBe('complete');
    await a.tasks.idle();
    expect((await rpc(b, 'tasks/get', { taskId })).result?.status).toBe('cancelled');
  });

  it('answered on B: B resumes the task and A reads the result', async () => {
    const tableName = await dynamo.newTable();
    const [a, b] = [core(tableName), core(tableName)];
    const taskId = (await rpc(a, 'tools/call', { name: 'ask', arguments: {} })).result?.taskId;
    await a.tasks.idle();
    const waitingTask = (await rpc(b, 'tasks/get', { taskId })).result as Wire;
    expect(Object.keys(waitingTask.inputRequests ?? {})).toEqual(['name']);
    await rpc(b, 'tasks/update', {
      taskId,
      inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } },
    });
    await b.tasks.idle();
    expect((await rpc(a, 'tasks/get', { taskId })).result).toMatchObject({
      status: 'completed',
      result: { content: [{ text: 'Hello, Ada' }] },
    });
  });

  it('a listen stream on B receives the notifications/tasks of a task that runs on A', async () => {
    const tableName = await dynamo.newTable();
    const [a, b] = [core(tableName), core(tableName)];
    const taskId = String(
      (await rpc(a, 'tools/call', { name: 'job', arguments: { key: 'k3' } })).result?.taskId,
    );
    await running('k3');
    const response = await b.fetch(
      modernPost('subscriptions/listen', { notifications: { taskIds: [taskId] } }, META, 1),
    );
    const statuses: string[] = [];
    for await (const item of readSse(response.body as ReadableStream<Uint8Array>)) {
      const message = messageOf(item);
      if (message?.method !== 'notifications/tasks') continue;
      const status = String((message.params as Wire).status);
      statuses.push(status);
      if (status === 'working') gates.get('k3')?.();
    }
    expect(statuses).toEqual(['working', 'completed']);
  });

  it('a cancel racing completion ends in exactly one terminal state, which never changes', async () => {
    const tableName = await dynamo.newTable();
    const [a, b] = [core(tableName), core(tableName)];
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const key = `race-${i}`;
      const taskId = (await rpc(a, 'tools/call', { name: 'job', arguments: { key } })).result?.taskId;
      await running(key);
      const cancel = rpc(b, 'tasks/cancel', { taskId });
      gates.get(key)?.();
      await cancel;
      await a.tasks.idle();
      const first = await pollTask(b, String(taskId), terminal);
      expect(['completed', 'cancelled']).toContain(String(first.status));
      seen.add(String(first.status));
      // One terminal state: a later cancel, or a heartbeat's lease rule, changes nothing.
      await rpc(a, 'tasks/cancel', { taskId });
      expect((await rpc(a, 'tasks/get', { taskId })).result?.status).toBe(first.status);
      expect(first.status === 'completed' ? 'result' in first : !('result' in first)).toBe(true);
    }
    expect(seen.size).toBeGreaterThan(0);
  });

  it('a killed worker process: the other instance reports the task failed within its lease', async () => {
    const tableName = await dynamo.newTable();
    const worker = await startServerProcess('test/conformance/serve.ts', {
      env: {
        STORE: 'dynamodb',
        SESSION_TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        MCP_REQUEST_STATE_KEY: TEST_KEY,
        TASK_HEARTBEAT_SECONDS: String(HEARTBEAT_MS / 1000),
      },
    });
    const b = core(tableName);
    try {
      const created = await rpc(worker.url, 'tools/call', {
        name: 'slow_compute',
        arguments: { seconds: 60 },
      });
      const taskId = created.result?.taskId as string;
      expect((await rpc(b, 'tasks/get', { taskId })).result?.status).toBe('working');
      worker.child.kill('SIGKILL');
      await worker.stop();
      const killedAt = Date.now();
      const task = await pollTask(b, taskId, terminal);
      expect(task).toMatchObject({
        status: 'failed',
        error: { message: expect.stringContaining('worker stopped') },
      });
      // Lease = 3 heartbeats; allow for the last beat having just happened and one poll.
      expect(Date.now() - killedAt).toBeLessThan(3 * HEARTBEAT_MS + 1500);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('keeps a result larger than one item in chunks; fails a task whose result is over the limit, saying so', async () => {
    const tableName = await dynamo.newTable();
    const [a, b] = [core(tableName), core(tableName)];
    const large = (await rpc(a, 'tools/call', { name: 'big', arguments: { bytes: 1_000_000 } })).result
      ?.taskId;
    const huge = (await rpc(a, 'tools/call', { name: 'big', arguments: { bytes: 9_000_000 } })).result
      ?.taskId;
    await a.tasks.idle();
    const got = (await rpc(b, 'tasks/get', { taskId: large })).result;
    expect(got?.status).toBe('completed');
    expect(got?.result?.content?.[0]?.text).toHaveLength(1_000_000);
    expect((await rpc(b, 'tasks/get', { taskId: huge })).result).toMatchObject({
      status: 'failed',
      error: { code: -32603, message: expect.stringContaining('too large') },
    });
  });

  it('DynamoDB calls: tasks/get is one read; a heartbeat is one conditional update', async () => {
    const tableName = await dynamo.newTable();
    const counted = dynamo.newClient();
    const a = core(tableName, counted.client);
    const taskId = (await rpc(a, 'tools/call', { name: 'job', arguments: { key: 'budget' } })).result?.taskId;
    await running('budget');
    // Wait for the heartbeats to write: only UpdateItem, one per beat.
    counted.calls.length = 0;
    while (counted.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS / 2));
    expect(new Set(counted.calls)).toEqual(new Set(['UpdateItemCommand']));
    const b = dynamo.newClient();
    const reader = core(tableName, b.client);
    b.calls.length = 0;
    expect((await rpc(reader, 'tasks/get', { taskId })).result?.status).toBe('working');
    expect(b.calls).toEqual(['GetItemCommand']);
  });

  it('DynamoDB calls per task lifecycle: create, run to completion, poll', async () => {
    const tableName = await dynamo.newTable();
    const counted = dynamo.newClient();
    const a = core(tableName, counted.client);
    counted.calls.length = 0;
    const taskId = (await rpc(a, 'tools/call', { name: 'job', arguments: { key: 'life' } })).result?.taskId;
    await running('life');
    const create = [...counted.calls];
    counted.calls.length = 0;
    gates.get('life')?.();
    await a.tasks.idle();
    const completion = [...counted.calls];
    counted.calls.length = 0;
    expect((await rpc(a, 'tasks/get', { taskId })).result?.status).toBe('completed');
    const poll = [...counted.calls];
    console.log(
      `task lifecycle DynamoDB calls: create ${create.join(' ')}; completion ${completion.join(' ')}; tasks/get ${poll.join(' ')}`,
    );
    // Creating writes the record and its status event (for listen streams), and the runner reads the record
    // once and claims the run with one update; finishing writes the terminal record and its status event; a
    // poll reads once. A heartbeat (one update per 200 ms here) may fall in between on a slow machine.
    const beats = (calls: string[]) => calls.filter((call) => call === 'UpdateItemCommand');
    expect(create.slice(0, 4)).toEqual([
      'PutItemCommand',
      'PutItemCommand',
      'GetItemCommand',
      'UpdateItemCommand',
    ]);
    expect(create.length - 4).toBe(beats(create.slice(4)).length);
    expect(completion.slice(-2)).toEqual(['UpdateItemCommand', 'PutItemCommand']);
    expect(beats(completion.slice(0, -2))).toHaveLength(completion.length - 2);
    expect(poll).toEqual(['GetItemCommand']);
  });
});
