// Buffered Lambda cannot flush a POST response mid-call, so an elicitation the call waits for must reach the
// client another way: lambda-mcp (sse: 'poll') puts it on the session's GET stream, which the client polls.
// Two handler "instances" on one DynamoDB, driven with API Gateway HTTP API events as Lambda receives them:
// the call runs on A, the GET poll and the answer land on B, and A's waiting call picks the answer up.

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLambdaMcp } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent } from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { createTestServer } from './fixtures/test-server.js';
import { initializeMessage, parseSse, TEST_KEY } from './helpers.js';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

const context = { getRemainingTimeInMillis: () => 30_000 };
const base = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

describe('elicitation on buffered Lambda', () => {
  it('reaches the client through the GET poll and the answer reaches the waiting call on another instance', async () => {
    const tableName = await dynamo.newTable();
    const instance = () =>
      toLambdaHandler(
        createLambdaMcp(createTestServer, {
          // Each instance has its own client and in-process state; only the table is shared.
          ...createDynamoStores({ client: dynamo.newClient().client, tableName }),
          requestStateKey: TEST_KEY,
          sse: 'poll',
        }),
      );
    const a = instance();
    const b = instance();
    const invoke = async (
      handler: typeof a,
      method: string,
      headers: Record<string, string>,
      body?: unknown,
    ) =>
      (await handler(
        httpApiEvent({
          requestContext: {
            ...httpApiEvent().requestContext,
            http: { ...httpApiEvent().requestContext.http, method },
          },
          headers: { ...base, ...headers },
          ...(body !== undefined ? { body: JSON.stringify(body) } : { body: undefined }),
        }),
        context,
      )) as APIGatewayProxyStructuredResultV2;

    const init = await invoke(
      a,
      'POST',
      {},
      initializeMessage('2025-11-25', 'buffered', { elicitation: {} }),
    );
    expect(init.statusCode).toBe(200);
    const session = {
      'mcp-session-id': (init.headers as Record<string, string>)['mcp-session-id'] as string,
      'mcp-protocol-version': '2025-11-25',
    };
    expect(
      (await invoke(b, 'POST', session, { jsonrpc: '2.0', method: 'notifications/initialized' })).statusCode,
    ).toBe(202);

    // The call starts on A and waits for the user's answer.
    const call = invoke(a, 'POST', session, {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'ask_name', arguments: {} },
    });

    // The client polls its GET stream on B: each poll is a whole buffered response (priming, replay, close).
    let lastEventId: string | undefined;
    let elicitation: { id: string; method: string; params: { message: string } } | undefined;
    for (let poll = 0; poll < 500 && !elicitation; poll++) {
      const got = await invoke(b, 'GET', {
        ...session,
        accept: 'text/event-stream',
        ...(lastEventId && { 'last-event-id': lastEventId }),
      });
      expect(got.statusCode).toBe(200);
      const events = parseSse(got.body as string);
      expect(events[0]?.retry).toBeGreaterThan(0);
      for (const event of events) {
        if (event.id) lastEventId = event.id;
        if (event.data) elicitation = JSON.parse(event.data);
      }
      if (!elicitation) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(elicitation).toMatchObject({ method: 'elicitation/create', params: { message: 'Your name?' } });
    expect(lastEventId).toMatch(/^get\.\d+~\d{15}#.+$/);

    // The answer is POSTed to B; A's call, still waiting, takes it from the table and finishes.
    const answered = await invoke(b, 'POST', session, {
      jsonrpc: '2.0',
      id: elicitation?.id,
      result: { action: 'accept', content: { name: 'Grace' } },
    });
    expect(answered.statusCode).toBe(202);
    const result = await call;
    expect(result.statusCode).toBe(200);
    expect((result.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(result.body as string)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: 'hello Grace' }] },
    });
  });
});
