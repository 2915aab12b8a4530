// 2026-07-28 `subscriptions/listen` on buffered Lambda (`sse: 'poll'`): the gateway returns the body only
// when the invocation ends, so lambda-mcp holds a listen stream open for `listenWindowMs` and then ends it.
// The client gets the acknowledgement and every change of the window together, and sees the stream end; it
// listens again for the next window. With live SSE (streaming) the same stream stays open.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { testHandler, URL_ } from './helpers.js';

/** A fetch that behaves like a buffered Lambda integration: the answer arrives only once its body is whole. */
function bufferedFetch(handler: ReturnType<typeof testHandler>) {
  return async (url: string | URL | Request, init?: RequestInit) => {
    const response = await handler.fetch(new Request(url, init));
    const body = await response.arrayBuffer();
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

async function v2(fetchFn: (url: string | URL | Request, init?: RequestInit) => Promise<Response>) {
  const client = new Client(
    { name: 'listen-test', version: '1' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  const changes: number[] = [];
  client.setNotificationHandler('notifications/tools/list_changed', () => {
    changes.push(Date.now());
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(URL_), { fetch: fetchFn }));
  return { client, changes };
}

describe('subscriptions/listen on buffered Lambda', () => {
  it('holds the stream for the listen window, delivers what happened in it, then ends', async () => {
    const handler = testHandler({ sse: 'poll', listenWindowMs: 400 });
    const { client, changes } = await v2(bufferedFetch(handler));
    try {
      const started = Date.now();
      // The change happens while the stream is held; its request is still open on the "gateway".
      setTimeout(() => handler.notify.toolsChanged(), 100);
      const subscription = await client.listen({ toolsListChanged: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
      expect(await subscription.closed).toBe('remote');
      expect(changes).toHaveLength(1);
    } finally {
      await client.close();
      await handler.close();
    }
  });

  it('keeps a live (streaming) listen stream open past the window', async () => {
    const handler = testHandler({ sse: 'live', listenWindowMs: 100 });
    const { client, changes } = await v2((url, init) => handler.fetch(new Request(url, init)));
    try {
      const subscription = await client.listen({ toolsListChanged: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      handler.notify.toolsChanged();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(changes).toHaveLength(1);
      await subscription.close();
      expect(await subscription.closed).toBe('local');
    } finally {
      await client.close();
      await handler.close();
    }
  });
});
