// What an operator's hooks see: `onrequest` reports each request (era, JSON-RPC method, tool, session,
// client, W3C trace context from `_meta`, status, latency, lambda-mcp's own error code), and the Lambda
// invocation's context reaches the server factory in both eras.

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLambdaMcp, type LambdaMcpContext, type RequestRecord } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { describe, expect, it } from 'vitest';
import { httpApiEvent } from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { createTestServer } from './fixtures/test-server.js';
import { initializeMessage, post, TEST_KEY, URL_ } from './helpers.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('onrequest', () => {
  it('reports era, method, tool, session, client, trace context, status and lambda-mcp error codes', async () => {
    const records: RequestRecord[] = [];
    const handler = createLambdaMcp(createTestServer, {
      requestStateKey: TEST_KEY,
      onrequest: (record) => records.push(record),
    });
    const init = await post(handler, initializeMessage('2025-11-25', 'observer'));
    const sessionId = init.headers.get('mcp-session-id') as string;
    await post(
      handler,
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'echo',
          arguments: { text: 'x' },
          _meta: { traceparent: TRACEPARENT, tracestate: 'k=v' },
        },
      },
      { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
    );
    await post(
      handler,
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: {
          name: 'echo',
          arguments: { text: 'y' },
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'modern-observer', version: '2' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      },
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
    );
    await handler.fetch(new Request(URL_, { method: 'PUT' }));
    await post(handler, { jsonrpc: '2.0', id: 4, method: 'tools/list' }, { 'mcp-session-id': 'unknown' });

    const stable = records.map(({ durationMs, ...rest }) => {
      expect(durationMs).toBeGreaterThanOrEqual(0);
      return rest;
    });
    expect(stable).toEqual([
      {
        httpMethod: 'POST',
        era: 'legacy',
        rpcMethod: 'initialize',
        clientName: 'observer',
        sessionId,
        status: 200,
      },
      {
        httpMethod: 'POST',
        era: 'legacy',
        rpcMethod: 'tools/call',
        toolName: 'echo',
        sessionId,
        traceparent: TRACEPARENT,
        tracestate: 'k=v',
        status: 200,
      },
      {
        httpMethod: 'POST',
        era: 'modern',
        rpcMethod: 'tools/call',
        toolName: 'echo',
        clientName: 'modern-observer',
        status: 200,
      },
      { httpMethod: 'PUT', era: 'edge', status: 405, errorCode: -32000 },
      {
        httpMethod: 'POST',
        era: 'legacy',
        rpcMethod: 'tools/list',
        sessionId: 'unknown',
        status: 404,
        errorCode: -32001,
      },
    ]);
  });
});

describe('the Lambda context in the factory', () => {
  it('reaches the server of both eras, with remaining time and request id', async () => {
    const seen: LambdaMcpContext['lambdaContext'][] = [];
    const app = toLambdaHandler(
      createLambdaMcp(
        (ctx) => {
          seen.push(ctx.lambdaContext);
          return createTestServer(ctx);
        },
        { requestStateKey: TEST_KEY },
      ),
    );
    const context = {
      awsRequestId: 'req-1',
      functionName: 'fn',
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 12_345,
    };
    const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
    const legacy = (await app(
      httpApiEvent({ headers, body: JSON.stringify(initializeMessage('2025-11-25', 'ctx')) }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(legacy.statusCode).toBe(200);
    const modern = (await app(
      httpApiEvent({
        headers: { ...headers, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'server/discover',
          params: {
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientInfo': { name: 'ctx', version: '2' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }),
      }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(modern.statusCode).toBe(200);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const lambdaContext of seen) {
      expect(lambdaContext?.awsRequestId).toBe('req-1');
      expect(lambdaContext?.getRemainingTimeInMillis?.()).toBe(12_345);
    }
  });
});
