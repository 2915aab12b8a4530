// `aws_real_time_monitor` as a task (SEP-2663, `optional`) through the reference server: a 2026-07-28
// client that declares io.modelcontextprotocol/tasks gets a CreateTaskResult, sees each poll as the task's
// status message, and reads the change summary as the task's result; `tasks/cancel` stops the watch with no
// AWS call after it. Without the extension, and on a 2025 session, the call stays today's synchronous one.
// EC2 cannot run here: its client is mocked (aws-sdk-client-mock) and the exact commands sent are asserted.
// A task created on one instance is polled from another through a DynamoDB task store on dynalite.
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaContextLike, LambdaMcpOptions } from 'lambda-mcp';
import { DynamoTaskStore } from 'lambda-mcp/dynamodb';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwsMonitorApp, buildAwsMonitor } from '../examples/aws-monitor/src/app.js';
import {
  LAMBDA_SAFETY_MARGIN_MS,
  planTaskDuration,
  TASK_MAX_DURATION_SECONDS,
  TASK_TTL_MS,
} from '../examples/aws-monitor/src/monitor/tool.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { inProcessFetch, TEST_KEY, URL_, v1Client } from './helpers.js';
import {
  modernPost,
  gate as newGate,
  pollUntil as poll,
  readAnswer,
  TASKS,
  type TaskWire,
  taskEnvelope,
} from './support/tasks-wire.js';

const TOOL = 'aws_real_time_monitor';
/** Keeps the SDK away from the developer's real profiles and from the EC2 metadata service. */
const AWS_ENV = {
  AWS_CONFIG_FILE: '/nonexistent/lambda-mcp-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/lambda-mcp-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};
/** Heartbeats this short put a status message in the store within milliseconds. */
const HEARTBEAT_MS = 20;

const savedEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AWS_')));
function setAwsEnv(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, AWS_ENV);
}
function restoreEnv(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, savedEnv);
}

const ec2 = mockClient(EC2Client);
const instance = (id: string, name: string, state: string): Instance => ({
  InstanceId: id,
  State: { Name: state as never },
  InstanceType: 't3.micro',
  Tags: [{ Key: 'Name', Value: name }],
});
const web1 = instance('i-1', 'web-1', 'running');
const web2 = instance('i-2', 'web-2', 'pending');
/** A promise the test opens, so a poll answers only once the test has seen what it waits for. */
function gate() {
  const held = newGate();
  gates.push(held.open);
  return held;
}
const gates: (() => void)[] = [];

/**
 * The first DescribeInstances answers web-1 only; every later one web-1 and web-2 (one instance added). The
 * answer of call `n` waits for `held[n]` when given, so the watch stays at that poll until the test opens it.
 */
function oneInstanceAdded(held: Record<number, Promise<void>> = {}): void {
  let calls = 0;
  ec2.on(DescribeInstancesCommand).callsFake(async () => {
    const n = ++calls;
    await held[n];
    return { Reservations: [{ Instances: n === 1 ? [web1] : [web1, web2] }] };
  });
}
/** The inputs of every command the EC2 client sent, in order, by command name. */
function ec2Commands(): { command: string; input: unknown }[] {
  return ec2.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return { command: command.constructor.name, input: command.input };
  });
}
const DESCRIBE = { command: 'DescribeInstancesCommand', input: { MaxResults: 1000 } };

const apps: AwsMonitorApp[] = [];
const closers: (() => Promise<void>)[] = [];

async function build(options: LambdaMcpOptions = {}): Promise<AwsMonitorApp> {
  const app = await buildAwsMonitor(
    { requestStateKey: TEST_KEY, onerror: () => {}, ...options },
    { ...AWS_ENV, LOG_LEVEL: 'SILENT' },
    () => {},
  );
  apps.push(app);
  return app;
}

beforeEach(() => {
  setAwsEnv();
  ec2.reset();
});

afterEach(async () => {
  for (const open of gates.splice(0)) open();
  for (const close of closers.splice(0)) await close();
  for (const app of apps.splice(0)) {
    await app.handler.tasks.idle();
    await app.close();
  }
  restoreEnv();
});

afterAll(() => {
  ec2.restore();
});

/** A task or a tool result as these tests read it. */
type Wire = TaskWire<Monitor>;
interface Monitor {
  region: string;
  polls: number;
  durationSeconds: number;
  requestedDurationSeconds: number;
  summary: { total: number; added: number; removed: number; changed: number };
  changes: { kind: string; id: string; name: string; state: string }[];
  inventory: { id: string; state: string }[];
  cutShort?: { reason: string };
}

let ids = 0;
/** One raw 2026-07-28 request to `app`; the answer's result (from JSON or the SSE body's last message). */
async function rpc(
  app: AwsMonitorApp,
  method: string,
  params: Record<string, unknown>,
  declare = true,
  extras?: Parameters<AwsMonitorApp['handler']['fetch']>[1],
): Promise<Wire> {
  const meta = taskEnvelope('monitor-task-test', declare, {});
  const message = await readAnswer<Monitor>(
    await app.handler.fetch(modernPost(method, params, meta, ++ids), extras),
  );
  expect(message.error, `${method} answered an error`).toBeUndefined();
  return message.result as Wire;
}

const watchArgs = (duration: number) => ({
  name: TOOL,
  arguments: { resource_type: 'EC2', duration_seconds: duration, interval_ms: 1000 },
});

/** Reads the task until `done` holds for it (bounded: the watches here last at most a few seconds). */
const pollUntil = (app: AwsMonitorApp, taskId: string, done: (task: Wire) => boolean): Promise<Wire> =>
  poll(() => rpc(app, 'tasks/get', { taskId }), done);

describe('aws_real_time_monitor as a task', () => {
  it('answers a CreateTaskResult, shows each poll as the status message, then the change summary', async () => {
    // Polls 2 and 3 answer once the test has read the status before them: no status can be missed.
    const [second, third] = [gate(), gate()];
    oneInstanceAdded({ 2: second.opened, 3: third.opened });
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    const discovered = await rpc(app, 'server/discover', {});
    expect((discovered.capabilities as { extensions: unknown }).extensions).toEqual({
      [TASKS]: {},
    });

    const created = await rpc(app, 'tools/call', watchArgs(3));
    expect(created).toMatchObject({
      resultType: 'task',
      status: 'working',
      ttlMs: TASK_TTL_MS,
      // The configured monitor.defaultIntervalMs: polling the task faster shows nothing new.
      pollIntervalMs: 5000,
    });
    // A handle, not the output: the Task fields only.
    expect(created).not.toHaveProperty('structuredContent');
    expect(created).not.toHaveProperty('content');
    const taskId = String(created.taskId);

    // Four polls are planned (0, 1, 2 and 3 s): the first snapshot, then the poll that sees web-2 appear.
    const first = await pollUntil(app, taskId, (t) => t.statusMessage?.startsWith('poll 1/4') ?? false);
    expect(first).toMatchObject({
      status: 'working',
      statusMessage: 'poll 1/4: EC2 in us-east-1: 1 instance at start; polling every 1000 ms for 3 s',
    });
    second.open();
    const next = await pollUntil(app, taskId, (t) => t.statusMessage?.startsWith('poll 2/4') ?? false);
    expect(next).toMatchObject({
      status: 'working',
      statusMessage: 'poll 2/4: 1 change so far; latest: added: EC2 instance web-2 [i-2] (pending)',
    });
    third.open();

    await app.handler.tasks.idle();
    const done = await rpc(app, 'tasks/get', { taskId });
    expect(done.status).toBe('completed');
    expect(done.result?.isError).toBeFalsy();
    const out = done.result?.structuredContent as Monitor;
    expect(out).toMatchObject({
      region: 'us-east-1',
      requestedDurationSeconds: 3,
      durationSeconds: 3,
      summary: { total: 2, added: 1, removed: 0, changed: 0 },
      changes: [{ kind: 'added', id: 'i-2', name: 'web-2', state: 'pending' }],
    });
    // Four, unless a held poll overran the next slot (the grid skips it).
    expect(out.polls).toBeGreaterThanOrEqual(3);
    expect(out.polls).toBeLessThanOrEqual(4);
    expect(out.inventory.map((r) => r.id)).toEqual(['i-1', 'i-2']);
    expect(out).not.toHaveProperty('cutShort');
    expect(done.result?.content?.[0]?.text).toContain(
      `${out.polls} poll(s) over 3 s: 1 added, 0 removed, 0 changed.`,
    );
    // One DescribeInstances per poll, nothing else.
    expect(ec2Commands()).toEqual(Array.from({ length: out.polls }, () => DESCRIBE));
  });

  it('watches past the single-request cap (monitor.maxDurationSeconds) only as a task', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [web1] }] });
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    // This app's own configuration (parsed for each build): one request may watch for 1 s at most.
    app.deps.config.monitor.maxDurationSeconds = 1;
    const created = await rpc(app, 'tools/call', watchArgs(2));
    expect(created.resultType).toBe('task');
    // The same call without the extension, while the task runs, keeps today's cap.
    const plain = await rpc(app, 'tools/call', watchArgs(2), false);
    expect(plain.structuredContent).toMatchObject({
      durationSeconds: 1,
      cutShort: { reason: 'maxDurationSeconds', allowedSeconds: 1 },
    });
    await app.handler.tasks.idle();
    const task = await rpc(app, 'tasks/get', { taskId: created.taskId });
    expect(task.status).toBe('completed');
    const out = task.result?.structuredContent as Monitor;
    expect(out).toMatchObject({ requestedDurationSeconds: 2, durationSeconds: 2 });
    expect(out.polls).toBeGreaterThanOrEqual(2);
    expect(out).not.toHaveProperty('cutShort');
  });

  it('caps a task by the time left to the invocation that runs it (in-process, the streaming entry)', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [web1] }] });
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    // The run lives on in the invocation that created the task: its Lambda context reaches the tool.
    const lambdaContext: LambdaContextLike = {
      getRemainingTimeInMillis: () => LAMBDA_SAFETY_MARGIN_MS + 1000,
    };
    const created = await rpc(app, 'tools/call', watchArgs(600), true, { lambdaContext });
    await app.handler.tasks.idle();
    const task = await rpc(app, 'tasks/get', { taskId: created.taskId });
    expect(task.status).toBe('completed');
    expect(task.result?.structuredContent).toMatchObject({
      durationSeconds: 1,
      cutShort: { reason: 'lambdaRemainingTime', requestedSeconds: 600, allowedSeconds: 1 },
    });
    expect(task.result?.content?.[0]?.text).toContain('the Lambda invocation running the task has 4 s left');
  });

  it('keeps the configured cap on a Lambda run that cannot tell its time left (the lambda-async worker)', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [web1] }] });
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    // This app's own configuration: in Lambda, and one request may watch for 1 s at most.
    app.deps.config.runtime.inLambda = true;
    app.deps.config.monitor.maxDurationSeconds = 1;
    const created = await rpc(app, 'tools/call', watchArgs(2));
    await app.handler.tasks.idle();
    const task = await rpc(app, 'tasks/get', { taskId: created.taskId });
    expect(task.result?.structuredContent).toMatchObject({
      durationSeconds: 1,
      cutShort: { reason: 'maxDurationSeconds', allowedSeconds: 1 },
    });
  });

  it('caps a lambda-async worker run by the time left to the worker invocation (its Lambda context reaches the tool)', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [web1] }] });
    // Lambda cannot run here: a stand-in client records the self-invocation the runner sends.
    const sent: { input: { Payload?: Uint8Array } }[] = [];
    const lambdaClient = { send: async (command: unknown) => sent.push(command as (typeof sent)[number]) };
    const app = await build({
      tasks: { heartbeatMs: HEARTBEAT_MS, runner: 'lambda-async', functionName: 'mcp-fn', lambdaClient },
    });
    const created = await rpc(app, 'tools/call', watchArgs(600));
    expect(created.status).toBe('working');
    expect(sent).toHaveLength(1);
    const event = JSON.parse(new TextDecoder().decode(sent[0]?.input.Payload));
    const lambdaContext: LambdaContextLike = {
      getRemainingTimeInMillis: () => LAMBDA_SAFETY_MARGIN_MS + 1000,
    };
    await app.handler.runTaskWorker(event, Date.now() + LAMBDA_SAFETY_MARGIN_MS + 1000, lambdaContext);
    const task = await rpc(app, 'tasks/get', { taskId: created.taskId });
    expect(task.status).toBe('completed');
    expect(task.result?.structuredContent).toMatchObject({
      durationSeconds: 1,
      cutShort: { reason: 'lambdaRemainingTime', requestedSeconds: 600, allowedSeconds: 1 },
    });
  });

  it('stops the watch at tasks/cancel: the task ends cancelled and EC2 gets no call after it', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [web1] }] });
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    const created = await rpc(app, 'tools/call', watchArgs(60));
    const taskId = String(created.taskId);
    const running = await pollUntil(app, taskId, (t) => t.statusMessage?.startsWith('poll ') ?? false);
    expect(running.status).toBe('working');
    expect(running.statusMessage).toMatch(/^poll \d+\/61: /);
    const atCancel = ec2Commands();
    expect(atCancel.length).toBeGreaterThanOrEqual(1);
    expect(atCancel.every((command) => command.command === DESCRIBE.command)).toBe(true);

    const ack = await rpc(app, 'tasks/cancel', { taskId });
    expect(ack.resultType).toBe('complete');
    // The tool has returned once the runner is idle: no AWS call can follow.
    await app.handler.tasks.idle();
    const cancelled = await rpc(app, 'tasks/get', { taskId });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled).not.toHaveProperty('result');
    expect(ec2Commands()).toEqual(atCancel);
  });

  it('completes a watch that started on one instance for a client polling another (DynamoDB task store)', async () => {
    const dynamo: TestDynamo = await startTestDynamo();
    closers.push(() => dynamo.close());
    const tableName = await dynamo.newTable();
    const second = gate();
    oneInstanceAdded({ 2: second.opened });
    const tasks = () => ({
      store: new DynamoTaskStore({ client: dynamo.client, tableName }),
      heartbeatMs: 50,
    });
    const a = await build({ tasks: tasks() });
    const b = await build({ tasks: tasks() });
    const created = await rpc(a, 'tools/call', watchArgs(1));
    const taskId = String(created.taskId);
    const onB = await pollUntil(b, taskId, (t) => t.statusMessage?.startsWith('poll 1/2') ?? false);
    expect(onB.status).toBe('working');
    second.open();
    await a.handler.tasks.idle();
    const done = await rpc(b, 'tasks/get', { taskId });
    expect(done).toMatchObject({
      status: 'completed',
      result: { structuredContent: { polls: 2, summary: { added: 1, total: 2 } } },
    });
    expect(ec2Commands()).toEqual([DESCRIBE, DESCRIBE]);
  });
});

describe('aws_real_time_monitor without the extension', () => {
  it('answers the synchronous bounded result to a 2026-07-28 client that did not declare it', async () => {
    oneInstanceAdded();
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    const client = new V2Client(
      { name: 'v2-monitor', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(new V2Transport(new URL(URL_), { fetch: inProcessFetch(app.handler) }));
    closers.push(() => client.close());
    const result = await client.callTool(watchArgs(1));
    expect(result).not.toHaveProperty('taskId');
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      durationSeconds: 1,
      polls: 2,
      summary: { added: 1, removed: 0, changed: 0, total: 2 },
    });
    expect(ec2Commands()).toEqual([DESCRIBE, DESCRIBE]);
  });

  it('keeps a 2025 session unchanged: each change as log and progress notifications, then the result', async () => {
    oneInstanceAdded();
    const app = await build({ tasks: { heartbeatMs: HEARTBEAT_MS } });
    const { client, transport, logs } = v1Client(inProcessFetch(app.handler), URL_, 'v1-monitor-task');
    await client.connect(transport);
    closers.push(() => client.close());
    const progress: string[] = [];
    const result = await client.callTool({ ...watchArgs(1) }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ polls: 2, summary: { added: 1, total: 2 } });
    expect(logs).toEqual([
      'EC2 in us-east-1: 1 instance at start; polling every 1000 ms for 1 s',
      'added: EC2 instance web-2 [i-2] (pending)',
    ]);
    expect(progress).toEqual(logs);
    expect(ec2Commands()).toEqual([DESCRIBE, DESCRIBE]);
  });
});

describe('planTaskDuration', () => {
  it('keeps a request within the task maximum, the TTL and the Lambda time left', () => {
    expect(planTaskDuration(900, { ttlMs: TASK_TTL_MS })).toEqual({ effectiveMs: 900_000 });
    expect(planTaskDuration(60, { ttlMs: TASK_TTL_MS, remainingMs: 600_000 })).toEqual({
      effectiveMs: 60_000,
    });
  });

  it(`caps at ${TASK_MAX_DURATION_SECONDS} s`, () => {
    expect(planTaskDuration(1200, { ttlMs: 24 * TASK_TTL_MS }).cutShort).toMatchObject({
      reason: 'taskMaxDurationSeconds',
      allowedSeconds: TASK_MAX_DURATION_SECONDS,
    });
  });

  it('never runs past the TTL less the minute the result stays readable', () => {
    expect(planTaskDuration(600, { ttlMs: 300_000 })).toMatchObject({
      effectiveMs: 240_000,
      cutShort: { reason: 'taskTtl', requestedSeconds: 600, allowedSeconds: 240 },
    });
  });

  it('never runs past the invocation that runs it, less the safety margin', () => {
    const plan = planTaskDuration(900, { ttlMs: TASK_TTL_MS, remainingMs: 120_000 });
    expect(plan).toMatchObject({ effectiveMs: 117_000, cutShort: { reason: 'lambdaRemainingTime' } });
    expect(plan.cutShort?.message).toContain('the Lambda invocation running the task has 120 s left');
  });
});
