// A seeded fuzz campaign kept in the suite: thousands of malformed and half-valid requests across both
// protocol eras and every header lambda-mcp reads, in process and over real HTTP. Whatever comes in, the
// answer is a status below 500, it arrives (no hang), and the server still serves a clean session after.
import { request as httpRequest } from 'node:http';
import * as fc from 'fast-check';
import { createLambdaMcp, type LambdaMcpHandler } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { localServerOptions, serveLocal } from 'lambda-mcp/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { ACCEPT_BOTH, initializeMessage, openSession, post, TEST_KEY } from './helpers.js';
import { body, exchange, FUZZ_OPTIONS, sendExchange } from './support/fuzz-requests.js';

const SEED = 20_261_203;
const handler = createLambdaMcp(createTestServer, FUZZ_OPTIONS);

const statuses = new Map<number, number>();
const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

afterAll(async () => {
  await handler.close();
  console.log(`fuzz: status counts ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
});

/** Runs `runs` fuzzed exchanges against `target`, each answered below 500 and on time. */
async function campaign(target: LambdaMcpHandler, runs: number, seed: number): Promise<void> {
  const session = { id: await openSession(target) };
  await fc.assert(
    fc.asyncProperty(exchange, async (x) => {
      const status = await sendExchange(target, x, session);
      count(status);
      expect(
        status,
        `${x.method} ${x.path} ${JSON.stringify(x.headers)} ${x.body.slice(0, 200)}`,
      ).toBeLessThan(500);
    }),
    { seed, numRuns: runs },
  );
}

/** A clean 2025 session and a fresh initialize still work on `target`. */
async function expectHealthy(target: LambdaMcpHandler): Promise<void> {
  const id = await openSession(target);
  const call = await post(
    target,
    { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'ok' } } },
    { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' },
  );
  expect(call.status).toBe(200);
  expect(JSON.stringify(await call.json())).toContain('"text":"ok"');
  expect((await post(target, initializeMessage())).status).toBe(200);
}

describe('the fuzz campaign', () => {
  it('answers 3,000 in-process requests (memory stores) below 500 and on time, and stays healthy', async () => {
    await campaign(handler, 3000, SEED);
    await expectHealthy(handler);
  }, 120_000);
});

describe('the fuzz campaign on DynamoDB (dynalite)', () => {
  let dynamo: TestDynamo;
  let onDynamo: LambdaMcpHandler;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const stores = createDynamoStores({ client: dynamo.client, tableName: await dynamo.newTable() });
    onDynamo = createLambdaMcp(createTestServer, { ...FUZZ_OPTIONS, ...stores });
  });
  afterAll(async () => {
    await onDynamo?.close();
    await dynamo?.close();
  });

  it('answers 600 requests below 500 (no 503 for a client mistake), and stays healthy', async () => {
    await campaign(onDynamo, 600, SEED + 1);
    await expectHealthy(onDynamo);
  }, 120_000);
});

describe('the fuzz campaign over HTTP', () => {
  let server: Awaited<ReturnType<typeof serveLocal>>;
  beforeAll(async () => {
    const served = createLambdaMcp(createTestServer, {
      requestStateKey: TEST_KEY,
      ...localServerOptions('127.0.0.1'),
      sse: 'poll',
      onerror: () => {},
    });
    server = await serveLocal(served, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** One raw request: any method token, target and Host the wire can carry. */
  function raw(method: string, target: string, host: string, text: string): Promise<number> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path: target,
          setHost: false,
          headers: { host, 'content-type': 'application/json', accept: ACCEPT_BOTH },
          timeout: 5000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 5000 ms')));
      req.on('error', reject);
      req.end(text);
    });
  }

  it('answers 400 raw requests with odd methods, targets and Host headers below 500', async () => {
    const method = fc.constantFrom(
      'GET',
      'POST',
      'DELETE',
      'OPTIONS',
      'TRACE',
      'PATCH',
      'PUT',
      'PROPFIND',
      'M-SEARCH',
    );
    const target = fc.constantFrom(
      '/mcp',
      '*',
      'http://[::1/mcp',
      'http://127.0.0.1/mcp',
      '/mcp?x=%zz',
      '//mcp',
      '/%00',
    );
    const host = fc.oneof(
      fc.constantFrom(
        '127.0.0.1',
        'localhost',
        'a b',
        '[',
        'a:b:c',
        '127.0.0.1:99999',
        'localhost:abc',
        '[::1]',
        '',
      ),
      fc.stringMatching(/^[\x21-\x7e]{0,40}$/),
    );
    await fc.assert(
      fc.asyncProperty(method, target, host, body, async (m, t, h, text) => {
        const status = await raw(m, t, h, m === 'GET' ? '' : text);
        count(status);
        expect(status, `${m} ${t} Host: ${h}`).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: 400 },
    );
    const health = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT_BOTH },
      body: JSON.stringify(initializeMessage()),
    });
    expect(health.status).toBe(200);
  }, 120_000);
});
