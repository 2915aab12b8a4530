// Tests of the node:http adapter against a real server on a free port of 127.0.0.1, driven by global fetch:
// round trips, headers, live SSE, client aborts reaching the app, app failures, and closing open streams.
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FetchHandler, type ServedApp, serve } from './node.js';

// A forced garbage collection, to prove request.signal still follows the client once the app has dropped
// the Request itself.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const servers: ServedApp[] = [];

async function start(app: FetchHandler, onError: (error: unknown) => void = vi.fn()): Promise<ServedApp> {
  const served = await serve(app, { port: 0, host: '127.0.0.1', onError });
  servers.push(served);
  return served;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((served) => served.close()));
});

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function bodyReader(response: Response): ReadableStreamDefaultReader<Uint8Array> {
  if (!response.body) throw new Error('the response has no body');
  return response.body.getReader();
}

/** Reads from `reader` until the text read so far ends a Server-Sent Event (a blank line). */
async function readEvent(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = '';
  while (!text.endsWith('\n\n')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended after ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('serve', () => {
  it('listens on a free port and reports its url', async () => {
    const { url, server } = await start({ fetch: async () => new Response('ok') });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe('http://127.0.0.1:0');
    expect(server.listening).toBe(true);
  });

  it('close() ends open streams, aborting their requests, and stops listening', async () => {
    const aborted = deferred<string>();
    const served = await start({
      fetch: async (request) => {
        request.signal.addEventListener('abort', () => aborted.resolve(request.signal.reason.name));
        return new Response(new ReadableStream({ start: (c) => c.enqueue(encoder.encode(': open\n\n')) }), {
          headers: { 'content-type': 'text/event-stream' },
        });
      },
    });
    const response = await fetch(`${served.url}/mcp`);
    expect(await readEvent(bodyReader(response))).toBe(': open\n\n');
    await served.close();
    expect(await aborted.promise).toBe('AbortError');
    expect(served.server.listening).toBe(false);
    await served.close(); // idempotent
  });
});

describe('toNodeListener', () => {
  it('round-trips JSON: method, absolute url, body and status', async () => {
    const { url } = await start({
      async fetch(request) {
        const body = (await request.json()) as { id: number };
        return Response.json({
          jsonrpc: '2.0',
          id: body.id,
          result: { method: request.method, url: request.url },
        });
      },
    });
    const response = await fetch(`${url}/mcp?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { method: 'POST', url: `${url}/mcp?x=1` },
    });
  });

  it('passes headers both ways, every set-cookie kept', async () => {
    const { url } = await start({
      async fetch(request) {
        const headers = new Headers({
          'content-type': 'text/plain',
          'mcp-session-id': 'session-1',
          'x-seen': `${request.headers.get('mcp-protocol-version')}|${request.headers.get('authorization')}`,
        });
        headers.append('set-cookie', 'a=1; Path=/');
        headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
        return new Response('created', { status: 201, headers });
      },
    });
    const response = await fetch(`${url}/mcp`, {
      headers: { 'mcp-protocol-version': '2025-06-18', authorization: 'Bearer t0k3n' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('mcp-session-id')).toBe('session-1');
    expect(response.headers.get('x-seen')).toBe('2025-06-18|Bearer t0k3n');
    expect(response.headers.getSetCookie()).toEqual([
      'a=1; Path=/',
      'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ]);
    expect(await response.text()).toBe('created');
  });

  it('round-trips a binary body byte for byte, and gives GET no body', async () => {
    const bytes = new Uint8Array([0, 255, 254, 128, 1, 127, 195, 40]);
    const { url } = await start({
      async fetch(request) {
        if (request.method === 'GET') return new Response(String(request.body));
        return new Response(await request.arrayBuffer(), {
          headers: { 'content-type': 'application/octet-stream' },
        });
      },
    });
    const posted = await fetch(url, { method: 'POST', body: bytes });
    expect(new Uint8Array(await posted.arrayBuffer())).toEqual(bytes);
    expect(await (await fetch(url)).text()).toBe('null');
  });

  it('delivers the first SSE event while the app still holds the stream open', async () => {
    const release = deferred();
    const { url } = await start({
      async fetch() {
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('event: message\ndata: {"n":1}\n\n'));
            await release.promise;
            controller.enqueue(encoder.encode('event: message\ndata: {"n":2}\n\n'));
            controller.close();
          },
        });
        return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
      },
    });
    const response = await fetch(`${url}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = bodyReader(response);
    // The app has not been released yet: this event can only arrive if it was flushed on its own.
    expect(await readEvent(reader)).toBe('event: message\ndata: {"n":1}\n\n');
    release.resolve();
    expect(await readEvent(reader)).toBe('event: message\ndata: {"n":2}\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('aborts request.signal and cancels the body when the client goes away', async () => {
    const aborted = deferred<string>();
    const cancelled = deferred();
    const { url } = await start({
      // The app keeps only request.signal, as real apps do; the Request object itself may be collected.
      fetch: async (request) =>
        new Response(openStream(request.signal), { headers: { 'content-type': 'text/event-stream' } }),
    });

    function openStream(signal: AbortSignal): ReadableStream<Uint8Array> {
      signal.addEventListener('abort', () => aborted.resolve((signal.reason as DOMException).name));
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(': open\n\n'));
        },
        cancel() {
          cancelled.resolve();
        },
      });
    }

    const client = new AbortController();
    const response = await fetch(`${url}/mcp`, { signal: client.signal });
    expect(await readEvent(bodyReader(response))).toBe(': open\n\n');
    collectGarbage();
    client.abort();
    expect(await aborted.promise).toBe('AbortError');
    await cancelled.promise;
  });

  it('answers 500 with a JSON-RPC error when app.fetch throws, and keeps serving', async () => {
    const onError = vi.fn();
    const failure = new Error('boom');
    let calls = 0;
    const { url } = await start(
      {
        async fetch() {
          calls += 1;
          if (calls === 1) throw failure;
          return new Response('fine');
        },
      },
      onError,
    );
    const response = await fetch(`${url}/mcp`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}',
    );
    expect(onError).toHaveBeenCalledWith(failure);
    expect(await (await fetch(url)).text()).toBe('fine');
  });
});

describe('a client that stops reading', () => {
  it('gets its connection closed once a write has waited writeTimeoutMs, and the body is cancelled', async () => {
    let cancelled = () => {};
    const wasCancelled = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    const chunk = new Uint8Array(64 * 1024);
    const app: FetchHandler = {
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull: (controller) => controller.enqueue(chunk),
            cancel: () => cancelled(),
          }),
          { headers: { 'content-type': 'application/octet-stream' } },
        ),
    };
    const served = await serve(app, { port: 0, writeTimeoutMs: 200 });
    servers.push(served);
    const { port } = new URL(served.url);
    const socket = connect(Number(port), '127.0.0.1');
    try {
      socket.pause(); // Never reads: the kernel buffers fill and the server's writes stall.
      socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
      const started = Date.now();
      await wasCancelled;
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      socket.destroy();
    }
  }, 20_000);
});
