// toStreamingLambdaHandler on a stand-in of the Lambda Node.js runtime's streaming contract
// (test/support/awslambda-standin.ts): the HTTP prelude as the runtime encodes it, chunks reaching the
// Runtime API as the app writes them, a broken stream ending the app's work, a live SSE GET through the real
// core, the missing `awslambda` global, non-HTTP events and app failures.
import { McpServer } from '@modelcontextprotocol/server';
import type { SNSEvent } from 'aws-lambda';
import { createLambdaMcp, isSnsEvent, LambdaMcpError, type LambdaMcpHandler } from 'lambda-mcp';
import { type FetchHandler, toStreamingLambdaHandler, UnsupportedEventError } from 'lambda-mcp/lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  functionUrlEvent,
  httpApiEvent,
  restApiEvent,
  sqsEvent,
} from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { initializeMessage, parseSse, TEST_KEY } from './helpers.js';
import {
  awslambda,
  DEFAULT_STREAM_CONTENT_TYPE,
  HTTP_INTEGRATION_CONTENT_TYPE,
  InvalidStreamingOperation,
  installAwsLambdaGlobal,
  invokeStreaming,
  isStreamingHandler,
  type StandinResponseStream,
} from './support/awslambda-standin.js';

const encoder = new TextEncoder();
const SSE = { 'content-type': 'text/event-stream' };
const INTERNAL_ERROR = '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A streaming handler over `app`, streamified by the stand-in runtime passed explicitly. */
function streaming(app: FetchHandler, options: Parameters<typeof toStreamingLambdaHandler>[1] = {}) {
  return toStreamingLambdaHandler(app, { runtime: awslambda, ...options });
}

/** A deferred promise a test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('the awslambda stand-in', () => {
  it('marks handlers, and sends the prelude on the first write only', async () => {
    const handler = awslambda.streamifyResponse(async (_event: unknown, stream: StandinResponseStream) => {
      const http = awslambda.HttpResponseStream.from(stream, { statusCode: 200 });
      expect(http).toBe(stream);
      http.write('ABC');
      expect(() => http.setContentType('text/plain')).toThrow(InvalidStreamingOperation);
      http.end();
    });
    expect(isStreamingHandler(handler)).toBe(true);
    const invocation = invokeStreaming(handler, {});
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.contentType).toBe(HTTP_INTEGRATION_CONTENT_TYPE);
    expect(invocation.response.bytes()).toEqual(Buffer.from('{"statusCode":200}\0\0\0\0\0\0\0\0ABC'));
  });

  it('sends no prelude for a stream that is only ended, and fails a stream left open', async () => {
    const endedOnly = invokeStreaming(
      awslambda.streamifyResponse(async (_event: unknown, stream: StandinResponseStream) => {
        awslambda.HttpResponseStream.from(stream, { statusCode: 204 });
        stream.end();
      }),
      {},
    );
    expect(await endedOnly.outcome).toMatchObject({ status: 'success' });
    expect(endedOnly.response.bytes().length).toBe(0);

    const leftOpen = invokeStreaming(
      awslambda.streamifyResponse(async (_event: unknown, stream: StandinResponseStream) => {
        stream.write('partial');
      }),
      {},
    );
    expect(await leftOpen.outcome).toMatchObject({ status: 'timeout' });
    expect(leftOpen.response.contentType).toBe(DEFAULT_STREAM_CONTENT_TYPE);
  });
});

describe('toStreamingLambdaHandler', () => {
  it('writes the HTTP prelude as the runtime encodes it, then the body (Function URL and REST API)', async () => {
    const app: FetchHandler = {
      async fetch() {
        const headers = new Headers({ 'content-type': 'application/json', 'mcp-session-id': 's-1' });
        headers.append('x-multi', 'a');
        headers.append('x-multi', 'b');
        headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
        headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
        return new Response('{"ok":true}', { status: 201, headers });
      },
    };
    const handler = streaming(app);
    expect(isStreamingHandler(handler)).toBe(true);
    const prelude = {
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 's-1', 'x-multi': 'a, b' },
      cookies: ['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
    };
    for (const event of [functionUrlEvent(), restApiEvent()]) {
      const invocation = invokeStreaming(handler, event);
      expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
      expect(invocation.response.contentType).toBe('application/vnd.awslambda.http-integration-response');
      expect(invocation.response.bytes()).toEqual(
        Buffer.concat([Buffer.from(JSON.stringify(prelude)), Buffer.alloc(8), Buffer.from('{"ok":true}')]),
      );
      const { prelude: parsed, bodyText } = invocation.response.http();
      expect(parsed).toEqual(prelude);
      expect(bodyText).toBe('{"ok":true}');
    }
  });

  it('sends the prelude for a response without a body, then ends the stream', async () => {
    const handler = streaming({ fetch: async () => new Response(null, { status: 202 }) });
    const invocation = invokeStreaming(handler, httpApiEvent());
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.bytes()).toEqual(
      Buffer.concat([Buffer.from('{"statusCode":202,"headers":{},"cookies":[]}'), Buffer.alloc(8)]),
    );
  });

  it('flushes each chunk as the app writes it', async () => {
    const second = gate();
    let pulls = 0;
    const app: FetchHandler = {
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async pull(controller) {
              pulls++;
              if (pulls === 1) controller.enqueue(encoder.encode('event: message\ndata: 1\n\n'));
              else {
                await second.promise;
                controller.enqueue(encoder.encode('event: message\ndata: 2\n\n'));
                controller.close();
              }
            },
          }),
          { headers: SSE },
        ),
    };
    const invocation = invokeStreaming(streaming(app), functionUrlEvent());
    await invocation.response.waitFor((r) => r.http().bodyText === 'event: message\ndata: 1\n\n', 'chunk 1');
    expect(invocation.response.http().prelude).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      cookies: [],
    });
    expect(invocation.isHandled()).toBe(false);
    expect(invocation.response.finished).toBe(false);

    second.open();
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.http().bodyText).toBe(
      'event: message\ndata: 1\n\nevent: message\ndata: 2\n\n',
    );
  });

  it('waits for drain when the stream pushes back, and reads no further meanwhile', async () => {
    let pulls = 0;
    const big = 'x'.repeat(20 * 1024); // Over the stream's 16 KiB highWaterMark.
    const app: FetchHandler = {
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                pulls++;
                if (pulls <= 2) controller.enqueue(encoder.encode(big));
                else controller.close();
              },
            },
            { highWaterMark: 0 },
          ),
          { headers: { 'content-type': 'application/octet-stream' } },
        ),
    };
    const invocation = invokeStreaming(streaming(app), functionUrlEvent());
    invocation.hold();
    const stream = invocation.responseStream;
    await invocation.response.waitFor(
      () => stream.writableNeedDrain && stream.writableLength > big.length,
      'the first chunk to fill the stream',
    );
    // Let any read the adapter would wrongly start run; it must be waiting for 'drain' instead.
    await new Promise((resolve) => setImmediate(resolve));
    expect(pulls).toBe(1);
    expect(invocation.isHandled()).toBe(false);

    invocation.release();
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(pulls).toBe(3);
    expect(invocation.response.http().bodyText).toBe(big + big);
  });

  it('aborts request.signal and cancels the body when the response stream breaks', async () => {
    let signal: AbortSignal | undefined;
    let cancelled: unknown;
    const app: FetchHandler = {
      async fetch(request) {
        signal = request.signal;
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode('data: tick\n\n'));
            },
            // Keeps the stream open until the request is aborted, as an SSE stream does.
            pull: () =>
              new Promise<void>((resolve) => {
                if (request.signal.aborted) resolve();
                else request.signal.addEventListener('abort', () => resolve(), { once: true });
              }),
            cancel(reason) {
              cancelled = reason;
            },
          }),
          { headers: SSE },
        );
      },
    };
    const invocation = invokeStreaming(streaming(app), functionUrlEvent());
    await invocation.response.waitFor((r) => r.http().bodyText === 'data: tick\n\n', 'the first event');
    expect(signal?.aborted).toBe(false);

    invocation.disconnect();
    expect(await invocation.handled).toEqual({ ok: true, value: undefined });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(DOMException);
    expect((signal?.reason as DOMException | undefined)?.name).toBe('AbortError');
    expect(cancelled).toBeInstanceOf(DOMException);
    expect((cancelled as DOMException).name).toBe('AbortError');
    // The runtime reports the broken connection; the adapter neither hung nor threw.
    expect(await invocation.outcome).toMatchObject({ status: 'error', errorMessage: 'socket hang up' });
  });

  it('aborts request.signal before the deadline and ends the stream when the body closes', async () => {
    const app: FetchHandler = {
      async fetch(request) {
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode('data: 1\n\n'));
              request.signal.addEventListener('abort', () => {
                controller.enqueue(
                  encoder.encode(`: closing (${(request.signal.reason as Error).name})\n\n`),
                );
                controller.close();
              });
            },
          }),
          { headers: SSE },
        );
      },
    };
    // A 1050 ms function timeout with a 1000 ms margin: the signal aborts after about 50 ms.
    const invocation = invokeStreaming(streaming(app), functionUrlEvent(), { timeoutMs: 1050 });
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.http().bodyText).toBe('data: 1\n\n: closing (TimeoutError)\n\n');
  });

  it('cuts off a body that ignores the signal, ending the stream before the function times out', async () => {
    let cancelled = false;
    const app: FetchHandler = {
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode('data: only\n\n'));
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: SSE },
        ),
    };
    // 300 ms with a 200 ms margin: signal after about 100 ms, cutoff after about 200 ms.
    const invocation = invokeStreaming(streaming(app, { deadlineMarginMs: 200 }), httpApiEvent(), {
      timeoutMs: 300,
    });
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.http().bodyText).toBe('data: only\n\n');
    expect(cancelled).toBe(true);
  });

  it('passes the Lambda context on to the app', async () => {
    let seen: unknown;
    const handler = streaming({
      async fetch(_request, extras) {
        seen = extras?.lambdaContext;
        return new Response('ok');
      },
    });
    const invocation = invokeStreaming(handler, functionUrlEvent(), { awsRequestId: 'req-42' });
    await invocation.outcome;
    expect(seen).toBe(invocation.context);
    expect(invocation.context.awsRequestId).toBe('req-42');
  });
});

describe('toStreamingLambdaHandler through the lambda-mcp core', () => {
  it('streams the priming event of a live 2025 GET at once, and ends when the session is deleted', async () => {
    const core = createLambdaMcp(
      () => new McpServer({ name: 'streaming-test', version: '1.0.0' }, { capabilities: { logging: {} } }),
      { requestStateKey: TEST_KEY, sse: 'live', retryMs: 1234, keepAliveMs: 0 },
    );
    cleanups.push(() => core.close());
    const handler = streaming(core);
    const call = (method: string, headers: Record<string, string>, body?: unknown) => {
      const base = functionUrlEvent();
      const { 'mcp-session-id': _fixtureSession, ...baseHeaders } = base.headers;
      return invokeStreaming(
        handler,
        functionUrlEvent({
          requestContext: { ...base.requestContext, http: { ...base.requestContext.http, method } },
          headers: { ...baseHeaders, ...headers },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        }),
      );
    };
    const json = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

    const init = call('POST', json, initializeMessage('2025-11-25'));
    expect(await init.outcome).toMatchObject({ status: 'success' });
    const { prelude } = init.response.http();
    expect(prelude.statusCode).toBe(200);
    const sessionId = prelude.headers?.['mcp-session-id'];
    expect(sessionId).toMatch(/.+/);
    const session = { 'mcp-session-id': sessionId as string, 'mcp-protocol-version': '2025-11-25' };

    const initialized = call(
      'POST',
      { ...json, ...session },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
    );
    await initialized.outcome;
    expect(initialized.response.http().prelude.statusCode).toBe(202);

    const get = call('GET', { ...session, accept: 'text/event-stream' });
    await get.response.waitFor((r) => parseSse(r.http().bodyText).length > 0, 'the priming event');
    const { prelude: getPrelude, bodyText } = get.response.http();
    expect(getPrelude).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      cookies: [],
    });
    const [priming] = parseSse(bodyText);
    expect(priming).toMatchObject({ data: '', retry: 1234 });
    expect(priming?.id).toMatch(/^get\./);
    // The stream is live: nothing has ended yet.
    expect(get.isHandled()).toBe(false);
    expect(get.response.finished).toBe(false);

    const deleted = call('DELETE', session);
    await deleted.outcome;
    expect(deleted.response.http().prelude.statusCode).toBe(200);
    expect(await get.outcome).toEqual({ status: 'success', warnings: [] });
    expect(get.response.finished).toBe(true);
  });

  it('takes SNS events through onOtherEvent and writes the result as JSON', async () => {
    const core: LambdaMcpHandler = createLambdaMcp(() => new McpServer({ name: 'sns', version: '1.0.0' }), {
      requestStateKey: TEST_KEY,
    });
    cleanups.push(() => core.close());
    const handler = streaming(core, {
      onOtherEvent: async (event) => (isSnsEvent(event) ? core.ingestSns(event) : undefined),
    });
    const invocation = invokeStreaming(handler, snsEvent('msg-1', { level: 'info' }));
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.contentType).toBe(DEFAULT_STREAM_CONTENT_TYPE);
    expect(JSON.parse(invocation.response.text())).toEqual({
      records: 1,
      published: ['msg-1'],
      duplicates: [],
      skipped: [],
    });

    // A result of undefined is written as null.
    const other = invokeStreaming(handler, sqsEvent());
    expect(await other.outcome).toMatchObject({ status: 'success' });
    expect(other.response.text()).toBe('null');
  });
});

describe('toStreamingLambdaHandler failures', () => {
  it('does not throw without the awslambda global; the handler rejects with a clear error', async () => {
    expect((globalThis as { awslambda?: unknown }).awslambda).toBeUndefined();
    const app = { fetch: vi.fn(async () => new Response('never')) };
    const handler = toStreamingLambdaHandler(app);
    const invocation = handler(functionUrlEvent(), { write: () => true } as never);
    await expect(invocation).rejects.toBeInstanceOf(LambdaMcpError);
    await expect(invocation).rejects.toThrow(
      /awslambda.*only in the AWS Lambda Node\.js runtime.*toLambdaHandler/s,
    );
    expect(app.fetch).not.toHaveBeenCalled();
  });

  it('uses the awslambda global present when the handler is created', async () => {
    cleanups.push(installAwsLambdaGlobal());
    const handler = toStreamingLambdaHandler({ fetch: async () => new Response('hi') });
    const invocation = invokeStreaming(handler, functionUrlEvent());
    expect(await invocation.outcome).toMatchObject({ status: 'success' });
    expect(invocation.response.http().bodyText).toBe('hi');
  });

  it('rejects non-HTTP events with UnsupportedEventError without onOtherEvent', async () => {
    const app = { fetch: vi.fn(async () => new Response('never')) };
    const invocation = invokeStreaming(streaming(app), sqsEvent());
    const settled = await invocation.handled;
    expect(settled.ok).toBe(false);
    expect((settled as { error: unknown }).error).toBeInstanceOf(UnsupportedEventError);
    expect(await invocation.outcome).toMatchObject({ status: 'error', errorType: 'UnsupportedEventError' });
    expect(invocation.response.bytes().length).toBe(0);
    expect(app.fetch).not.toHaveBeenCalled();
  });

  it('answers 500 with a JSON-RPC internal error when app.fetch throws', async () => {
    const onError = vi.fn();
    const failure = new Error('boom');
    const handler = streaming({ fetch: () => Promise.reject(failure) }, { onError });
    const invocation = invokeStreaming(handler, restApiEvent());
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.http()).toMatchObject({
      prelude: { statusCode: 500, headers: { 'content-type': 'application/json' }, cookies: [] },
      bodyText: INTERNAL_ERROR,
    });
    expect(onError).toHaveBeenCalledWith(failure);
  });

  it('reports a body that errors mid-stream and ends the stream with what was sent', async () => {
    const onError = vi.fn();
    const failure = new Error('stream broke');
    let pulls = 0;
    const app: FetchHandler = {
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulls++;
              if (pulls === 1) controller.enqueue(encoder.encode('data: 1\n\n'));
              else controller.error(failure);
            },
          }),
          { headers: SSE },
        ),
    };
    const invocation = invokeStreaming(streaming(app, { onError }), functionUrlEvent());
    expect(await invocation.outcome).toEqual({ status: 'success', warnings: [] });
    expect(invocation.response.http()).toMatchObject({
      prelude: { statusCode: 200 },
      bodyText: 'data: 1\n\n',
    });
    expect(onError).toHaveBeenCalledWith(failure);
  });
});

function snsEvent(messageId: string, data: unknown): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn:
          'arn:aws:sns:eu-west-1:123456789012:events:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:events',
          Subject: 'deploy.finished',
          Message: JSON.stringify(data),
          Timestamp: '2026-01-01T00:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem',
          UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}
