// Tests of the REST API (payload 1.0) processor: event to Request, Response to APIGatewayProxyResult.
import { describe, expect, it } from 'vitest';
import { apiGatewayV1 } from './api-gateway-v1.js';
import {
  albEvent,
  binaryBase64,
  binaryBytes,
  fixtureJsonRpcBody,
  functionUrlEvent,
  httpApiEvent,
  restApiEvent,
} from './fixtures.js';

describe('apiGatewayV1.matches', () => {
  it('recognises REST API events only', () => {
    expect(apiGatewayV1.matches(restApiEvent())).toBe(true);
    expect(apiGatewayV1.matches(albEvent())).toBe(false);
    expect(apiGatewayV1.matches(httpApiEvent())).toBe(false);
    expect(apiGatewayV1.matches(functionUrlEvent())).toBe(false);
  });
});

describe('apiGatewayV1.toRequest', () => {
  it('converts a JSON POST: method, url, headers and body', async () => {
    const request = apiGatewayV1.toRequest(restApiEvent());
    expect(request.method).toBe('POST');
    expect(request.url).toBe(
      'https://abc123defg.execute-api.eu-west-1.amazonaws.com/mcp?tag=a&tag=b&q=hello+world',
    );
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('accept')).toBe('application/json, text/event-stream');
    expect(request.headers.get('mcp-protocol-version')).toBe('2025-06-18');
    expect(request.headers.get('x-custom')).toBe('first, second');
    expect(await request.text()).toBe(fixtureJsonRpcBody);
  });

  it('uses single-value maps when the multi-value ones are empty', () => {
    const request = apiGatewayV1.toRequest(
      restApiEvent({ multiValueHeaders: {}, multiValueQueryStringParameters: null }),
    );
    expect(request.headers.get('x-custom')).toBe('second');
    expect(request.url).toBe(
      'https://abc123defg.execute-api.eu-west-1.amazonaws.com/mcp?tag=b&q=hello+world',
    );
  });

  it('gives GET and HEAD no body and keeps a path without query', () => {
    for (const method of ['GET', 'HEAD']) {
      const request = apiGatewayV1.toRequest(
        restApiEvent({
          httpMethod: method,
          body: null,
          queryStringParameters: null,
          multiValueQueryStringParameters: null,
        }),
      );
      expect(request.method).toBe(method);
      expect(request.body).toBeNull();
      expect(request.url).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/mcp');
    }
  });

  it('decodes a base64 body into the exact bytes', async () => {
    const request = apiGatewayV1.toRequest(restApiEvent({ body: binaryBase64, isBase64Encoded: true }));
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(binaryBytes);
  });

  it('falls back to requestContext.domainName and https without host headers', () => {
    const request = apiGatewayV1.toRequest(
      restApiEvent({
        headers: {},
        multiValueHeaders: {},
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
      }),
    );
    expect(request.url).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/mcp');
  });

  it('passes the signal on', () => {
    const controller = new AbortController();
    const request = apiGatewayV1.toRequest(restApiEvent(), controller.signal);
    controller.abort();
    expect(request.signal.aborted).toBe(true);
  });
});

describe('apiGatewayV1.toResult', () => {
  const event = restApiEvent();

  it('answers JSON as text', async () => {
    const response = Response.json(
      { jsonrpc: '2.0', id: 1, result: {} },
      { headers: { 'mcp-session-id': 's1' } },
    );
    expect(await apiGatewayV1.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 's1' },
      body: '{"jsonrpc":"2.0","id":1,"result":{}}',
      isBase64Encoded: false,
    });
  });

  it('reads a closed SSE stream to its end as text', async () => {
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('event: message\ndata: {"a":1}\n\n'));
        controller.enqueue(encoder.encode('event: message\ndata: {"b":2}\n\n'));
        controller.close();
      },
    });
    const response = new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    expect(await apiGatewayV1.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: 'event: message\ndata: {"a":1}\n\nevent: message\ndata: {"b":2}\n\n',
      isBase64Encoded: false,
    });
  });

  it('answers binary as base64', async () => {
    const response = new Response(binaryBytes, { headers: { 'content-type': 'application/octet-stream' } });
    expect(await apiGatewayV1.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: binaryBase64,
      isBase64Encoded: true,
    });
  });

  it('puts repeated set-cookie in multiValueHeaders', async () => {
    const headers = new Headers({ 'content-type': 'text/plain' });
    headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
    headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    const response = new Response('created', { status: 201, headers });
    expect(await apiGatewayV1.toResult(response, event)).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'text/plain' },
      multiValueHeaders: {
        'set-cookie': ['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
      },
      body: 'created',
      isBase64Encoded: false,
    });
  });

  it('answers an empty body as empty text', async () => {
    expect(await apiGatewayV1.toResult(new Response(null, { status: 202 }), event)).toEqual({
      statusCode: 202,
      headers: {},
      body: '',
      isBase64Encoded: false,
    });
  });
});
