// Tests of the REST API (payload 1.0) processor: event to Request, Response to APIGatewayProxyResult.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiGatewayV1 } from './api-gateway-v1.js';
import { binaryBase64, binaryBytes, fixtureJsonRpcBody, restApiEvent } from './fixtures.js';
import { type RequestCase, type ResultCase, runProcessorSuite, withCookies } from './processor-suite.js';

const ORIGIN = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com';
const noQuery = { queryStringParameters: null, multiValueQueryStringParameters: null };

const requests: RequestCase<APIGatewayProxyEvent>[] = [
  {
    name: 'converts a JSON POST: method, url, headers and body',
    event: restApiEvent,
    method: 'POST',
    url: `${ORIGIN}/mcp?tag=a&tag=b&q=hello+world`,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      'x-custom': 'first, second',
    },
    body: fixtureJsonRpcBody,
  },
  {
    name: 'uses single-value maps when the multi-value ones are empty',
    event: () => restApiEvent({ multiValueHeaders: {}, multiValueQueryStringParameters: null }),
    headers: { 'x-custom': 'second' },
    url: `${ORIGIN}/mcp?tag=b&q=hello+world`,
  },
  ...['GET', 'HEAD'].map((method) => ({
    name: `gives ${method} no body and keeps a path without query`,
    event: () => restApiEvent({ httpMethod: method, body: null, ...noQuery }),
    method,
    body: null,
    url: `${ORIGIN}/mcp`,
  })),
  {
    name: 'decodes a base64 body into the exact bytes',
    event: () => restApiEvent({ body: binaryBase64, isBase64Encoded: true }),
    body: binaryBytes,
  },
  {
    name: 'falls back to requestContext.domainName and https without host headers',
    event: () => restApiEvent({ headers: {}, multiValueHeaders: {}, ...noQuery }),
    url: `${ORIGIN}/mcp`,
  },
];

const sseStream = () => {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('event: message\ndata: {"a":1}\n\n'));
      controller.enqueue(encoder.encode('event: message\ndata: {"b":2}\n\n'));
      controller.close();
    },
  });
};

const results: ResultCase<APIGatewayProxyEvent, APIGatewayProxyResult>[] = [
  {
    name: 'answers JSON as text',
    response: () =>
      Response.json({ jsonrpc: '2.0', id: 1, result: {} }, { headers: { 'mcp-session-id': 's1' } }),
    equals: {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 's1' },
      body: '{"jsonrpc":"2.0","id":1,"result":{}}',
      isBase64Encoded: false,
    },
  },
  {
    name: 'reads a closed SSE stream to its end as text',
    response: () => new Response(sseStream(), { headers: { 'content-type': 'text/event-stream' } }),
    equals: {
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: 'event: message\ndata: {"a":1}\n\nevent: message\ndata: {"b":2}\n\n',
      isBase64Encoded: false,
    },
  },
  {
    name: 'answers binary as base64',
    response: () => new Response(binaryBytes, { headers: { 'content-type': 'application/octet-stream' } }),
    equals: {
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: binaryBase64,
      isBase64Encoded: true,
    },
  },
  {
    name: 'puts repeated set-cookie in multiValueHeaders',
    response: () =>
      withCookies(
        'created',
        { 'content-type': 'text/plain' },
        ['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
        201,
      ),
    equals: {
      statusCode: 201,
      headers: { 'content-type': 'text/plain' },
      multiValueHeaders: {
        'set-cookie': ['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
      },
      body: 'created',
      isBase64Encoded: false,
    },
  },
  {
    name: 'answers an empty body as empty text',
    response: () => new Response(null, { status: 202 }),
    equals: { statusCode: 202, headers: {}, body: '', isBase64Encoded: false },
  },
];

runProcessorSuite({
  name: 'apiGatewayV1',
  processor: apiGatewayV1,
  recognises: 'REST API',
  event: restApiEvent,
  requests,
  results,
});
