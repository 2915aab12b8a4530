// Tests of the response size limit: JSON answers over the limit become JSON-RPC errors for the same id(s)
// with the headers kept; answers within it, SSE and other media types pass unchanged.
import { describe, expect, it } from 'vitest';
import { limitResponseSize } from './response-limit.js';

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
  });

const result = (id: string | number, text: string) => ({
  jsonrpc: '2.0',
  id,
  result: { content: [{ type: 'text', text }] },
});

const tooLarge = (bytes: number, max: number) => ({
  code: -32603,
  message: `Response too large: ${bytes} bytes exceeds the limit of ${max} bytes (MAX_RESPONSE_SIZE_MB)`,
});

describe('limitResponseSize', () => {
  it('answers a single response over the limit with a JSON-RPC error for its id, headers kept', async () => {
    const body = JSON.stringify(result(42, 'x'.repeat(500)));
    const sizes: number[] = [];
    const response = await limitResponseSize(
      json(body, { 'mcp-session-id': 's-1', 'content-length': String(body.length) }),
      100,
      (bytes) => sizes.push(bytes),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('mcp-session-id')).toBe('s-1');
    expect(response.headers.has('content-length')).toBe(false);
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 42, error: tooLarge(body.length, 100) });
    expect(sizes).toEqual([body.length]);
  });

  it('answers a batch over the limit with one error per id', async () => {
    const body = JSON.stringify([result('a', 'x'.repeat(300)), result(2, 'y'.repeat(300))]);
    const response = await limitResponseSize(json(body), 512);
    expect(await response.json()).toEqual([
      { jsonrpc: '2.0', id: 'a', error: tooLarge(body.length, 512) },
      { jsonrpc: '2.0', id: 2, error: tooLarge(body.length, 512) },
    ]);
  });

  it('counts bytes, not characters', async () => {
    const body = JSON.stringify(result(1, 'é'.repeat(50)));
    const bytes = Buffer.byteLength(body);
    expect(bytes).toBeGreaterThan(body.length);
    const response = await limitResponseSize(json(body), body.length);
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 1, error: tooLarge(bytes, body.length) });
  });

  it('uses a null id when the oversized body has none or is not JSON', async () => {
    const noId = await limitResponseSize(
      json({ jsonrpc: '2.0', error: { code: 1, message: 'x'.repeat(50) } }),
      10,
    );
    expect(await noId.json()).toMatchObject({ id: null, error: { code: -32603 } });
    const garbage = await limitResponseSize(json('{"truncated": '.padEnd(64, 'x')), 10);
    expect(await garbage.json()).toEqual({ jsonrpc: '2.0', id: null, error: tooLarge(64, 10) });
  });

  it('returns a response within the limit with the same status, headers and bytes', async () => {
    const body = JSON.stringify(result(3, 'fits'));
    const sizes: number[] = [];
    const response = await limitResponseSize(
      new Response(body, {
        status: 201,
        statusText: 'Created',
        headers: { 'content-type': 'application/json', 'mcp-session-id': 's-2' },
      }),
      body.length,
      (bytes) => sizes.push(bytes),
    );
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.headers.get('mcp-session-id')).toBe('s-2');
    expect(await response.text()).toBe(body);
    expect(sizes).toEqual([]);
  });

  it('passes SSE, other media types and empty answers through untouched', async () => {
    const sse = new Response(`data: ${'x'.repeat(500)}\n\n`, {
      headers: { 'content-type': 'text/event-stream' },
    });
    expect(await limitResponseSize(sse, 10)).toBe(sse);
    const text = new Response('x'.repeat(500), { headers: { 'content-type': 'text/plain' } });
    expect(await limitResponseSize(text, 10)).toBe(text);
    const accepted = new Response(null, { status: 202 });
    expect(await limitResponseSize(accepted, 0)).toBe(accepted);
  });
});
