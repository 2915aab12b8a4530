// Response shaping through `createLambdaMcp`: `compression` (br or gzip as Accept-Encoding allows, never on
// SSE) and `maxResponseBytes` (an oversized JSON answer becomes a JSON-RPC error for its id), in both eras
// and through the Lambda adapter, whose compressed results are base64.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLambdaMcp, type RequestRecord } from 'lambda-mcp';
import { toLambdaHandler } from 'lambda-mcp/lambda';
import { describe, expect, it } from 'vitest';
import { httpApiEvent } from '../packages/lambda-mcp/src/adapters/lambda/fixtures.js';
import { createTestServer } from './fixtures/test-server.js';
import { ACCEPT_BOTH, openSession, parseSse, post, TEST_KEY, testHandler } from './helpers.js';

const LONG_TEXT = 'All work and no play makes Jack a dull boy. '.repeat(200);

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const MODERN_HEADERS = {
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};

const call = (id: number, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, ...(meta && { _meta: meta }) },
});

const echoed = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  result: { content: [{ type: 'text', text }] },
});

const bodyBytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('compression', () => {
  it('compresses a large 2025 answer with br, and it decodes to the uncompressed answer', async () => {
    const plainHandler = testHandler();
    const plainSession = await openSession(plainHandler);
    const plain = await post(plainHandler, call(2, 'echo', { text: LONG_TEXT }), {
      'mcp-session-id': plainSession,
      'accept-encoding': 'gzip, br',
    });
    expect(plain.headers.has('content-encoding')).toBe(false);
    const expected = await plain.json();
    expect(expected).toEqual(echoed(2, LONG_TEXT));

    const handler = testHandler({ compression: true });
    const id = await openSession(handler);
    const response = await post(handler, call(2, 'echo', { text: LONG_TEXT }), {
      'mcp-session-id': id,
      'accept-encoding': 'gzip, br',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('mcp-session-id')).toBe(id);
    const bytes = await bodyBytes(response);
    expect(bytes.byteLength).toBeLessThan(LONG_TEXT.length / 10);
    expect(JSON.parse(brotliDecompressSync(bytes).toString())).toEqual(expected);
  });

  it('compresses a 2026-07-28 answer with gzip when br is excluded', async () => {
    const message = call(3, 'echo', { text: LONG_TEXT }, MODERN_META);
    const headers = { ...MODERN_HEADERS, 'accept-encoding': 'br;q=0, gzip' };
    const expected = await (await post(testHandler(), message, headers)).json();
    expect(expected).toMatchObject(echoed(3, LONG_TEXT));

    const response = await post(testHandler({ compression: true }), message, headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(JSON.parse(gunzipSync(await bodyBytes(response)).toString())).toEqual(expected);
  });

  it('leaves small answers, clients without Accept-Encoding and a disabled option uncompressed', async () => {
    const handler = testHandler({ compression: true });
    const id = await openSession(handler);
    const small = await post(handler, call(4, 'echo', { text: 'tiny' }), {
      'mcp-session-id': id,
      'accept-encoding': 'gzip, br',
    });
    expect(small.headers.has('content-encoding')).toBe(false);
    expect(await small.json()).toEqual(echoed(4, 'tiny'));
    const noHeader = await post(handler, call(5, 'echo', { text: LONG_TEXT }), { 'mcp-session-id': id });
    expect(noHeader.headers.has('content-encoding')).toBe(false);
    expect(await noHeader.json()).toEqual(echoed(5, LONG_TEXT));

    const off = testHandler();
    const offId = await openSession(off);
    const response = await post(off, call(6, 'echo', { text: LONG_TEXT }), {
      'mcp-session-id': offId,
      'accept-encoding': 'br',
    });
    expect(response.headers.has('content-encoding')).toBe(false);
  });

  it('never compresses an SSE answer', async () => {
    const handler = testHandler({ compression: true });
    const id = await openSession(handler);
    const headers = {
      'mcp-session-id': id,
      'mcp-protocol-version': '2025-11-25',
      'accept-encoding': 'br, gzip',
    };
    await post(
      handler,
      { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'debug' } },
      headers,
    );
    const response = await post(handler, call(7, 'chatty', { count: 2 }), headers);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.has('content-encoding')).toBe(false);
    expect(response.headers.get('vary')).toBeNull();
    const events = parseSse(await response.text());
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toEqual(echoed(7, 'done after 2'));
  });

  it('keeps CORS headers on a compressed answer, Vary listing both', async () => {
    const handler = testHandler({ compression: true, allowedOrigins: ['https://app.example.com'] });
    const response = await post(handler, call(8, 'echo', { text: LONG_TEXT }, MODERN_META), {
      ...MODERN_HEADERS,
      origin: 'https://app.example.com',
      'accept-encoding': 'gzip',
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
  });
});

describe('maxResponseBytes', () => {
  it('answers an oversized 2025 answer with a JSON-RPC error for its id, keeping the session header', async () => {
    const records: RequestRecord[] = [];
    const handler = testHandler({ maxResponseBytes: 1000, onrequest: (record) => records.push(record) });
    const id = await openSession(handler);
    const size = Buffer.byteLength(JSON.stringify(echoed(9, LONG_TEXT)));
    const response = await post(handler, call(9, 'echo', { text: LONG_TEXT }), { 'mcp-session-id': id });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('mcp-session-id')).toBe(id);
    expect(await response.text()).toBe(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        error: {
          code: -32603,
          message: `Response too large: ${size} bytes exceeds the limit of 1000 bytes (MAX_RESPONSE_SIZE_MB)`,
        },
      }),
    );
    expect(records.at(-1)).toMatchObject({ rpcMethod: 'tools/call', status: 200, errorCode: -32603 });

    // The session goes on: a small answer passes unchanged.
    const small = await post(handler, call(10, 'echo', { text: 'ok' }), { 'mcp-session-id': id });
    expect(await small.json()).toEqual(echoed(10, 'ok'));
    expect(records.at(-1)?.errorCode).toBeUndefined();
  });

  it('answers an oversized 2025-03-26 batch with one error per id', async () => {
    const handler = testHandler({ maxResponseBytes: 1000 });
    const id = await openSession(handler, '2025-03-26');
    const batch = [call(1, 'echo', { text: LONG_TEXT }), call(2, 'echo', { text: 'b' })];
    const response = await post(handler, batch, { 'mcp-session-id': id });
    const size = Buffer.byteLength(JSON.stringify([echoed(1, LONG_TEXT), echoed(2, 'b')]));
    const error = {
      code: -32603,
      message: `Response too large: ${size} bytes exceeds the limit of 1000 bytes (MAX_RESPONSE_SIZE_MB)`,
    };
    expect(await response.json()).toEqual([
      { jsonrpc: '2.0', id: 1, error },
      { jsonrpc: '2.0', id: 2, error },
    ]);
  });

  it('limits 2026-07-28 answers too, and checks the size before compression', async () => {
    const handler = testHandler({ maxResponseBytes: 1000, compression: true });
    const response = await post(handler, call(11, 'echo', { text: LONG_TEXT }, MODERN_META), {
      ...MODERN_HEADERS,
      'accept-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    // The error body is under the compression threshold, so it goes out as plain JSON.
    expect(response.headers.has('content-encoding')).toBe(false);
    const body = (await response.json()) as { id: number; error: { code: number; message: string } };
    expect(body.id).toBe(11);
    expect(body.error.code).toBe(-32603);
    expect(body.error.message).toMatch(/^Response too large: \d+ bytes exceeds the limit of 1000 bytes/);
  });

  it('checks an answer sent over SSE on its own, after the notifications before it', async () => {
    const handler = testHandler({ maxResponseBytes: 1000 });
    const id = await openSession(handler);
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
    await post(
      handler,
      { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'debug' } },
      headers,
    );
    const response = await post(handler, call(12, 'chatty', { count: 2 }), headers);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await response.text());
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toEqual(echoed(12, 'done after 2'));

    // The same call with a long answer: the notifications stream, the answer becomes the size error.
    const long = await post(handler, call(13, 'chatty', { count: 2, text: LONG_TEXT }), headers);
    const messages = parseSse(await long.text())
      .filter((e) => e.data !== '')
      .map((e) => JSON.parse(e.data));
    expect(messages.slice(0, -1).map((m) => m.method)).toEqual([
      'notifications/message',
      'notifications/message',
    ]);
    expect(messages.at(-1)).toEqual({
      jsonrpc: '2.0',
      id: 13,
      error: {
        code: -32603,
        message: expect.stringMatching(
          /^Response too large: \d+ bytes exceeds the limit of 1000 bytes \(MAX_RESPONSE_SIZE_MB\)$/,
        ),
      },
    });
  });
});

describe('through the Lambda adapter', () => {
  it('returns a compressed answer base64-encoded, decoding to the JSON', async () => {
    const app = toLambdaHandler(
      createLambdaMcp(createTestServer, { requestStateKey: TEST_KEY, compression: true }),
    );
    const result = (await app(
      httpApiEvent({
        headers: {
          accept: ACCEPT_BOTH,
          'accept-encoding': 'gzip',
          'content-type': 'application/json',
          ...MODERN_HEADERS,
        },
        body: JSON.stringify(call(13, 'echo', { text: LONG_TEXT }, MODERN_META)),
      }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers?.['content-encoding']).toBe('gzip');
    expect(result.headers?.['content-type']).toBe('application/json');
    const decoded = gunzipSync(Buffer.from(result.body as string, 'base64')).toString();
    expect(JSON.parse(decoded)).toMatchObject(echoed(13, LONG_TEXT));
  });

  it('keeps an uncompressed JSON answer as text', async () => {
    const app = toLambdaHandler(
      createLambdaMcp(createTestServer, { requestStateKey: TEST_KEY, compression: true }),
    );
    const result = (await app(
      httpApiEvent({
        headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json', ...MODERN_HEADERS },
        body: JSON.stringify(call(14, 'echo', { text: LONG_TEXT }, MODERN_META)),
      }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.isBase64Encoded).toBe(false);
    expect(JSON.parse(result.body as string)).toMatchObject(echoed(14, LONG_TEXT));
  });
});
