// A live GET stream hears what another instance stores for its session: two handlers (two "instances") on
// one dynalite table; the session's GET stream is open on B (live SSE, as Lambda response streaming runs it)
// while a call on A sends a notification that belongs on the session's GET stream. A leaves a marker in the
// shared event log; B's poller hands it to the stream, which reads the session log and forwards the message.
import { createLambdaMcp } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { openSession, post, TEST_KEY, URL_ } from './helpers.js';
import { messageOf, readSse } from './support/sse-reader.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe('live GET streams across instances', () => {
  it("forward a message another instance stored for the session's GET stream", async () => {
    const tableName = await dynamo.newTable();
    const instance = (sse: 'live' | 'poll') =>
      createLambdaMcp(createTestServer, {
        ...createDynamoStores({ client: dynamo.client, tableName }),
        requestStateKey: TEST_KEY,
        sse,
        keepAliveMs: 0,
        pollIntervalMs: 50,
      });
    const [a, b] = [instance('poll'), instance('live')];
    try {
      const sessionId = await openSession(b);
      const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
      const stream = await b.fetch(
        new Request(URL_, { headers: { accept: 'text/event-stream', ...headers } }),
      );
      const items = readSse(stream.body as ReadableStream<Uint8Array>);
      expect((await items.next()).value).toMatchObject({ kind: 'event', event: { data: '' } }); // priming

      // The call runs on A; its unrelated log message belongs on the session's GET stream, open on B.
      const call = await post(
        a,
        {
          jsonrpc: '2.0',
          id: 5,
          method: 'tools/call',
          params: { name: 'announce', arguments: { text: 'from A' } },
        },
        headers,
      );
      expect(call.status).toBe(200);
      for (;;) {
        const { value, done } = await items.next();
        if (done) throw new Error('the stream ended before the message arrived');
        const message = messageOf(value) as { method?: string; params?: { data?: unknown } } | undefined;
        if (message?.method === 'notifications/message' && message.params?.data === 'from A') break;
      }
      await items.return(undefined);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 20_000);
});
