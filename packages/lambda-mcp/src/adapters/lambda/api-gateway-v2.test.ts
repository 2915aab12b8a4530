// Tests of the payload 2.0 processor (HTTP APIs and Function URLs): event to Request, Response to result.
import { describe, expect, it } from 'vitest';
import { apiGatewayV2 } from './api-gateway-v2.js';
import {
  albEvent,
  binaryBase64,
  binaryBytes,
  fixtureJsonRpcBody,
  functionUrlEvent,
  httpApiEvent,
  restApiEvent,
} from './fixtures.js';

describe('apiGatewayV2.matches', () => {
  it('recognises HTTP API and Function URL events only', () => {
    expect(apiGatewayV2.matches(httpApiEvent())).toBe(true);
    expect(apiGatewayV2.matches(functionUrlEvent())).toBe(true);
    expect(apiGatewayV2.matches(restApiEvent())).toBe(false);
    expect(apiGatewayV2.matches(albEvent())).toBe(false);
  });
});

describe('apiGatewayV2.toRequest', () => {
  it('converts an HTTP API POST: method, raw url, headers, cookies and body', async () => {
    const request = apiGatewayV2.toRequest(httpApiEvent());
    expect(request.method).toBe('POST');
    expect(request.url).toBe(
      'https://r3pmxmplak.execute-api.us-east-2.amazonaws.com/mcp?tag=a&tag=b&q=hello%20world',
    );
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('x-custom')).toBe('first,second');
    expect(request.headers.get('cookie')).toBe('theme=dark; session=abc123');
    expect(await request.text()).toBe(fixtureJsonRpcBody);
  });

  it('converts a Function URL GET without body', () => {
    const request = apiGatewayV2.toRequest(functionUrlEvent());
    expect(request.method).toBe('GET');
    expect(request.url).toBe('https://a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-west-2.on.aws/mcp');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('mcp-session-id')).toBe('6f1c0a9e-3d7b-4c2a-9f1e-0b2d4c6e8a10');
    expect(request.headers.has('cookie')).toBe(false);
    expect(request.body).toBeNull();
  });

  it('decodes a base64 body into the exact bytes', async () => {
    const event = functionUrlEvent({ body: binaryBase64, isBase64Encoded: true });
    event.requestContext.http.method = 'PUT';
    const request = apiGatewayV2.toRequest(event);
    expect(request.method).toBe('PUT');
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(binaryBytes);
  });

  it('falls back to requestContext.domainName and https without host headers', () => {
    const request = apiGatewayV2.toRequest(httpApiEvent({ headers: {}, rawQueryString: '' }));
    expect(request.url).toBe('https://r3pmxmplak.execute-api.us-east-2.amazonaws.com/mcp');
  });
});

describe('apiGatewayV2.toResult', () => {
  const event = httpApiEvent();

  it('answers JSON as text', async () => {
    const response = Response.json({ jsonrpc: '2.0', id: 1, result: {} });
    expect(await apiGatewayV2.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"result":{}}',
      isBase64Encoded: false,
    });
  });

  it('reads a closed SSE stream to its end as text', async () => {
    const response = new Response('event: message\ndata: {"a":1}\n\n', {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
    expect(await apiGatewayV2.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'cache-control': 'no-cache', 'content-type': 'text/event-stream' },
      body: 'event: message\ndata: {"a":1}\n\n',
      isBase64Encoded: false,
    });
  });

  it('answers binary as base64', async () => {
    const response = new Response(binaryBytes, { status: 200, headers: { 'content-type': 'image/png' } });
    expect(await apiGatewayV2.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'image/png' },
      body: binaryBase64,
      isBase64Encoded: true,
    });
  });

  it('moves every set-cookie into cookies', async () => {
    const headers = new Headers({ 'content-type': 'application/json' });
    headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
    headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    const response = new Response('{}', { headers });
    expect(await apiGatewayV2.toResult(response, event)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: ['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
      body: '{}',
      isBase64Encoded: false,
    });
  });
});
