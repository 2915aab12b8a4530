// Across instances: SNS invokes ONE instance, yet every instance's streams hear the event. Instance A is the
// reference server's real Lambda entry (examples/aws-monitor/src/lambda.ts, its buffered `handler`) in this
// process; instance B is `npm start`'s server in its own process. Both share one dynalite table. An SNS
// event (the real Lambda shape) delivered to A reaches a 2025 client's GET stream on B and a 2026-07-28
// `subscriptions/listen` stream on B, through the durable global log and B's poller. A redelivery of the
// same message is stored once; a malformed message is skipped and the invocation still succeeds.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

const KEY = randomBytes(32).toString('hex');
const TABLE = `cross-instance-${process.pid}`;

let dynamo: TestDynamo;
let b: ServerProcess;
let lambda: typeof import('../examples/aws-monitor/src/lambda.js');

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const env = {
    STORE: 'dynamodb',
    SESSION_TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    MCP_REQUEST_STATE_KEY: KEY,
    EVENT_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'WARN',
  };
  b = await startServerProcess('examples/aws-monitor/src/serve.ts', { env });
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  lambda = await import('../examples/aws-monitor/src/lambda.js');
}, 60_000);

afterAll(async () => {
  await lambda?.app.close();
  vi.unstubAllEnvs();
  await b?.stop();
  await dynamo?.close();
});

/** The shipped sample, with a fresh message id and the given subject and message. */
function snsEvent(subject: string, message: unknown, messageId = randomUUID()): SNSEvent {
  const event = JSON.parse(readFileSync('events/sns-notification.json', 'utf8')) as SNSEvent;
  const record = event.Records[0] as SNSEvent['Records'][number];
  record.Sns.MessageId = messageId;
  record.Sns.Subject = subject;
  record.Sns.Message = typeof message === 'string' ? message : JSON.stringify(message);
  return event;
}

/** Resolves with the first value `take` returns from the items pushed into `seen`, polling its array. */
async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('an SNS event delivered to one instance', () => {
  it("reaches a 2025 client's GET stream and a 2026-07-28 listen stream on the other instance, once", async () => {
    // 2025 session on B: the v1 client opens its GET stream after initialize.
    const v1 = new Client({ name: 'cross-v1', version: '1' });
    const logged: { type?: string; data?: unknown; id?: string }[] = [];
    v1.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      if (n.params.logger === 'lambda-mcp/events') logged.push(n.params.data as never);
    });
    await v1.connect(new StreamableHTTPClientTransport(new URL(b.url)));
    // 2026-07-28 on B: a listen stream for tool list changes.
    const v2 = new ClientV2(
      { name: 'cross-v2', version: '1' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    const changes: string[] = [];
    v2.setNotificationHandler('notifications/tools/list_changed', () => {
      changes.push('tools/list_changed');
    });
    await v2.connect(new TransportV2(new URL(b.url)));
    const subscription = await v2.listen({ toolsListChanged: true });
    try {
      // Wait until B's GET stream is open (a tools call proves the session; the GET opens right after init).
      await v1.callTool({ name: 'session_info', arguments: {} });

      const deploy = snsEvent('deploy.finished', { service: 'checkout', version: '1.4.2' });
      const first = await lambda.handler(deploy, undefined as never);
      expect(first).toMatchObject({ records: 1, published: [deploy.Records[0]?.Sns.MessageId], skipped: [] });
      // SNS delivers at least once: the same message again is stored once.
      const again = await lambda.handler(deploy, undefined as never);
      expect(again).toMatchObject({ published: [], duplicates: [deploy.Records[0]?.Sns.MessageId] });

      const received = await waitFor(
        () => logged.find((e) => e.type === 'deploy.finished'),
        'the SNS event on the 2025 GET stream of B',
      );
      expect(received).toMatchObject({
        id: deploy.Records[0]?.Sns.MessageId,
        data: { service: 'checkout', version: '1.4.2' },
      });

      // A change event reaches B's listen stream (and the 2025 stream, as the MCP notification).
      const change = snsEvent('tools/list_changed', {});
      expect(await lambda.handler(change, undefined as never)).toMatchObject({
        published: [expect.any(String)],
      });
      await waitFor(
        () => (changes.length > 0 ? changes : undefined),
        'tools/list_changed on the listen stream',
      );

      // Malformed: skipped with a reason, the invocation succeeds, nothing is published.
      const broken = snsEvent('deploy.finished', 'not json {');
      expect(await lambda.handler(broken, undefined as never)).toMatchObject({
        published: [],
        skipped: [{ messageId: broken.Records[0]?.Sns.MessageId, reason: 'Sns.Message is not JSON' }],
      });
      // A marker published after both: once it arrives, everything before it has too.
      await lambda.handler(snsEvent('test.marker', {}), undefined as never);
      await waitFor(() => logged.find((e) => e.type === 'test.marker'), 'the marker');
      expect(logged.filter((e) => e.type === 'deploy.finished')).toHaveLength(1);
      expect(changes).toHaveLength(1);
    } finally {
      await subscription.close();
      await v2.close();
      await v1.close();
    }
  }, 60_000);

  it('npm run deliver-sns hands an event file to the SNS entry point, and a local server streams it', async () => {
    const v1 = new Client({ name: 'deliver-v1', version: '1' });
    const logged: { type?: string; data?: unknown }[] = [];
    v1.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      if (n.params.logger === 'lambda-mcp/events') logged.push(n.params.data as never);
    });
    await v1.connect(new StreamableHTTPClientTransport(new URL(b.url)));
    try {
      await v1.callTool({ name: 'session_info', arguments: {} });
      const file = join(tmpdir(), `sns-${process.pid}.json`);
      await writeFile(file, JSON.stringify(snsEvent('backup.completed', { table: 'orders' })));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'scripts/deliver-sns.ts', file],
        { env: { ...process.env, LOG_LEVEL: 'WARN' } },
      );
      expect(JSON.parse(stdout)).toMatchObject({ records: 1, published: [expect.any(String)], skipped: [] });
      const received = await waitFor(
        () => logged.find((e) => e.type === 'backup.completed'),
        'the delivered event on the GET stream',
      );
      expect(received).toMatchObject({ data: { table: 'orders' } });
    } finally {
      await v1.close();
    }
  }, 60_000);

  it('deliver-sns refuses STORE=memory, which would reach no server', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/deliver-sns.ts', 'events/sns-notification.json'],
      {
        env: { ...process.env, STORE: 'memory' },
      },
    );
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('STORE=memory keeps events inside one process'),
    });
  }, 30_000);
});
