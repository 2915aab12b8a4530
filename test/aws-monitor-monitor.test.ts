// `aws_real_time_monitor` end to end through the reference server, against dynalite reached through the
// AWS SDK's own AWS_ENDPOINT_URL(_DYNAMODB) resolution: live changes, snapshots, caps, cancellation, and the
// tool errors for a missing region or credentials. The SDK reads process.env: each case sets and restores it.
import { type AddressInfo, createServer } from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client';
import type { LambdaContextLike } from 'lambda-mcp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsMonitorApp, buildAwsMonitor } from '../examples/aws-monitor/src/app.js';
import { awsClientsFor, setClientInstrumentation } from '../examples/aws-monitor/src/monitor/clients.js';
import { LAMBDA_SAFETY_MARGIN_MS, planDuration } from '../examples/aws-monitor/src/monitor/tool.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { type FetchFn, inProcessFetch, URL_, v1Client } from './helpers.js';

const TOOL = 'aws_real_time_monitor';
const PREFIX = `monitor-e2e-${process.pid}`;
/** Keeps the SDK away from the developer's real profiles and from the EC2 metadata service. */
const ISOLATED = {
  AWS_CONFIG_FILE: '/nonexistent/lambda-mcp-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/lambda-mcp-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

const savedEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AWS_')));

/** Replaces every AWS_* variable of the process with `vars`; returns the env to give buildAwsMonitor. */
function useAwsEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, ISOLATED, vars);
  return { ...ISOLATED, ...vars };
}

function restoreEnv(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, savedEnv);
}

const apps: AwsMonitorApp[] = [];
const closers: (() => Promise<void>)[] = [];

async function build(env: NodeJS.ProcessEnv): Promise<AwsMonitorApp> {
  const app = await buildAwsMonitor(
    { requestStateKey: 'ab'.repeat(32) },
    { ...env, LOG_LEVEL: 'SILENT' },
    () => {},
  );
  apps.push(app);
  return app;
}

/** The reference server with AWS credentials, a region, and DynamoDB calls going to the test's dynalite. */
function buildOnDynalite(): Promise<AwsMonitorApp> {
  return build(
    useAwsEnv({ AWS_REGION: 'us-east-1', ...CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint }),
  );
}

async function v2Client(fetchFn: FetchFn) {
  const client = new V2Client(
    { name: 'v2-monitor', version: '1.0.0' },
    { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(new V2Transport(new URL(URL_), { fetch: fetchFn }));
  closers.push(() => client.close());
  return client;
}

interface Summary {
  total: number;
  added: number;
  removed: number;
  changed: number;
  timestamp: string;
}
interface MonitorResult {
  region: string;
  polls: number;
  durationSeconds: number;
  inventory: { name: string; state: string; type: string }[];
  summary: Summary;
  changes: { kind: string; name: string }[];
  cutShort?: { reason: string; allowedSeconds: number; message: string };
}

function textOf(result: Record<string, unknown>): string {
  return ((result.content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
}

let dynamo: TestDynamo;

async function createTable(name: string): Promise<void> {
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

async function ourTables(): Promise<string[]> {
  const names = (await dynamo.client.send(new ListTablesCommand({}))).TableNames ?? [];
  return names.filter((name) => name.startsWith(PREFIX)).sort();
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  await createTable(`${PREFIX}-keep`);
  await createTable(`${PREFIX}-old`);
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  restoreEnv();
});

afterAll(async () => {
  for (const app of apps.splice(0)) {
    awsClientsFor(app.deps).destroy();
    await app.close();
  }
  await dynamo?.close();
  restoreEnv();
});

describe('aws_real_time_monitor against dynalite', () => {
  it('reports tables added and removed while it runs as log and progress notifications (2025)', async () => {
    const app = await buildOnDynalite();
    const { client, transport, logs } = v1Client(inProcessFetch(app.handler), URL_, 'v1-monitor');
    await client.connect(transport);
    closers.push(() => client.close());

    const progress: { progress: number; total?: number; message?: string }[] = [];
    let changed: Promise<void> | undefined;
    const result = await client.callTool(
      { name: TOOL, arguments: { resource_type: 'DynamoDB', duration_seconds: 3, interval_ms: 1000 } },
      undefined,
      {
        resetTimeoutOnProgress: true,
        onprogress: (p) => {
          progress.push(p);
          // The first notification says the first snapshot is taken: change the tables now, once.
          changed ??= (async () => {
            await createTable(`${PREFIX}-new`);
            await dynamo.client.send(new DeleteTableCommand({ TableName: `${PREFIX}-old` }));
          })();
        },
      },
    );
    await changed;

    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as unknown as MonitorResult;
    expect(out.region).toBe('us-east-1');
    expect(out.durationSeconds).toBe(3);
    // The first snapshot, then one poll at 1, 2 and 3 s (a poll that overruns its slot skips the next one).
    expect(out.polls).toBeGreaterThanOrEqual(3);
    expect(out.polls).toBeLessThanOrEqual(4);
    expect(out.summary).toMatchObject({ added: 1, removed: 1, changed: 0 });
    expect(Date.parse(out.summary.timestamp)).not.toBeNaN();
    expect(out.changes.map((c) => [c.kind, c.name])).toEqual([
      ['added', `${PREFIX}-new`],
      ['removed', `${PREFIX}-old`],
    ]);
    const names = out.inventory.map((r) => r.name).filter((name) => name.startsWith(PREFIX));
    expect(names).toEqual([`${PREFIX}-keep`, `${PREFIX}-new`]);
    expect(out.summary.total).toBe(out.inventory.length);

    // The same changes reached the client while the call ran, as log messages and progress notifications.
    expect(logs[0]).toMatch(/^DynamoDB in us-east-1: \d+ tables at start; polling every 1000 ms for 3 s$/);
    expect(logs.some((line) => line.startsWith(`added: DynamoDB table ${PREFIX}-new `))).toBe(true);
    expect(logs.some((line) => line.startsWith(`removed: DynamoDB table ${PREFIX}-old `))).toBe(true);
    const messages = progress.map((p) => p.message ?? '');
    expect(messages.some((m) => m.startsWith(`added: DynamoDB table ${PREFIX}-new `))).toBe(true);
    expect(messages.some((m) => m.startsWith(`removed: DynamoDB table ${PREFIX}-old `))).toBe(true);
    expect(progress.every((p) => p.total === 3000)).toBe(true);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.progress).toBeGreaterThan(progress[i - 1]?.progress ?? Number.NaN);
    }
    expect(textOf(result)).toContain('1 added, 1 removed, 0 changed');
  });

  it('lists the tables in one snapshot for a 2026-07-28 client', async () => {
    const app = await buildOnDynalite();
    const client = await v2Client(inProcessFetch(app.handler));
    const result = await client.callTool({
      name: TOOL,
      arguments: { resource_type: 'DynamoDB', duration_seconds: 0 },
    });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as MonitorResult;
    expect(out.polls).toBe(1);
    expect(out.summary).toMatchObject({ added: 0, removed: 0, changed: 0, total: out.inventory.length });
    const ours = out.inventory.filter((r) => r.name.startsWith(PREFIX));
    expect(ours.map((r) => r.name)).toEqual(await ourTables());
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((r) => r.type === 'DynamoDB' && r.state === 'ACTIVE')).toBe(true);
    // The clients were created once for this instance, and reused by a second call.
    await client.callTool({ name: TOOL, arguments: { resource_type: 'DynamoDB' } });
    expect(awsClientsFor(app.deps).size).toBe(1);
  });

  it('cuts the duration short by the Lambda time left and says so (generic AWS_ENDPOINT_URL)', async () => {
    const env = useAwsEnv({
      AWS_REGION: 'us-east-1',
      ...CREDENTIALS,
      AWS_ENDPOINT_URL: dynamo.endpoint,
    });
    const app = await build(env);
    const lambdaContext: LambdaContextLike = {
      getRemainingTimeInMillis: () => LAMBDA_SAFETY_MARGIN_MS + 1000,
    };
    const fetchFn: FetchFn = (url, init) => app.handler.fetch(new Request(url, init), { lambdaContext });
    const client = await v2Client(fetchFn);
    const result = await client.callTool({
      name: TOOL,
      arguments: { resource_type: 'DynamoDB', duration_seconds: 30, interval_ms: 1000 },
    });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as MonitorResult;
    expect(out.durationSeconds).toBe(1);
    expect(out.cutShort).toMatchObject({ reason: 'lambdaRemainingTime', allowedSeconds: 1 });
    expect(out.inventory.map((r) => r.name).filter((name) => name.startsWith(PREFIX))).toEqual(
      await ourTables(),
    );
    expect(textOf(result)).toContain('Cut short to 1 s');
  });

  it('stops polling when the client cancels the call (2025 notifications/cancelled)', async () => {
    const app = await buildOnDynalite();
    // The clients are created on first use, so a hook set now sees them: count the ListTables calls sent.
    let listCalls = 0;
    setClientInstrumentation((client) => {
      (client as unknown as DynamoDBClient).middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName === 'ListTablesCommand') listCalls++;
          return next(args);
        },
        { step: 'initialize', name: 'countListTables' },
      );
      return client;
    });
    closers.push(async () => setClientInstrumentation(undefined));
    const { client, transport } = v1Client(inProcessFetch(app.handler), URL_, 'v1-cancel');
    await client.connect(transport);
    closers.push(() => client.close());

    const abort = new AbortController();
    const call = client.callTool(
      { name: TOOL, arguments: { resource_type: 'DynamoDB', duration_seconds: 60, interval_ms: 1000 } },
      undefined,
      { signal: abort.signal, onprogress: () => abort.abort('enough') },
    );
    await expect(call).rejects.toThrow();
    const atCancel = listCalls;
    expect(atCancel).toBeGreaterThanOrEqual(1);
    // Without the cancellation two more polls would run in this time.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(listCalls).toBeLessThanOrEqual(atCancel + 1);
  });

  it('refuses an interval outside 1000-60000 ms', async () => {
    const app = await buildOnDynalite();
    const client = await v2Client(inProcessFetch(app.handler));
    const result = await client.callTool({
      name: TOOL,
      arguments: { resource_type: 'DynamoDB', interval_ms: 500 },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('interval_ms');
  });
});

describe('aws_real_time_monitor without AWS configuration', () => {
  it('names the credentials and the region to set when both are missing', async () => {
    const env = useAwsEnv({});
    const app = await build(env);
    const { client, transport } = v1Client(inProcessFetch(app.handler), URL_, 'v1-no-aws');
    await client.connect(transport);
    closers.push(() => client.close());
    const result = await client.callTool({ name: TOOL, arguments: { resource_type: 'DynamoDB' } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = textOf(result);
    expect(text).toContain('No AWS region is configured');
    expect(text).toContain('AWS_REGION');
    expect(text).toContain('No AWS credentials were found');
    expect(text).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(text).toContain('AWS_PROFILE');
  });

  it('says which endpoint variable to check when the endpoint cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const env = useAwsEnv({
      AWS_REGION: 'us-east-1',
      ...CREDENTIALS,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closed}`,
      AWS_MAX_ATTEMPTS: '1',
    });
    const app = await build(env);
    const client = await v2Client(inProcessFetch(app.handler));
    const result = await client.callTool({ name: TOOL, arguments: { resource_type: 'DynamoDB' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Could not reach the DynamoDB endpoint \(ECONNREFUSED/);
    expect(textOf(result)).toContain('AWS_ENDPOINT_URL_DYNAMODB');
    // The error text never names the internal endpoint itself.
    expect(textOf(result)).not.toContain('127.0.0.1');
    expect(textOf(result)).not.toContain(`:${closed}`);
  });

  it('names the region when only the region is missing', async () => {
    const env = useAwsEnv({ ...CREDENTIALS });
    const app = await build(env);
    const client = await v2Client(inProcessFetch(app.handler));
    const result = await client.callTool({ name: TOOL, arguments: { resource_type: 'SQS' } });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^No AWS region is configured: set AWS_REGION/);
    expect(text).not.toContain('credentials were found');
  });
});

describe('planDuration', () => {
  it('keeps the request when nothing caps it', () => {
    expect(planDuration(0, 840, undefined)).toEqual({ effectiveMs: 0 });
    expect(planDuration(60, 840, 600_000)).toEqual({ effectiveMs: 60_000 });
  });

  it('caps by the configured maximum', () => {
    const plan = planDuration(900, 840, undefined);
    expect(plan.effectiveMs).toBe(840_000);
    expect(plan.cutShort).toMatchObject({
      reason: 'maxDurationSeconds',
      requestedSeconds: 900,
      allowedSeconds: 840,
    });
  });

  it('caps by the Lambda time left minus the safety margin, never below zero', () => {
    expect(planDuration(600, 840, 120_000)).toMatchObject({
      effectiveMs: 117_000,
      cutShort: { reason: 'lambdaRemainingTime', allowedSeconds: 117 },
    });
    expect(planDuration(5, 840, 1000).effectiveMs).toBe(0);
  });
});
