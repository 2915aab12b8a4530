// Tests of the payload 2.0 processor (HTTP APIs and Function URLs): event to Request, Response to result.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiGatewayV2 } from './api-gateway-v2.js';
import { binaryBase64, binaryBytes, fixtureJsonRpcBody, functionUrlEvent, httpApiEvent } from './fixtures.js';
import { type ResultCase, runProcessorSuite, withCookies } from './processor-suite.js';

const COOKIES = ['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'];

const results: ResultCase<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>[] = [
  {
    name: 'answers JSON as text',
    response: () => Response.json({ jsonrpc: '2.0', id: 1, result: {} }),
    equals: {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"result":{}}',
      isBase64Encoded: false,
    },
  },
  {
    name: 'reads a closed SSE stream to its end as text',
    response: () =>
      new Response('event: message\ndata: {"a":1}\n\n', {
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      }),
    equals: {
      statusCode: 200,
      headers: { 'cache-control': 'no-cache', 'content-type': 'text/event-stream' },
      body: 'event: message\ndata: {"a":1}\n\n',
      isBase64Encoded: false,
    },
  },
  {
    name: 'answers binary as base64',
    response: () => new Response(binaryBytes, { status: 200, headers: { 'content-type': 'image/png' } }),
    equals: {
      statusCode: 200,
      headers: { 'content-type': 'image/png' },
      body: binaryBase64,
      isBase64Encoded: true,
    },
  },
  {
    name: 'moves every set-cookie into cookies',
    response: () => withCookies('{}', { 'content-type': 'application/json' }, COOKIES),
    equals: {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: COOKIES,
      body: '{}',
      isBase64Encoded: false,
    },
  },
];

runProcessorSuite({
  name: 'apiGatewayV2',
  processor: apiGatewayV2,
  recognises: 'HTTP API and Function URL',
  event: httpApiEvent,
  requests: [
    {
      name: 'converts an HTTP API POST: method, raw url, headers, cookies and body',
      event: httpApiEvent,
      method: 'POST',
      url: 'https://r3pmxmplak.execute-api.us-east-2.amazonaws.com/mcp?tag=a&tag=b&q=hello%20world',
      headers: {
        'content-type': 'application/json',
        'x-custom': 'first,second',
        cookie: 'theme=dark; session=abc123',
      },
      body: fixtureJsonRpcBody,
    },
    {
      name: 'converts a Function URL GET without body',
      event: functionUrlEvent,
      method: 'GET',
      url: 'https://a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-west-2.on.aws/mcp',
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': '6f1c0a9e-3d7b-4c2a-9f1e-0b2d4c6e8a10',
        cookie: null,
      },
      body: null,
    },
    {
      name: 'decodes a base64 body into the exact bytes',
      event: () => {
        const event = functionUrlEvent({ body: binaryBase64, isBase64Encoded: true });
        event.requestContext.http.method = 'PUT';
        return event;
      },
      method: 'PUT',
      body: binaryBytes,
    },
    {
      name: 'falls back to requestContext.domainName and https without host headers',
      event: () => httpApiEvent({ headers: {}, rawQueryString: '' }),
      url: 'https://r3pmxmplak.execute-api.us-east-2.amazonaws.com/mcp',
    },
  ],
  results,
});
