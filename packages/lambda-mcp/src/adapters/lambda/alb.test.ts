// Tests of the ALB processor, with and without multi-value headers: event to Request, Response to ALBResult.
import { describe, expect, it } from 'vitest';
import { alb } from './alb.js';
import {
  albEvent,
  albMultiValueEvent,
  binaryBase64,
  binaryBytes,
  fixtureJsonRpcBody,
  httpApiEvent,
  restApiEvent,
} from './fixtures.js';

function cookieResponse(): Response {
  const headers = new Headers({ 'content-type': 'application/json' });
  headers.append('set-cookie', 'a=1; Path=/');
  headers.append('set-cookie', 'b=2; Path=/');
  return new Response('{"ok":true}', { headers });
}

describe('alb.matches', () => {
  it('recognises ALB events only', () => {
    expect(alb.matches(albEvent())).toBe(true);
    expect(alb.matches(albMultiValueEvent())).toBe(true);
    expect(alb.matches(restApiEvent())).toBe(false);
    expect(alb.matches(httpApiEvent())).toBe(false);
  });
});

describe('alb.toRequest', () => {
  it('converts a single-value GET: no body, http scheme, query left as encoded', () => {
    const request = alb.toRequest(albEvent());
    expect(request.method).toBe('GET');
    expect(request.url).toBe(
      'http://lambda-alb-123578498.us-east-2.elb.amazonaws.com/health?query=1234ABCD&q=hello%20world',
    );
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.headers.get('x-amzn-trace-id')).toBe('Root=1-5c536348-3d683b8b04734faae651f476');
    expect(request.body).toBeNull();
  });

  it('converts a multi-value POST: repeated headers and parameters, body', async () => {
    const request = alb.toRequest(albMultiValueEvent());
    expect(request.method).toBe('POST');
    expect(request.url).toBe(
      'https://lambda-alb-123578498.us-east-2.elb.amazonaws.com/mcp?tag=a&tag=b&q=hello%20world',
    );
    expect(request.headers.get('x-custom')).toBe('first, second');
    expect(request.headers.get('cookie')).toBe('theme=dark; session=abc123');
    expect(await request.text()).toBe(fixtureJsonRpcBody);
  });

  it('decodes a base64 body into the exact bytes', async () => {
    const request = alb.toRequest(albMultiValueEvent({ body: binaryBase64, isBase64Encoded: true }));
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(binaryBytes);
  });

  it('uses localhost when the event has no host header', () => {
    const request = alb.toRequest(albEvent({ headers: {}, queryStringParameters: {} }));
    expect(request.url).toBe('https://localhost/health');
  });
});

describe('alb.toResult', () => {
  it('answers single-value headers with a status description', async () => {
    expect(await alb.toResult(Response.json({ ok: true }), albEvent())).toEqual({
      statusCode: 200,
      statusDescription: '200 OK',
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('answers multiValueHeaders when the request used them, one entry per cookie', async () => {
    expect(await alb.toResult(cookieResponse(), albMultiValueEvent())).toEqual({
      statusCode: 200,
      statusDescription: '200 OK',
      multiValueHeaders: {
        'content-type': ['application/json'],
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
      },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('folds repeated headers into one value without multi-value headers', async () => {
    const result = await alb.toResult(cookieResponse(), albEvent());
    expect(result.headers).toEqual({
      'content-type': 'application/json',
      'set-cookie': 'a=1; Path=/, b=2; Path=/',
    });
  });

  it('answers SSE as text and binary as base64, with the status reason', async () => {
    const sse = new Response('data: 1\n\n', {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
    });
    expect(await alb.toResult(sse, albEvent())).toMatchObject({
      body: 'data: 1\n\n',
      isBase64Encoded: false,
    });
    const binary = new Response(binaryBytes, {
      status: 404,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(await alb.toResult(binary, albEvent())).toEqual({
      statusCode: 404,
      statusDescription: '404 Not Found',
      headers: { 'content-type': 'application/octet-stream' },
      body: binaryBase64,
      isBase64Encoded: true,
    });
  });
});
