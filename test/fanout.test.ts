// Fan-out on one instance: every open GET stream receives every global event in publish order, events for a
// session reach that session's streams only, a reader that stops reading is cut off at its bound (without
// holding up the others) and resumes from its last id, and buffered (poll) GETs replay the same events.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { serve } from 'lambda-mcp/node';
import { afterEach, describe, expect, it } from 'vitest';
import { openSession, testHandler, URL_ } from './helpers.js';
import { messageOf, readSse, type SseItem } from './support/sse-reader.js';

const PROTOCOL = '2025-11-25';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function getHeaders(sessionId: string, lastEventId?: string): Record<string, string> {
  return {
    accept: 'text/event-stream',
    'mcp-session-id': sessionId,
    'mcp-protocol-version': PROTOCOL,
    ...(lastEventId && { 'last-event-id': lastEventId }),
  };
}

/** A POST of `message` in a 2025 session. */
function sessionPost(sessionId: string, message: object): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': sessionId,
      'mcp-protocol-version': PROTOCOL,
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
}

/** A 2025 session's `tools/call` of the test server's `echo`. */
function echoCall(sessionId: string): Request {
  return sessionPost(sessionId, {
    id: 3,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'x' } },
  });
}

/** The `data` of an event notification (`notifications/message` from `lambda-mcp/events`). */
function eventOf(item: SseItem): { type: string; scope: string; data: Record<string, unknown> } | undefined {
  const message = messageOf(item) as
    | { method?: string; params?: { logger?: string; data?: never } }
    | undefined;
  if (message?.method !== 'notifications/message' || message.params?.logger !== 'lambda-mcp/events') return;
  return message.params.data;
}

/** Reads a stream until an event of type `until` (or the end); resolves the items seen. */
async function collect(body: ReadableStream<Uint8Array>, until: string, onFirst?: () => void) {
  const items: SseItem[] = [];
  for await (const item of readSse(body)) {
    if (items.length === 0) onFirst?.();
    items.push(item);
    if (eventOf(item)?.type === until) break;
  }
  return items;
}

describe('broadcast fan-out on one instance', () => {
  it('200 live streams each receive the same 500 global events in order, and only their own session event', async () => {
    const handler = testHandler({ keepAliveMs: 0 });
    const served = await serve(handler, { port: 0 });
    closers.push(
      () => handler.close(),
      () => served.close(),
    );
    const streams = 200;
    const sessions: string[] = [];
    for (let i = 0; i < streams; i++) sessions.push(await openSession(handler, PROTOCOL));

    let primed = 0;
    let allPrimed!: () => void;
    const ready = new Promise<void>((resolve) => {
      allPrimed = resolve;
    });
    const readers = sessions.map(async (sessionId) => {
      const response = await fetch(`${served.url}/mcp`, { headers: getHeaders(sessionId) });
      expect(response.status).toBe(200);
      return collect(response.body as ReadableStream<Uint8Array>, 'test.done', () => {
        if (++primed === streams) allPrimed();
      });
    });
    await ready;
    expect(handler.feed.bus.size).toBe(streams);

    const globals = 500;
    for (let i = 0; i < globals; i++) {
      await handler.publishGlobalEvent({ type: 'test.tick', data: { i } });
      // One event for each session, spread through the run.
      if (i % 2 === 0 && i / 2 < streams) {
        const k = i / 2;
        await handler.publishSessionEvent(sessions[k] as string, { type: 'test.private', data: { k } });
      }
      if (i % 50 === 49) await nextTurn();
    }
    await handler.publishGlobalEvent({ type: 'test.done' });
    const received = await Promise.all(readers);

    for (const [k, items] of received.entries()) {
      const events = items.map(eventOf).filter((e) => e !== undefined);
      const ticks = events.filter((e) => e.type === 'test.tick').map((e) => e.data.i);
      expect(ticks).toEqual(Array.from({ length: globals }, (_, i) => i));
      const own = events.filter((e) => e.type === 'test.private');
      expect(own).toHaveLength(1);
      expect(own[0]).toMatchObject({ scope: 'session', data: { k } });
      // Every event id carries a later position than the one before (so any of them resumes exactly).
      const ids = items
        .filter((item) => item.kind === 'event')
        .map((item) => (item as { event: { id?: string } }).event.id);
      const cursors = ids.map((id) => (id as string).split('~')[1] as string);
      expect([...cursors].sort()).toEqual(cursors);
      expect(new Set(cursors.slice(1)).size).toBe(cursors.length - 1);
    }
    expect(handler.feed.bus.stats().dropped).toBe(0);
    expect(handler.errors).toEqual([]);
  }, 60_000);

  it('cuts off a stream that stops reading at its bound, without holding up the others; it resumes from its last id', async () => {
    const capacity = 64;
    const handler = testHandler({ keepAliveMs: 0, streamCapacity: capacity });
    closers.push(() => handler.close());
    const fast = 9;
    const sessions: string[] = [];
    for (let i = 0; i <= fast; i++) sessions.push(await openSession(handler, PROTOCOL));
    const get = (sessionId: string, lastEventId?: string) =>
      handler.fetch(new Request(URL_, { headers: getHeaders(sessionId, lastEventId) }));

    // The slow stream: opened, its priming event read, then never read again.
    const slow = await get(sessions[0] as string);
    const slowReader = (slow.body as ReadableStream<Uint8Array>).getReader();
    const priming = new TextDecoder().decode((await slowReader.read()).value);
    const primingId = /^id: (.+)$/m.exec(priming)?.[1];
    expect(primingId).toBeDefined();
    // The others: subscribed (the GET has answered) before anything is published, then read as it comes.
    const responses = await Promise.all(sessions.slice(1).map((sessionId) => get(sessionId)));
    const readers = responses.map(async (response) => {
      const items = await collect(response.body as ReadableStream<Uint8Array>, 'test.done');
      return { items, at: performance.now() };
    });
    const total = 2000;
    const data = 'x'.repeat(1024);
    for (let i = 0; i < total; i++) {
      await handler.publishGlobalEvent({ type: 'test.tick', data: { i, data } });
      if (i % 100 === 99) await nextTurn();
    }
    await handler.publishGlobalEvent({ type: 'test.done' });
    const publishedAt = performance.now();
    const results = await Promise.all(readers);

    // Every reading stream got all of it; the last one within a stated bound of 1 s after the last publish.
    for (const { items } of results) {
      expect(items.map(eventOf).filter((e) => e?.type === 'test.tick')).toHaveLength(total);
    }
    expect(Math.max(...results.map((r) => r.at)) - publishedAt).toBeLessThan(1000);
    // The slow one was dropped once it held `capacity` unread chunks, and its queue went with it at once (the
    // body errored): nothing of it stays buffered while its connection lasts (bounded memory).
    expect(handler.feed.bus.stats()).toMatchObject({ dropped: 1, subscribers: 0 });
    await expect(slowReader.read()).rejects.toThrow(`more than ${capacity} events behind`);

    // Resuming from the last id it read replays exactly what it missed, from the log.
    const resumed = await collect(
      (await get(sessions[0] as string, primingId)).body as ReadableStream<Uint8Array>,
      'test.done',
    );
    const rest = resumed
      .map(eventOf)
      .filter((e) => e?.type === 'test.tick')
      .map((e) => e?.data.i);
    expect(rest).toEqual(Array.from({ length: total }, (_, i) => i));
  }, 60_000);

  it('buffered (poll) GETs replay published events after the cursor, then close', async () => {
    const handler = testHandler({ sse: 'poll' });
    closers.push(() => handler.close());
    const [mine, other] = [await openSession(handler, PROTOCOL), await openSession(handler, PROTOCOL)];
    const poll = async (lastEventId?: string) => {
      const response = await handler.fetch(new Request(URL_, { headers: getHeaders(mine, lastEventId) }));
      const items: SseItem[] = [];
      for await (const item of readSse(response.body as ReadableStream<Uint8Array>)) items.push(item);
      const ids = items.flatMap((i) => (i.kind === 'event' && i.event.id ? [i.event.id] : []));
      return {
        items,
        last: ids.at(-1) as string,
        retry: items[0]?.kind === 'event' ? items[0].event.retry : undefined,
      };
    };
    const first = await poll();
    expect(first.retry).toBe(20);
    expect(first.items.map(eventOf).filter(Boolean)).toEqual([]);

    await handler.publishGlobalEvent({ type: 'a' });
    await handler.publishSessionEvent(other, { type: 'not-mine' });
    await handler.publishSessionEvent(mine, { type: 'mine' });
    const second = await poll(first.last);
    expect(second.items.map(eventOf).flatMap((e) => (e ? [e.type] : []))).toEqual(['a', 'mine']);
    // Nothing new: the next poll from the last id replays nothing.
    const third = await poll(second.last);
    expect(third.items.map(eventOf).filter(Boolean)).toEqual([]);
    await handler.publishGlobalEvent({ type: 'b' });
    expect((await poll(third.last)).items.map(eventOf).flatMap((e) => (e ? [e.type] : []))).toEqual(['b']);
  });

  it('refuses a Last-Event-ID whose event-log part is not a cursor', async () => {
    const handler = testHandler({ sse: 'poll' });
    closers.push(() => handler.close());
    const sessionId = await openSession(handler, PROTOCOL);
    const response = await handler.fetch(
      new Request(URL_, { headers: getHeaders(sessionId, 'get.0~nonsense') }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: -32000, message: 'Bad Request: unknown Last-Event-ID format' },
    });
  });

  it('holds back event log messages below the level the session set, on a stream already open', async () => {
    const handler = testHandler({ keepAliveMs: 0 });
    closers.push(() => handler.close());
    const sessionId = await openSession(handler, PROTOCOL);
    const stream = await handler.fetch(new Request(URL_, { headers: getHeaders(sessionId) }));
    const reading = collect(stream.body as ReadableStream<Uint8Array>, 'after');
    await handler.publishGlobalEvent({ type: 'before' });
    const setLevel = (level: string, id: number) =>
      handler.fetch(sessionPost(sessionId, { id, method: 'logging/setLevel', params: { level } }));
    expect((await setLevel('warning', 9)).status).toBe(200);
    await handler.publishGlobalEvent({ type: 'muted' });
    await handler.publishGlobalEvent({ type: 'tools/list_changed' });
    // The level goes back down so the closing marker gets through.
    expect((await setLevel('info', 10)).status).toBe(200);
    await handler.publishGlobalEvent({ type: 'after' });
    const items = await reading;
    const seen = items.flatMap((item) => {
      const message = messageOf(item) as
        | { method?: string; params?: { data?: { type?: string } } }
        | undefined;
      if (!message?.method) return [];
      return [message.method === 'notifications/message' ? message.params?.data?.type : message.method];
    });
    expect(seen).toEqual(['before', 'notifications/tools/list_changed', 'after']);
  });

  it('announces internal events on live streams: session and tool activity, and server health', async () => {
    // Health comes a second after the stream opens: the session and tool activity below takes milliseconds.
    const handler = testHandler({ keepAliveMs: 0, internalEvents: true, healthIntervalMs: 1000 });
    closers.push(() => handler.close());
    const watcher = await openSession(handler, PROTOCOL);
    const stream = await handler.fetch(new Request(URL_, { headers: getHeaders(watcher) }));
    const reading = collect(stream.body as ReadableStream<Uint8Array>, 'server.health');
    const other = await openSession(handler, PROTOCOL);
    const call = await handler.fetch(echoCall(watcher));
    expect(call.status).toBe(200);
    const items = await reading;
    const events = items.map(eventOf).filter((e) => e !== undefined);
    expect(events.find((e) => e.type === 'session.created')).toMatchObject({
      scope: 'global',
      data: { protocolVersion: PROTOCOL },
    });
    expect(events.filter((e) => e.type.startsWith('tool.'))).toMatchObject([
      { type: 'tool.started', scope: 'session', data: { tool: 'echo' } },
      {
        type: 'tool.completed',
        scope: 'session',
        data: { tool: 'echo', isError: false, durationMs: expect.any(Number) },
      },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'server.health',
      data: { streams: 1, rssBytes: expect.any(Number), uptimeSeconds: expect.any(Number) },
    });
    // The stream opened after the watcher's own session: it saw the other one being created, once.
    expect(events.filter((e) => e.type === 'session.created')).toHaveLength(1);
    expect(other).not.toBe(watcher);
  });

  it('makes no internal event while no stream is open on the instance to receive it', async () => {
    const handler = testHandler({ keepAliveMs: 0, internalEvents: true });
    closers.push(() => handler.close());
    const session = await openSession(handler, PROTOCOL);
    const call = await handler.fetch(echoCall(session));
    expect(call.status).toBe(200);
    await call.text();
    // session.created, tool.started and tool.completed would each have been one publish on the bus.
    expect(handler.feed.bus.stats()).toMatchObject({ subscribers: 0, published: 0, delivered: 0 });
  });
});
