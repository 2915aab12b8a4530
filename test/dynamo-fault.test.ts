// A store outage mid-session: with dynalite stopped every request that needs the store answers 503 with a
// JSON-RPC error and Retry-After (no crash, no hang, nothing half-written); once it is back, the same
// session continues where it was.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLambdaMcp } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { initializeMessage, post, TEST_KEY, URL_ } from './helpers.js';

let dynamo: TestDynamo;
let dataDir: string;
beforeAll(async () => {
  // On disk, so the data survives the restart as a real DynamoDB's would.
  dataDir = await mkdtemp(join(tmpdir(), 'lambda-mcp-fault-'));
  dynamo = await startTestDynamo({ path: dataDir });
});
afterAll(async () => {
  await dynamo?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const echo = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text } },
});

describe('DynamoDB outage', () => {
  it('answers 503 + JSON-RPC error while the store is down, then the same session continues', async () => {
    const errors: Error[] = [];
    const stores = createDynamoStores({ client: dynamo.client, tableName: await dynamo.newTable() });
    const handler = createLambdaMcp(createTestServer, {
      ...stores,
      requestStateKey: TEST_KEY,
      sse: 'poll',
      onerror: (error) => errors.push(error),
    });
    const init = await post(handler, initializeMessage('2025-11-25', 'fault'));
    expect(init.status).toBe(200);
    const headers = {
      'mcp-session-id': init.headers.get('mcp-session-id') as string,
      'mcp-protocol-version': '2025-11-25',
    };
    expect((await post(handler, echo(2, 'before'), headers)).status).toBe(200);

    await dynamo.stop();
    // Each answer names the request it fails: its id for a POSTed request, null for GET and DELETE.
    const unavailable = (id: number | null) => ({
      jsonrpc: '2.0',
      id,
      error: { code: -32603, message: 'Service Unavailable: session storage failed' },
    });
    for (const [id, attempt] of [
      [3, () => post(handler, echo(3, 'during'), headers)],
      [
        4,
        () =>
          post(
            handler,
            { jsonrpc: '2.0', id: 4, method: 'logging/setLevel', params: { level: 'debug' } },
            headers,
          ),
      ],
      [
        null,
        () => handler.fetch(new Request(URL_, { headers: { ...headers, accept: 'text/event-stream' } })),
      ],
      [null, () => handler.fetch(new Request(URL_, { method: 'DELETE', headers }))],
      [1, () => post(handler, initializeMessage('2025-11-25', 'during-outage'))],
    ] as const) {
      const response = await attempt();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toEqual(unavailable(id));
    }
    // Each failure was reported with the SDK error as its cause.
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(errors[0]?.name).toBe('StoreUnavailableError');
    expect(errors[0]?.cause).toBeInstanceOf(Error);

    await dynamo.restart();
    const after = await post(handler, echo(5, 'after'), headers);
    expect(after.status).toBe(200);
    expect((await after.json()).result.content).toEqual([{ type: 'text', text: 'after' }]);
    // The failed setLevel left nothing behind: the stored session is as it was before the outage.
    const stored = await stores.sessionStore.get(headers['mcp-session-id']);
    expect(stored).toMatchObject({ version: 1, protocolVersion: '2025-11-25', subscriptions: [] });
    expect(stored?.logLevel).toBeUndefined();
  });
});
