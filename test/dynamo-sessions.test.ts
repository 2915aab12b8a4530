// Sessions on DynamoDB served by two handler instances at once: concurrent state changes of one session
// from both instances (resources/subscribe) all survive, through versioned updates retried on conflict.
import { createLambdaMcp } from 'lambda-mcp';
import { createDynamoStores, DynamoSessionStore } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { openSession, post, TEST_KEY } from './helpers.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe('one session, two instances, concurrent updates', () => {
  it('loses no subscription when both instances change the session at the same time', async () => {
    const tableName = await dynamo.newTable();
    const instance = () =>
      createLambdaMcp(createTestServer, {
        ...createDynamoStores({ client: dynamo.newClient().client, tableName }),
        requestStateKey: TEST_KEY,
        sse: 'poll',
      });
    const instances = [instance(), instance()];
    const sessionId = await openSession(instances[0] as ReturnType<typeof instance>);
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    const uris = Array.from({ length: 16 }, (_, i) => `test://note/${i}`);
    const responses = await Promise.all(
      uris.map((uri, i) =>
        post(
          instances[i % 2] as ReturnType<typeof instance>,
          { jsonrpc: '2.0', id: i + 10, method: 'resources/subscribe', params: { uri } },
          headers,
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(uris.map(() => 200));
    const stored = await new DynamoSessionStore({ client: dynamo.client, tableName }).get(sessionId);
    expect([...(stored?.subscriptions ?? [])].sort()).toEqual([...uris].sort());
    // One version per change: 16 subscriptions on top of the created record.
    expect(stored?.version).toBe(17);
  });
});
