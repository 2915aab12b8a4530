// The Tasks extension (SEP-2663) on the modern leg, over raw 2026-07-28 JSON-RPC through the real handler:
// durable creation, the lifecycle to a result, cancellation, input_required → tasks/update → resume, the
// errors the extension defines (-32602, -32020, -32021, -32601), principal isolation and the lease rule.
// Runs are awaited with `handler.tasks.idle()` and tools wait on gates the tests open: no sleeps.
import {
  type AuthInfo,
  acceptedContent,
  type CallToolResult,
  fromJsonSchema,
  inputRequired,
  McpServer,
  ProtocolError,
} from '@modelcontextprotocol/server';
import { createLambdaMcp, type LambdaMcpHandler, MemoryTaskStore, registerTaskTool } from 'lambda-mcp';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_KEY } from './helpers.js';
import { messageOf, readSse } from './support/sse-reader.js';
import {
  gate,
  modernPost,
  NO_ARGS,
  pollUntil,
  readAnswer,
  TASKS,
  taskEnvelope,
  type TaskWire as Wire,
} from './support/tasks-wire.js';

const meta = (declare: boolean) => taskEnvelope('tasks-test', declare);
const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

function fixture(gates: { job: ReturnType<typeof gate> }) {
  return () => {
    const server = new McpServer({ name: 'tasks-test', version: '1' });
    registerTaskTool(server, 'job', { inputSchema: NO_ARGS, taskSupport: 'optional' }, async (_a, ctx) => {
      await ctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken: 1, progress: 0, message: 'halfway' },
      });
      await Promise.race([
        gates.job.opened,
        new Promise((_, reject) =>
          ctx.mcpReq.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
      ]);
      return text('job done');
    });
    registerTaskTool(server, 'required_job', { inputSchema: NO_ARGS, taskSupport: 'required' }, async () =>
      text('required done'),
    );
    registerTaskTool(
      server,
      'shaped',
      {
        inputSchema: NO_ARGS,
        outputSchema: fromJsonSchema<{ total: number }>({
          type: 'object',
          properties: { total: { type: 'number' } },
          required: ['total'],
        }),
        taskSupport: 'optional',
      },
      async () => ({ content: [{ type: 'text', text: 'total 3' }], structuredContent: { total: 3 } }),
    );
    registerTaskTool(server, 'boom', { inputSchema: NO_ARGS, taskSupport: 'optional' }, async () => {
      throw new ProtocolError(-32603, 'exploded');
    });
    registerTaskTool(server, 'ask', { inputSchema: NO_ARGS, taskSupport: 'optional' }, async (_a, ctx) => {
      const answer = acceptedContent<{ ok?: boolean }>(ctx.mcpReq.inputResponses, 'ok');
      const other = acceptedContent<{ n?: number }>(ctx.mcpReq.inputResponses, 'n');
      // Declined (ok: false) means ask again: the task must use a fresh key for the same question.
      if (answer?.ok !== true || other === undefined) {
        return inputRequired({
          inputRequests: {
            ...(answer?.ok !== true && {
              ok: inputRequired.elicit({
                message: 'OK?',
                requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
              }),
            }),
            ...(other === undefined && {
              n: inputRequired.elicit({
                message: 'Number?',
                requestedSchema: { type: 'object', properties: { n: { type: 'number' } } },
              }),
            }),
          },
        });
      }
      return text(`ok with ${other.n}`);
    });
    return server;
  };
}

const handlers: LambdaMcpHandler[] = [];
afterEach(async () => {
  for (const handler of handlers.splice(0)) {
    await handler.tasks.idle();
    await handler.close();
  }
});

function setup(options: { heartbeatMs?: number; now?: () => number; store?: MemoryTaskStore } = {}) {
  const gates = { job: gate() };
  const handler = createLambdaMcp(fixture(gates), {
    requestStateKey: TEST_KEY,
    onerror: () => {},
    tasks: { heartbeatMs: options.heartbeatMs ?? 10_000, ...(options.store && { store: options.store }) },
    ...(options.now && { now: options.now }),
  });
  handlers.push(handler);
  let id = 0;
  const rpc = async (
    method: string,
    params: Record<string, unknown>,
    opts: { declare?: boolean; authInfo?: AuthInfo; name?: string } = {},
  ) => {
    const response = await handler.fetch(
      modernPost(method, params, meta(opts.declare ?? true), ++id, opts.name ? { name: opts.name } : {}),
      opts.authInfo ? { authInfo: opts.authInfo } : {},
    );
    return { status: response.status, ...(await readAnswer(response)) };
  };
  const start = async (name: string, opts: { authInfo?: AuthInfo } = {}) => {
    const created = await rpc('tools/call', { name, arguments: {} }, opts);
    expect(created.result?.resultType).toBe('task');
    return created.result?.taskId as string;
  };
  const listen = (taskIds: string[], opts: { declare?: boolean; authInfo?: AuthInfo } = {}) =>
    handler.fetch(
      modernPost('subscriptions/listen', { notifications: { taskIds } }, meta(opts.declare ?? true), ++id),
      opts.authInfo ? { authInfo: opts.authInfo } : {},
    );
  return { handler, gates, rpc, start, listen };
}

const alice: AuthInfo = { token: 'a', clientId: 'agent', scopes: [], extra: { sub: 'alice' } };
const bob: AuthInfo = { token: 'b', clientId: 'agent', scopes: [], extra: { sub: 'bob' } };

describe('tasks on the modern leg', () => {
  it('advertises the extension in server/discover', async () => {
    const { rpc } = setup();
    const discovered = await rpc('server/discover', {});
    expect(discovered.result?.capabilities?.extensions).toEqual({ [TASKS]: {} });
  });

  it('creates a durable task, reports working with its status message, then the completed result', async () => {
    const store = new MemoryTaskStore();
    const { rpc, gates, handler } = setup({ store, heartbeatMs: 10 });
    const created = await rpc('tools/call', { name: 'job', arguments: {} });
    const task = created.result as Wire;
    expect(task).toMatchObject({
      resultType: 'task',
      status: 'working',
      ttlMs: 3_600_000,
      pollIntervalMs: 1000,
    });
    expect(Number.isInteger(task.ttlMs)).toBe(true);
    expect(task).not.toHaveProperty('requestState');
    expect(Buffer.from(String(task.taskId), 'base64url')).toHaveLength(16);
    // Durable before the answer: the store holds it already.
    expect((await store.get(String(task.taskId)))?.status).toBe('working');
    // The progress message becomes the status message at a heartbeat.
    const got = await pollUntil(
      () => rpc('tasks/get', { taskId: task.taskId }),
      (answer) => answer.result?.statusMessage === 'halfway',
      { timeoutMs: 2000 },
    );
    expect(got.result).toMatchObject({
      resultType: 'complete',
      taskId: task.taskId,
      status: 'working',
      statusMessage: 'halfway',
    });
    gates.job.open();
    await handler.tasks.idle();
    const done = await rpc('tasks/get', { taskId: task.taskId });
    expect(done.result).toMatchObject({
      resultType: 'complete',
      status: 'completed',
      result: { content: [{ type: 'text', text: 'job done' }] },
    });
    expect(done.result).not.toHaveProperty('requestState');
  });

  it('cancels a running task: the tool is aborted and the task ends cancelled; cancel acks are empty', async () => {
    const { rpc, start, handler } = setup();
    const taskId = await start('job');
    const ack = await rpc('tasks/cancel', { taskId });
    expect(ack.result).toEqual({ resultType: 'complete', _meta: expect.any(Object) });
    await handler.tasks.idle();
    expect((await rpc('tasks/get', { taskId })).result?.status).toBe('cancelled');
    // Cancelling a terminal task is the same empty ack.
    expect((await rpc('tasks/cancel', { taskId })).result?.resultType).toBe('complete');
  });

  it('answers the CreateTaskResult as the SEP shapes it, also for a tool with an output schema', async () => {
    const { rpc, handler } = setup({ store: new MemoryTaskStore(), heartbeatMs: 10 });
    const created = (await rpc('tools/call', { name: 'shaped', arguments: {} })).result as Wire;
    // The Task fields and resultType, nothing else: no content, no structuredContent, no requestState.
    expect(Object.keys(created).sort()).toEqual([
      'createdAt',
      'lastUpdatedAt',
      'pollIntervalMs',
      'resultType',
      'status',
      'taskId',
      'ttlMs',
    ]);
    await handler.tasks.idle();
    const done = await rpc('tasks/get', { taskId: created.taskId });
    expect(done.result).toMatchObject({ status: 'completed', result: { structuredContent: { total: 3 } } });
  });

  it('a task that finished first stays completed when a cancel arrives', async () => {
    const { rpc, start, handler, gates } = setup();
    gates.job.open();
    const taskId = await start('job');
    await handler.tasks.idle();
    await rpc('tasks/cancel', { taskId });
    expect((await rpc('tasks/get', { taskId })).result?.status).toBe('completed');
  });

  it('moves to input_required, accepts partial answers, ignores unknown keys, never reuses a key, resumes', async () => {
    const { rpc, start, handler } = setup();
    const taskId = await start('ask');
    await handler.tasks.idle();
    let got = (await rpc('tasks/get', { taskId })).result as Wire;
    expect(got.status).toBe('input_required');
    expect(Object.keys(got.inputRequests ?? {}).sort()).toEqual(['n', 'ok']);
    expect(got.inputRequests?.ok?.method).toBe('elicitation/create');
    // A partial answer and an unknown key: acked, the other key stays outstanding.
    const ack = await rpc('tasks/update', {
      taskId,
      inputResponses: { n: { action: 'accept', content: { n: 7 } }, nope: { action: 'accept', content: {} } },
    });
    expect(ack.result?.resultType).toBe('complete');
    got = (await rpc('tasks/get', { taskId })).result as Wire;
    expect(got.status).toBe('input_required');
    expect(Object.keys(got.inputRequests ?? {})).toEqual(['ok']);
    // A declined answer: the tool asks again, under a new key.
    await rpc('tasks/update', {
      taskId,
      inputResponses: { ok: { action: 'accept', content: { ok: false } } },
    });
    await handler.tasks.idle();
    got = (await rpc('tasks/get', { taskId })).result as Wire;
    expect(got.status).toBe('input_required');
    expect(Object.keys(got.inputRequests ?? {})).toEqual(['ok.2']);
    // The old key is answered already: ignored.
    await rpc('tasks/update', {
      taskId,
      inputResponses: { ok: { action: 'accept', content: { ok: true } } },
    });
    expect((await rpc('tasks/get', { taskId })).result?.status).toBe('input_required');
    await rpc('tasks/update', {
      taskId,
      inputResponses: { 'ok.2': { action: 'accept', content: { ok: true } } },
    });
    await handler.tasks.idle();
    got = (await rpc('tasks/get', { taskId })).result as Wire;
    expect(got).toMatchObject({ status: 'completed', result: { content: [{ text: 'ok with 7' }] } });
  });

  it('cancels a task that waits for input at once', async () => {
    const { rpc, start, handler } = setup();
    const taskId = await start('ask');
    await handler.tasks.idle();
    await rpc('tasks/cancel', { taskId });
    expect((await rpc('tasks/get', { taskId })).result?.status).toBe('cancelled');
  });

  it('fails a task whose tool threw a JSON-RPC error, with that error and no result', async () => {
    const { rpc, start, handler } = setup();
    const taskId = await start('boom');
    await handler.tasks.idle();
    const got = (await rpc('tasks/get', { taskId })).result as Wire;
    expect(got.status).toBe('failed');
    expect(got.error).toMatchObject({ code: -32603, message: expect.stringContaining('exploded') });
    expect(got).not.toHaveProperty('result');
  });

  it('answers -32602 for an unknown task on get, update and cancel', async () => {
    const { rpc } = setup();
    for (const method of ['tasks/get', 'tasks/cancel', 'tasks/update']) {
      const answer = await rpc(method, { taskId: 'no-such-task', inputResponses: {} });
      expect(answer.error?.code, method).toBe(-32602);
    }
  });

  it("binds a task to its creator's principal: another principal, or none, sees an unknown task", async () => {
    const { rpc, start, handler } = setup();
    const taskId = await start('ask', { authInfo: alice });
    await handler.tasks.idle();
    expect((await rpc('tasks/get', { taskId }, { authInfo: alice })).result?.status).toBe('input_required');
    for (const authInfo of [bob, undefined]) {
      expect((await rpc('tasks/get', { taskId }, authInfo ? { authInfo } : {})).error?.code).toBe(-32602);
      expect((await rpc('tasks/cancel', { taskId }, authInfo ? { authInfo } : {})).error?.code).toBe(-32602);
    }
    expect((await rpc('tasks/get', { taskId }, { authInfo: alice })).result?.status).toBe('input_required');
  });

  it('answers -32020 when Mcp-Name is not the taskId', async () => {
    const { rpc, start } = setup();
    const taskId = await start('ask');
    const answer = await rpc('tasks/get', { taskId }, { name: 'another-task' });
    expect(answer.status).toBe(400);
    expect(answer.error?.code).toBe(-32020);
  });

  it('refuses a task-required tool to a client without the extension (-32021), never creating a task', async () => {
    const store = new MemoryTaskStore();
    const { rpc } = setup({ store });
    const answer = await rpc('tools/call', { name: 'required_job', arguments: {} }, { declare: false });
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { extensions: { [TASKS]: {} } } },
    });
    // An optional task tool runs synchronously for such a client.
    const sync = await rpc('tools/call', { name: 'ask', arguments: {} }, { declare: false });
    expect(sync.result?.resultType).toBe('input_required');
    const gets = await rpc('tasks/get', { taskId: 'x' }, { declare: false, name: 'x' });
    expect(gets.error?.code).toBe(-32021);
  });

  it('answers -32601 for tasks/list and tasks/result', async () => {
    const { rpc } = setup();
    expect((await rpc('tasks/list', {})).error?.code).toBe(-32601);
    expect((await rpc('tasks/result', { taskId: 't' })).error?.code).toBe(-32601);
  });

  it('reports a working task whose heartbeat is older than its lease as failed: the worker stopped', async () => {
    let now = Date.now();
    const store = new MemoryTaskStore(() => now);
    const { rpc } = setup({ store, now: () => now });
    await store.create({
      id: 'stale',
      status: 'working',
      createdAt: now,
      updatedAt: now,
      expiresAt: now + 60_000,
      version: 1,
      runId: 'gone',
      heartbeatAt: now,
      leaseMs: 30_000,
      call: { name: 'job' },
    });
    expect((await rpc('tasks/get', { taskId: 'stale' })).result?.status).toBe('working');
    now += 30_001;
    const got = (await rpc('tasks/get', { taskId: 'stale' })).result as Wire;
    expect(got).toMatchObject({
      status: 'failed',
      error: { code: -32603, message: expect.stringContaining('worker stopped') },
    });
  });

  it('refuses a listen naming more than 100 task ids with -32602, reading none of them', async () => {
    const store = new MemoryTaskStore();
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (id: string) => {
      reads++;
      return get(id);
    };
    const { listen } = setup({ store });
    const response = await listen(Array.from({ length: 101 }, (_, i) => `t${i}`));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: -32602, message: 'Invalid params: a listen names at most 100 task ids; got 101' },
    });
    expect(reads).toBe(0);
  });

  it('sends notifications/tasks for the task ids a subscriptions/listen names, from their current state on', async () => {
    const { start, listen, gates, handler } = setup();
    const taskId = await start('job');
    const other = await start('ask', { authInfo: alice });
    const response = await listen([taskId, other, 'no-such-task']);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const body = response.body as ReadableStream<Uint8Array>;
    const seen: Wire[] = [];
    for await (const item of readSse(body)) {
      const message = messageOf(item);
      if (!message) continue;
      seen.push(message as Wire);
      if (message.method === 'notifications/subscriptions/acknowledged') gates.job.open();
    }
    // With no other filter, the stream ends once every listened task is terminal, with the listen's answer.
    expect(seen.at(-1)).toMatchObject({ result: { resultType: 'complete' } });
    const ack = seen.find((m) => m.method === 'notifications/subscriptions/acknowledged') as Wire;
    // Only the caller's own, known tasks are honoured.
    expect((ack.params as { notifications: unknown }).notifications).toEqual({ taskIds: [taskId] });
    const updates = seen.filter((m) => m.method === 'notifications/tasks').map((m) => m.params as Wire);
    expect(updates[0]).toMatchObject({ taskId, status: 'working' });
    expect(updates.at(-1)).toMatchObject({
      taskId,
      status: 'completed',
      result: { content: [{ text: 'job done' }] },
    });
    expect(updates.every((update) => update.taskId === taskId && update._meta)).toBe(true);
    await handler.tasks.idle();
  });

  it('answers -32021 to a listen for task ids from a client without the extension', async () => {
    const { listen } = setup();
    const response = await listen(['t'], { declare: false });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Wire).error).toMatchObject({ code: -32021 });
  });
});
