// A live GET stream cut off for falling behind releases its buffer at once: the body errors (the queued
// chunks are dropped, not kept while the connection stays open) and its hub and bus subscriptions go.
import { SessionEventHub } from 'lambda-mcp';
import { afterEach, describe, expect, it } from 'vitest';
import { openSession, testHandler, URL_ } from './helpers.js';

const PROTOCOL = '2025-11-25';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('a live GET stream cut off for falling behind', () => {
  it('errors its body at once, dropping the queued chunks, and unsubscribes', async () => {
    const capacity = 8;
    const hub = new SessionEventHub();
    const handler = testHandler({ keepAliveMs: 0, streamCapacity: capacity, hub });
    closers.push(() => handler.close());
    const sessionId = await openSession(handler, PROTOCOL);
    const response = await handler.fetch(
      new Request(URL_, {
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': PROTOCOL,
        },
      }),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the priming event; then the client stops reading
    expect(hub.subscriberCount()).toBe(1);
    expect(handler.feed.bus.stats().subscribers).toBe(1);

    for (let i = 0; i < capacity - 1; i++) {
      await handler.publishGlobalEvent({ type: 'test.tick', data: { i, pad: 'x'.repeat(32 * 1024) } });
    }
    // Still within its bound: nothing dropped.
    expect(handler.feed.bus.stats()).toMatchObject({ dropped: 0, subscribers: 1 });
    for (let i = capacity - 1; i < capacity + 4; i++) {
      await handler.publishGlobalEvent({ type: 'test.tick', data: { i, pad: 'x'.repeat(32 * 1024) } });
    }

    expect(handler.feed.bus.stats()).toMatchObject({ dropped: 1, subscribers: 0 });
    expect(hub.subscriberCount()).toBe(0);
    // Errored, not closed with a queue: the very next read fails, nothing of the capacity × 32 KiB is left.
    await expect(reader.read()).rejects.toThrow(`stream cut off, more than ${capacity} events behind`);
    expect(handler.errors).toEqual([]);
  });
});
