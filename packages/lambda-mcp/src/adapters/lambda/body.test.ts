// Tests of the body helpers: request body decoding, the text/binary decision, reading and encoding bodies.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBody, isTextContentType, readBody, toRequestBody } from './body.js';
import { binaryBase64, binaryBytes } from './fixtures.js';

describe('toRequestBody', () => {
  it('has no body for GET, HEAD and a missing body', () => {
    expect(toRequestBody('GET', 'ignored', false)).toBeUndefined();
    expect(toRequestBody('head', 'ignored', false)).toBeUndefined();
    expect(toRequestBody('POST', null, false)).toBeUndefined();
    expect(toRequestBody('POST', undefined, true)).toBeUndefined();
  });

  it('encodes text as UTF-8 and decodes base64', () => {
    expect(new Uint8Array(toRequestBody('POST', 'héllo', false) ?? [])).toEqual(
      new TextEncoder().encode('héllo'),
    );
    expect(new Uint8Array(toRequestBody('PUT', binaryBase64, true) ?? [])).toEqual(binaryBytes);
  });
});

describe('isTextContentType', () => {
  it.each([
    ['text/plain; charset=utf-8', true],
    ['text/html', true],
    ['text/event-stream', true],
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/problem+json', true],
    ['application/xml', true],
    ['image/svg+xml', true],
    ['application/javascript', true],
    ['text/javascript', true],
    ['application/octet-stream', false],
    ['image/png', false],
    ['application/pdf', false],
    [null, false],
    ['', false],
  ])('%s → %s', (contentType, expected) => {
    expect(isTextContentType(contentType)).toBe(expected);
  });
});

describe('encodeBody', () => {
  it('keeps text as text, empty as empty text, binary as base64', () => {
    expect(encodeBody(new TextEncoder().encode('{"é":1}'), 'application/json')).toEqual({
      body: '{"é":1}',
      isBase64Encoded: false,
    });
    expect(encodeBody(new Uint8Array(0), 'application/octet-stream')).toEqual({
      body: '',
      isBase64Encoded: false,
    });
    expect(encodeBody(binaryBytes, null)).toEqual({ body: binaryBase64, isBase64Encoded: true });
  });

  it('sends a body with a content coding as base64, whatever its content type', () => {
    const gzipped = gzipSync('{"jsonrpc":"2.0"}');
    expect(encodeBody(gzipped, 'application/json', 'gzip')).toEqual({
      body: gzipped.toString('base64'),
      isBase64Encoded: true,
    });
    expect(encodeBody(binaryBytes, 'text/plain', 'br')).toEqual({
      body: binaryBase64,
      isBase64Encoded: true,
    });
    expect(encodeBody(new TextEncoder().encode('{}'), 'application/json', 'identity')).toEqual({
      body: '{}',
      isBase64Encoded: false,
    });
    expect(encodeBody(new TextEncoder().encode('{}'), 'application/json', null)).toEqual({
      body: '{}',
      isBase64Encoded: false,
    });
  });

  it('respects the view of a larger buffer', () => {
    const view = new Uint8Array(new TextEncoder().encode('xxhixx').buffer, 2, 2);
    expect(encodeBody(view, 'text/plain')).toEqual({ body: 'hi', isBase64Encoded: false });
  });
});

describe('readBody', () => {
  it('reads every chunk of a stream to its end', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2]));
        controller.enqueue(new Uint8Array([3]));
        controller.close();
      },
    });
    expect(new Uint8Array(await readBody(new Response(stream)))).toEqual(new Uint8Array([1, 2, 3]));
    expect(await readBody(new Response(null))).toEqual(new Uint8Array(0));
  });

  it('stops at the stop signal, cancels the stream and keeps what was read', async () => {
    const stop = new AbortController();
    let cancelled: unknown;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: first\n\n'));
      },
      pull() {
        // The first chunk has been read: nothing more comes until the reader gives up.
        stop.abort(new Error('deadline'));
        return new Promise(() => {});
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const bytes = await readBody(new Response(stream), stop.signal);
    expect(Buffer.from(bytes).toString()).toBe('data: first\n\n');
    expect(cancelled).toEqual(new Error('deadline'));
  });

  it('returns at once when the stop signal has already aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    expect(await readBody(new Response(never), stop.signal)).toEqual(new Uint8Array(0));
  });
});
