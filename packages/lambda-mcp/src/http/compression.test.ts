// Tests of response compression: Accept-Encoding negotiation with q-values, which responses are compressed,
// the headers of a compressed answer, and a round trip through node:zlib.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressResponse, negotiateEncoding } from './compression.js';

const BIG_JSON = JSON.stringify({
  jsonrpc: '2.0',
  id: 7,
  result: { content: [{ type: 'text', text: 'lorem ipsum '.repeat(200) }] },
});

const json = (body: string | null, headers: Record<string, string> = {}, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });

describe('negotiateEncoding', () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['GZIP', 'gzip'],
    ['gzip, br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['deflate', undefined],
    ['identity', undefined],
    ['identity;q=1', undefined],
    ['br;q=0, gzip', 'gzip'],
    ['br; q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', undefined],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['gzip;q=0.8, br;q=0.8', 'br'],
    ['gzip;q=0.001', 'gzip'],
    ['br;q=abc, gzip;q=0.1', 'gzip'],
    ['*', 'br'],
    ['*;q=0', undefined],
    ['*, br;q=0', 'gzip'],
    ['identity, *;q=0', undefined],
    ['gzip;q=0.5, *;q=0.9', 'br'],
    [' , ,gzip', 'gzip'],
  ])('%j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe('compressResponse', () => {
  it('compresses JSON with br, keeping status and headers, appending Vary, dropping Content-Length', async () => {
    const original = json(BIG_JSON, {
      'mcp-session-id': 's-1',
      'content-length': String(BIG_JSON.length),
      vary: 'Origin',
    });
    const response = await compressResponse(original, 'gzip, br');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('mcp-session-id')).toBe('s-1');
    expect(response.headers.get('vary')).toBe('Origin, Accept-Encoding');
    expect(response.headers.has('content-length')).toBe(false);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(BIG_JSON.length / 4);
    expect(brotliDecompressSync(bytes).toString()).toBe(BIG_JSON);
  });

  it('compresses with gzip when br is not accepted, and keeps a non-200 status', async () => {
    const response = await compressResponse(
      json(BIG_JSON, { 'content-type': 'application/json; charset=utf-8' }, 400),
      'gzip;q=1, br;q=0',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(BIG_JSON);
  });

  it('does not repeat Accept-Encoding in Vary', async () => {
    const response = await compressResponse(json(BIG_JSON, { vary: 'accept-encoding' }), 'gzip');
    expect(response.headers.get('vary')).toBe('accept-encoding');
  });

  it('leaves the response itself when the client accepts no supported coding', async () => {
    for (const header of [null, '', 'identity', 'deflate', 'br;q=0, gzip;q=0']) {
      const original = json(BIG_JSON);
      expect(await compressResponse(original, header)).toBe(original);
    }
  });

  it('never compresses SSE, other media types, or a body that already has a Content-Encoding', async () => {
    const sse = new Response(`data: ${BIG_JSON}\n\n`, { headers: { 'content-type': 'text/event-stream' } });
    expect(await compressResponse(sse, 'br')).toBe(sse);
    const text = new Response(BIG_JSON, { headers: { 'content-type': 'text/plain' } });
    expect(await compressResponse(text, 'br')).toBe(text);
    const untyped = new Response(BIG_JSON);
    untyped.headers.delete('content-type');
    expect(await compressResponse(untyped, 'br')).toBe(untyped);
    const encoded = json(BIG_JSON, { 'content-encoding': 'gzip' });
    expect(await compressResponse(encoded, 'br')).toBe(encoded);
    const empty = new Response(null, { status: 202 });
    expect(await compressResponse(empty, 'br')).toBe(empty);
  });

  it('sends bodies under the threshold (default 1024 bytes) uncompressed, with the same bytes', async () => {
    const small = '{"jsonrpc":"2.0","id":1,"result":{}}';
    const declared = json(small, { 'content-length': String(small.length) });
    expect(await compressResponse(declared, 'br')).toBe(declared);
    const response = await compressResponse(json(small, { 'mcp-session-id': 's-2' }), 'br');
    expect(response.headers.has('content-encoding')).toBe(false);
    expect(response.headers.get('mcp-session-id')).toBe('s-2');
    expect(await response.text()).toBe(small);

    const exact = 'x'.repeat(1023);
    expect((await compressResponse(json(exact), 'gzip')).headers.has('content-encoding')).toBe(false);
    expect((await compressResponse(json(`${exact}x`), 'gzip')).headers.get('content-encoding')).toBe('gzip');
    const lowered = await compressResponse(json(small), 'gzip', { thresholdBytes: 10 });
    expect(gunzipSync(Buffer.from(await lowered.arrayBuffer())).toString()).toBe(small);
  });

  it('keeps an empty JSON body empty and uncompressed', async () => {
    const response = await compressResponse(json(''), 'br');
    expect(response.headers.has('content-encoding')).toBe(false);
    expect(await response.text()).toBe('');
  });

  it('round-trips a body of many chunks and non-ASCII text', async () => {
    const text = JSON.stringify({ jsonrpc: '2.0', id: 'é', result: { text: 'héllo wörld ✓ '.repeat(500) } });
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.byteLength; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
    const response = await compressResponse(
      new Response(stream, { headers: { 'content-type': 'application/json' } }),
      'br',
    );
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(JSON.parse(brotliDecompressSync(Buffer.from(await response.arrayBuffer())).toString())).toEqual(
      JSON.parse(text),
    );
  });
});
