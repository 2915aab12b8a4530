import { describe, expect, it } from 'vitest';
import { holdFor, isListen } from './listen-window.js';

const URL_ = 'http://127.0.0.1/mcp';

describe('the listen window', () => {
  it('recognises a subscriptions/listen POST', () => {
    const post = new Request(URL_, { method: 'POST' });
    expect(
      isListen(post, { kind: 'json', value: { jsonrpc: '2.0', id: 1, method: 'subscriptions/listen' } }),
    ).toBe(true);
    expect(isListen(post, { kind: 'json', value: { jsonrpc: '2.0', id: 1, method: 'tools/list' } })).toBe(
      false,
    );
    expect(isListen(post, { kind: 'invalid' })).toBe(false);
    expect(isListen(new Request(URL_), undefined)).toBe(false);
  });

  it('aborts the held copy when the window ends, keeping method, URL and headers', async () => {
    const original = new Request(URL_, { method: 'POST', headers: { 'mcp-method': 'subscriptions/listen' } });
    const held = holdFor(original, 20);
    expect([held.method, held.url, held.headers.get('mcp-method')]).toEqual([
      'POST',
      URL_,
      'subscriptions/listen',
    ]);
    expect(held.signal.aborted).toBe(false);
    await new Promise((resolve) => held.signal.addEventListener('abort', resolve, { once: true }));
    expect(original.signal.aborted).toBe(false);
  });

  it('aborts the held copy at once when the client leaves first, with its reason', () => {
    const controller = new AbortController();
    const original = new Request(URL_, { method: 'POST', signal: controller.signal });
    const held = holdFor(original, 60_000);
    controller.abort(new Error('client left'));
    expect(held.signal.aborted).toBe(true);
    expect((held.signal.reason as Error).message).toBe('client left');
  });
});
