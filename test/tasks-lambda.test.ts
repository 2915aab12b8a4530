// The `lambda-async` task runner on the buffered Lambda entry: the task is stored, then the function invokes
// itself asynchronously (the Lambda client is the one thing mocked: Lambda cannot run here), and the exact
// InvokeCommand is checked; its payload is then fed back to the same handler as the worker event, against
// dynalite, and the task runs to its end (or to its next input request, which `tasks/update` re-invokes).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { acceptedContent, fromJsonSchema, inputRequired, McpServer } from '@modelcontextprotocol/server';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaMcp, isTaskWorkerEvent, registerTaskTool } from 'lambda-mcp';
import { DynamoTaskStore } from 'lambda-mcp/dynamodb';
import { toLambdaHandler, toStreamingLambdaHandler } from 'lambda-mcp/lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent } from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { TEST_KEY } from './helpers.js';
import { awslambda, invokeStreaming } from './support/awslambda-standin.js';
import {
  modernBody,
  modernHeaders,
  NO_ARGS,
  type TaskAnswer,
  taskEnvelope,
  type TaskWire as Wire,
} from './support/tasks-wire.js';

const META = taskEnvelope('lambda');
const context = { getRemainingTimeInMillis: () => 30_000 };

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

function fixture() {
  const server = new McpServer({ name: 'lambda-tasks', version: '1' });
  registerTaskTool(
    server,
    'add',
    {
      inputSchema: fromJsonSchema<{ a: number; b: number }>({
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
      }),
      taskSupport: 'required',
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  registerTaskTool(server, 'count', { inputSchema: NO_ARGS, taskSupport: 'required' }, async () => {
    dispatches++;
    return { content: [{ type: 'text', text: `run ${dispatches}` }] };
  });
  registerTaskTool(server, 'ask', { inputSchema: NO_ARGS, taskSupport: 'optional' }, async (_a, ctx) => {
    const name = acceptedContent<{ name?: string }>(ctx.mcpReq.inputResponses, 'name')?.name;
    if (typeof name === 'string') return { content: [{ type: 'text', text: `Hi ${name}` }] };
    return inputRequired({
      inputRequests: {
        name: inputRequired.elicit({
          message: 'Name?',
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
        }),
      },
    });
  });
  return server;
}

/** How often the `count` tool has run. */
let dispatches = 0;

async function lambdaApp(now?: () => number) {
  const lambda = mockClient(LambdaClient);
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  const tableName = await dynamo.newTable();
  const handler = createLambdaMcp(fixture, {
    requestStateKey: TEST_KEY,
    sse: 'poll',
    onerror: () => {},
    ...(now && { now }),
    tasks: {
      runner: 'lambda-async',
      functionName: 'mcp-function',
      lambdaClient: new LambdaClient({ region: 'us-east-1' }),
      store: new DynamoTaskStore({ client: dynamo.client, tableName }),
    },
  });
  const entry = toLambdaHandler(handler, {
    onOtherEvent: async (event, ctx) => {
      if (!isTaskWorkerEvent(event)) throw new Error('not a task worker event');
      await handler.runTaskWorker(event, Date.now() + (ctx?.getRemainingTimeInMillis?.() ?? 0) - 1000);
      return { ran: event.taskId };
    },
  });
  let id = 0;
  const rpc = async (method: string, params: Record<string, unknown>) => {
    const result = (await entry(
      httpApiEvent({ headers: modernHeaders(method, params), body: modernBody(method, params, META, ++id) }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    return JSON.parse(result.body as string) as TaskAnswer;
  };
  /** The worker events sent so far, decoded from the InvokeCommand payloads. */
  const invocations = () =>
    lambda.commandCalls(InvokeCommand).map((call) => {
      const input = call.args[0].input;
      return { ...input, Payload: JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) };
    });
  return { lambda, handler, entry, rpc, invocations };
}

describe('the lambda-async task runner', () => {
  it('stores the task, invokes itself with the exact worker event, and the worker completes it', async () => {
    const { lambda, entry, rpc, invocations } = await lambdaApp();
    try {
      const created = await rpc('tools/call', { name: 'add', arguments: { a: 2, b: 3 } });
      const taskId = created.result?.taskId as string;
      expect(created.result?.resultType).toBe('task');
      const [invoke, ...more] = invocations();
      expect(more).toEqual([]);
      expect(invoke).toEqual({
        FunctionName: 'mcp-function',
        InvocationType: 'Event',
        Payload: { 'lambda-mcp': 'task-run', taskId, runId: expect.any(String) },
      });
      // Nothing ran yet: the worker event has not arrived.
      expect((await rpc('tasks/get', { taskId })).result?.status).toBe('working');
      expect(await entry(invoke?.Payload, context)).toEqual({ ran: taskId });
      expect((await rpc('tasks/get', { taskId })).result).toMatchObject({
        status: 'completed',
        result: { content: [{ type: 'text', text: '5' }] },
      });
      // A repeated (retried) worker event is a no-op: the run is over.
      await entry(invoke?.Payload, context);
      expect((await rpc('tasks/get', { taskId })).result?.status).toBe('completed');
    } finally {
      lambda.restore();
    }
  });

  it('runs the tool once when the same worker event arrives twice at once (Lambda delivers at least once)', async () => {
    const { lambda, entry, rpc, invocations } = await lambdaApp();
    try {
      dispatches = 0;
      const taskId = (await rpc('tools/call', { name: 'count', arguments: {} })).result?.taskId as string;
      const [invoke] = invocations();
      await Promise.all([entry(invoke?.Payload, context), entry(invoke?.Payload, context)]);
      expect(dispatches).toBe(1);
      expect((await rpc('tasks/get', { taskId })).result).toMatchObject({
        status: 'completed',
        result: { content: [{ type: 'text', text: 'run 1' }] },
      });
    } finally {
      lambda.restore();
    }
  });

  it('runs nothing for a worker event that arrives after the run lease ran out', async () => {
    let clock = Date.now();
    const { lambda, entry, rpc, invocations } = await lambdaApp(() => clock);
    try {
      dispatches = 0;
      const taskId = (await rpc('tools/call', { name: 'count', arguments: {} })).result?.taskId as string;
      const [invoke] = invocations();
      clock += 31_000; // past the lease (three 10 s heartbeats): readers see the task failed
      expect((await rpc('tasks/get', { taskId })).result?.status).toBe('failed');
      await entry(invoke?.Payload, context);
      expect(dispatches).toBe(0);
      expect((await rpc('tasks/get', { taskId })).result?.status).toBe('failed');
    } finally {
      lambda.restore();
    }
  });

  it('stops at input_required; tasks/update invokes a new worker that resumes with the answer', async () => {
    const { lambda, entry, rpc, invocations } = await lambdaApp();
    try {
      const taskId = (await rpc('tools/call', { name: 'ask', arguments: {} })).result?.taskId as string;
      await entry(invocations()[0]?.Payload, context);
      const waiting = (await rpc('tasks/get', { taskId })).result as Wire;
      expect(waiting.status).toBe('input_required');
      await rpc('tasks/update', {
        taskId,
        inputResponses: { name: { action: 'accept', content: { name: 'Lin' } } },
      });
      const resumed = invocations()[1];
      expect(resumed?.Payload).toEqual({ 'lambda-mcp': 'task-run', taskId, runId: expect.any(String) });
      expect(resumed?.Payload.runId).not.toBe(invocations()[0]?.Payload.runId);
      await entry(resumed?.Payload, context);
      expect((await rpc('tasks/get', { taskId })).result).toMatchObject({
        status: 'completed',
        result: { content: [{ text: 'Hi Lin' }] },
      });
    } finally {
      lambda.restore();
    }
  });

  it('fails the task when the invocation cannot be sent', async () => {
    const { lambda, rpc } = await lambdaApp();
    try {
      lambda.on(InvokeCommand).rejects(new Error('AccessDeniedException: not allowed'));
      const taskId = (await rpc('tools/call', { name: 'add', arguments: { a: 1, b: 1 } })).result?.taskId;
      expect((await rpc('tasks/get', { taskId })).result).toMatchObject({
        status: 'failed',
        error: { code: -32603, message: expect.stringContaining('could not be started') },
      });
    } finally {
      lambda.restore();
    }
  });
});

describe('the in-process runner on the streaming Lambda entry', () => {
  it('answers with the CreateTaskResult, then keeps the invocation until the tool has finished', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = new DynamoTaskStore({ client: dynamo.client, tableName: await dynamo.newTable() });
    const handler = createLambdaMcp(
      () => {
        const server = new McpServer({ name: 'streaming-tasks', version: '1' });
        registerTaskTool(server, 'wait', { inputSchema: NO_ARGS, taskSupport: 'optional' }, async () => {
          await released;
          return { content: [{ type: 'text', text: 'waited' }] };
        });
        return server;
      },
      { requestStateKey: TEST_KEY, onerror: () => {}, tasks: { store } },
    );
    const streaming = toStreamingLambdaHandler(handler, {
      runtime: awslambda,
      settle: () => handler.tasks.idle(),
    });
    const invocation = invokeStreaming(
      streaming,
      httpApiEvent({
        headers: modernHeaders('tools/call', { name: 'wait' }),
        body: modernBody('tools/call', { name: 'wait', arguments: {} }, META, 1),
      }),
    );
    // The answer is out (the stream carries the CreateTaskResult) while the invocation still runs the tool.
    await invocation.response.waitFor((recorded) => recorded.text().includes('"resultType":"task"'));
    const text = invocation.response.text();
    expect(invocation.isHandled()).toBe(false);
    const taskId = /"taskId":"([^"]+)"/.exec(text)?.[1] as string;
    expect((await store.get(taskId))?.status).toBe('working');
    release();
    await invocation.handled;
    expect((await store.get(taskId))?.status).toBe('completed');
    await handler.close();
  });
});
