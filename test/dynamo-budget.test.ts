// What each request costs in DynamoDB calls, counted by middleware on the real client while the handler
// talks to dynalite: the budgets of the cost model (2026-07-28 tools/call: none; 2025 initialize: one write;
// 2025 tools/call with no state change: one read; GET snapshot: one read and one query).

import { readFileSync } from 'node:fs';
import type { SNSEvent } from 'aws-lambda';
import { createLambdaMcp } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { initializeMessage, openSession, parseSse, post, TEST_KEY, URL_ } from './helpers.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** A buffered-Lambda style handler on DynamoDB stores whose clock the test moves. */
async function handlerOnDynamo() {
  const clock = { now: 1_800_000_000_000 };
  const tableName = await dynamo.newTable();
  const handler = createLambdaMcp(createTestServer, {
    ...createDynamoStores({ client: dynamo.client, tableName, now: () => clock.now }),
    requestStateKey: TEST_KEY,
    sse: 'poll',
    now: () => clock.now,
  });
  return { handler, clock };
}

/** Runs `step` and answers the DynamoDB commands it sent. */
async function counted(step: () => Promise<unknown>): Promise<string[]> {
  dynamo.calls.length = 0;
  await step();
  return [...dynamo.calls];
}

const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('DynamoDB calls per request', () => {
  it('2026-07-28 tools/call: none', async () => {
    const { handler } = await handlerOnDynamo();
    const commands = await counted(async () => {
      const response = await post(
        handler,
        {
          ...call(1, 'echo', { text: 'hi' }),
          params: {
            name: 'echo',
            arguments: { text: 'hi' },
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'budget', version: '1' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        },
        { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
      );
      expect(response.status).toBe(200);
      expect((await response.json()).result.content).toEqual([{ type: 'text', text: 'hi' }]);
    });
    expect(commands).toEqual([]);
  });

  it('2025 session: initialize 1 write, tools/call 1 read, GET snapshot 1 read + 1 query', async () => {
    const { handler, clock } = await handlerOnDynamo();
    let sessionId = '';
    expect(
      await counted(async () => {
        const response = await post(handler, initializeMessage('2025-11-25', 'budget'));
        expect(response.status).toBe(200);
        sessionId = response.headers.get('mcp-session-id') as string;
      }),
    ).toEqual(['PutItemCommand']);
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };

    expect(
      await counted(async () => {
        const response = await post(
          handler,
          { jsonrpc: '2.0', method: 'notifications/initialized' },
          headers,
        );
        expect(response.status).toBe(202);
      }),
    ).toEqual(['GetItemCommand']);

    expect(
      await counted(async () => {
        const response = await post(handler, call(2, 'echo', { text: 'x' }), headers);
        expect(response.status).toBe(200);
        expect((await response.json()).result.content).toEqual([{ type: 'text', text: 'x' }]);
      }),
    ).toEqual(['GetItemCommand']);

    expect(
      await counted(async () => {
        const response = await handler.fetch(
          new Request(URL_, { headers: { ...headers, accept: 'text/event-stream' } }),
        );
        expect(response.status).toBe(200);
        await response.text();
      }),
    ).toEqual(['GetItemCommand', 'QueryCommand']);

    // A state change costs its write: logging/setLevel is one versioned update.
    expect(
      await counted(async () => {
        const response = await post(
          handler,
          { jsonrpc: '2.0', id: 3, method: 'logging/setLevel', params: { level: 'debug' } },
          headers,
        );
        expect(response.status).toBe(200);
      }),
    ).toEqual(['GetItemCommand', 'UpdateItemCommand']);

    // Activity refreshes the session (and its TTL) at most once a minute: a write after 61 s, not before.
    clock.now += 30_000;
    expect(await counted(() => post(handler, call(4, 'echo', { text: 'y' }), headers))).toEqual([
      'GetItemCommand',
    ]);
    clock.now += 31_000;
    expect(await counted(() => post(handler, call(5, 'echo', { text: 'z' }), headers))).toEqual([
      'GetItemCommand',
      'UpdateItemCommand',
    ]);
  });

  it('a tool that streams notifications pays one write per event (plus one head query per instance)', async () => {
    const { handler } = await handlerOnDynamo();
    const response = await post(handler, initializeMessage('2025-11-25', 'budget'));
    const headers = {
      'mcp-session-id': response.headers.get('mcp-session-id') as string,
      'mcp-protocol-version': '2025-11-25',
    };
    const commands = await counted(async () => {
      const streamed = await post(handler, call(2, 'chatty', { count: 3 }), headers);
      expect(streamed.headers.get('content-type')).toBe('text/event-stream');
      await streamed.text();
    });
    // Load, the log head once, then one conditional put per SSE event: 3 notifications + the response.
    expect(commands).toEqual(['GetItemCommand', 'QueryCommand', ...Array(4).fill('PutItemCommand')]);
  });

  it('published events: a publish 1 put, an SNS delivery 2 (a redelivery 1 refused put + 2 reads), a resumed GET poll 1 read + 2 queries', async () => {
    const { handler, clock } = await handlerOnDynamo();
    // Away from a minute boundary, so the resumed read spans one event-log bucket (at a boundary: 2 queries).
    clock.now += 20_000;
    const sessionId = await openSession(handler);
    const headers = {
      accept: 'text/event-stream',
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    };
    const first = parseSse(await (await handler.fetch(new Request(URL_, { headers }))).text());
    const cursor = first[0]?.id as string;

    expect(await counted(() => handler.publishGlobalEvent({ type: 'budget.one' }))).toEqual([
      'PutItemCommand',
    ]);
    const sns = JSON.parse(readFileSync('events/sns-notification.json', 'utf8')) as SNSEvent;
    expect(await counted(() => handler.ingestSns(sns))).toEqual(['PutItemCommand', 'PutItemCommand']);
    expect(await counted(() => handler.ingestSns(sns))).toEqual([
      'PutItemCommand',
      'GetItemCommand',
      'GetItemCommand',
    ]);

    clock.now += 1000; // past the log's settle window
    let body = '';
    expect(
      await counted(async () => {
        body = await (
          await handler.fetch(new Request(URL_, { headers: { ...headers, 'last-event-id': cursor } }))
        ).text();
      }),
    ).toEqual(['GetItemCommand', 'QueryCommand', 'QueryCommand']);
    const types = parseSse(body)
      .filter((e) => e.data !== '')
      .map((e) => JSON.parse(e.data).params.data.type);
    expect(types).toEqual(['budget.one', 'deploy.finished']);
  });
});
