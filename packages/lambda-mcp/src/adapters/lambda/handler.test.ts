// Round trips through toLambdaHandler with a small fetch app: every event shape, app failures, unknown
// events, and the deadline signal closing (or cutting off) a stream that would outlive the invocation.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { UnsupportedEventError } from '../../errors.js';
import { albMultiValueEvent, functionUrlEvent, httpApiEvent, restApiEvent, sqsEvent } from './fixtures.js';
import { toLambdaHandler } from './handler.js';
import type { FetchHandler } from './types.js';

const encoder = new TextEncoder();

// A forced garbage collection, to prove request.signal still follows the deadline once the app has dropped
// the Request itself.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Echoes what it received as JSON, with a session header and two cookies. */
const echoApp: FetchHandler = {
  async fetch(request) {
    const headers = new Headers({ 'content-type': 'application/json', 'mcp-session-id': 's-1' });
    headers.append('set-cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.text();
    return new Response(
      JSON.stringify({
        method: request.method,
        url: request.url,
        accept: request.headers.get('accept'),
        body,
      }),
      { status: 200, headers },
    );
  },
};

describe('toLambdaHandler round trips', () => {
  const handler = toLambdaHandler(echoApp);

  it('answers a REST API event with an APIGatewayProxyResult', async () => {
    expect(
      await handler(restApiEvent({ multiValueQueryStringParameters: null, queryStringParameters: null })),
    ).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 's-1' },
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
      body: JSON.stringify({
        method: 'POST',
        url: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/mcp',
        accept: 'application/json, text/event-stream',
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      }),
      isBase64Encoded: false,
    });
  });

  it('answers an HTTP API event with cookies', async () => {
    const result = await handler(httpApiEvent({ rawQueryString: '' }));
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 's-1' },
      cookies: ['a=1', 'b=2'],
      body: JSON.stringify({
        method: 'POST',
        url: 'https://r3pmxmplak.execute-api.us-east-2.amazonaws.com/mcp',
        accept: 'application/json, text/event-stream',
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      }),
      isBase64Encoded: false,
    });
  });

  it('answers a Function URL event', async () => {
    const result = await handler(functionUrlEvent());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({
      method: 'GET',
      url: 'https://a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-west-2.on.aws/mcp',
      accept: 'text/event-stream',
      body: null,
    });
  });

  it('answers an ALB event in its header mode', async () => {
    const result = await handler(albMultiValueEvent({ multiValueQueryStringParameters: {} }));
    expect(result).toEqual({
      statusCode: 200,
      statusDescription: '200 OK',
      multiValueHeaders: {
        'content-type': ['application/json'],
        'mcp-session-id': ['s-1'],
        'set-cookie': ['a=1', 'b=2'],
      },
      body: JSON.stringify({
        method: 'POST',
        url: 'https://lambda-alb-123578498.us-east-2.elb.amazonaws.com/mcp',
        accept: 'application/json, text/event-stream',
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      }),
      isBase64Encoded: false,
    });
  });
});

/** The 500 every event shape answers when the app or its body fails. */
const INTERNAL_ERROR_RESULT = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}',
  isBase64Encoded: false,
};

describe('toLambdaHandler failures', () => {
  it('answers 500 with a JSON-RPC error when app.fetch throws', async () => {
    const onError = vi.fn();
    const failure = new Error('boom');
    const handler = toLambdaHandler({ fetch: () => Promise.reject(failure) }, { onError });
    expect(await handler(httpApiEvent())).toEqual(INTERNAL_ERROR_RESULT);
    expect(onError).toHaveBeenCalledWith(failure);
  });

  it('answers 500 when the response body errors while being read', async () => {
    const onError = vi.fn();
    const failure = new Error('stream broke');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: 1\n\n'));
      },
      pull(controller) {
        controller.error(failure);
      },
    });
    const handler = toLambdaHandler(
      { fetch: async () => new Response(stream, { headers: { 'content-type': 'text/event-stream' } }) },
      { onError },
    );
    expect(await handler(restApiEvent())).toEqual(INTERNAL_ERROR_RESULT);
    expect(onError).toHaveBeenCalledWith(failure);
  });

  it('rejects an event that cannot become a Request instead of answering 500, and never calls the app', async () => {
    const onError = vi.fn();
    const app = { fetch: vi.fn(echoApp.fetch) };
    const handler = toLambdaHandler(app, { onError });
    await expect(handler(httpApiEvent({ headers: { host: 'not a host' } }))).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(app.fetch).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });

  it('rejects non-HTTP events with UnsupportedEventError and never calls the app', async () => {
    const app = { fetch: vi.fn(echoApp.fetch) };
    const handler = toLambdaHandler(app);
    await expect(handler(sqsEvent() as never)).rejects.toBeInstanceOf(UnsupportedEventError);
    await expect(handler(sqsEvent() as never)).rejects.toThrow(/keys Records/);
    expect(app.fetch).not.toHaveBeenCalled();
  });
});

/**
 * An SSE body that sends one event, then waits for `signal` to send a closing comment and end. Once the first
 * event is read it forces a garbage collection (on a later macrotask, so no WeakRef is kept for the job).
 */
function streamUntilAborted(signal: AbortSignal): ReadableStream<Uint8Array> {
  let collected = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('event: message\ndata: {"n":1}\n\n'));
      signal.addEventListener('abort', () => {
        controller.enqueue(encoder.encode(': closing\n\n'));
        controller.close();
      });
    },
    async pull() {
      if (collected) return;
      collected = true;
      await new Promise((resolve) => setTimeout(resolve, 0));
      collectGarbage();
    },
  });
}

describe('toLambdaHandler deadline', () => {
  it('aborts request.signal before the deadline so an open SSE stream can close itself', async () => {
    // The app keeps only request.signal, as real apps do; the Request object itself may be collected.
    const app: FetchHandler = {
      fetch: async (request) =>
        new Response(streamUntilAborted(request.signal), {
          headers: { 'content-type': 'text/event-stream' },
        }),
    };
    // 1050 ms left with a 1000 ms margin: the signal aborts after about 50 ms.
    const handler = toLambdaHandler(app);
    const result = await handler(functionUrlEvent(), { getRemainingTimeInMillis: () => 1050 });
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: 'event: message\ndata: {"n":1}\n\n: closing\n\n',
      isBase64Encoded: false,
    });
  });

  it('cuts off a stream that ignores the signal and answers with what was read', async () => {
    let cancelled = false;
    let signalAborted = false;
    const app: FetchHandler = {
      async fetch(request) {
        request.signal.addEventListener('abort', () => {
          signalAborted = true;
        });
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('data: only\n\n'));
          },
          cancel() {
            cancelled = true;
          },
        });
        return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
      },
    };
    // 300 ms left with a 200 ms margin: signal after about 100 ms, cutoff after about 200 ms.
    const handler = toLambdaHandler(app, { deadlineMarginMs: 200 });
    const result = await handler(httpApiEvent(), { getRemainingTimeInMillis: () => 300 });
    expect(result.body).toBe('data: only\n\n');
    expect(signalAborted).toBe(true);
    expect(cancelled).toBe(true);
  });

  it('leaves the signal alone without a context', async () => {
    let seen: AbortSignal | undefined;
    const handler = toLambdaHandler({
      async fetch(request) {
        seen = request.signal;
        return new Response('ok', { headers: { 'content-type': 'text/plain' } });
      },
    });
    expect((await handler(httpApiEvent())).body).toBe('ok');
    expect(seen?.aborted).toBe(false);
  });
});
