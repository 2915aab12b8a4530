// The GET stream's fast path for published events: one publish to many live streams writes each the bytes
// the SSE framing of that event has always had, and streams at the same position share one copy of them.
import { afterEach, describe, expect, it } from 'vitest';
import { EventFeed } from '../events/feed.js';
import { MemoryGlobalEventLog } from '../events/global-log.js';
import { eventNotificationJson } from '../events/model.js';
import { SessionEventHub } from '../events/session-hub.js';
import { sseMessageJson } from '../http/responses.js';
import { MemoryEventStore, MemorySessionStore } from '../stores/memory.js';
import type { SessionRecord } from '../stores/types.js';
import { streamSessionEvents } from './get-stream.js';

const decoder = new TextDecoder();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function session(id: string): SessionRecord {
  const now = Date.now();
  return {
    id,
    protocolVersion: '2025-11-25',
    initializeParams: {},
    subscriptions: [],
    createdAt: now,
    lastActiveAt: now,
    expiresAt: now + 3_600_000,
    version: 1,
  };
}

/** `count` live standalone streams on one feed, each read with its own reader. */
async function liveStreams(count: number) {
  const feed = new EventFeed({ log: new MemoryGlobalEventLog() });
  const sessionStore = new MemorySessionStore();
  const eventStore = new MemoryEventStore({ sessions: sessionStore });
  const hub = new SessionEventHub();
  const controller = new AbortController();
  cleanups.push(() => {
    controller.abort();
    feed.close();
  });
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  for (let i = 0; i < count; i++) {
    const response = await streamSessionEvents({
      eventStore,
      sessionStore,
      hub,
      sse: 'live',
      retryMs: 1000,
      keepAliveMs: 0,
      maxStreamMs: 0,
      streamCapacity: 16,
      session: session(`s${i}`),
      lastEventId: undefined,
      signal: controller.signal,
      feed,
      logLevel: () => undefined,
      instanceId: 'i1',
    });
    readers.push((response.body as ReadableStream<Uint8Array>).getReader());
  }
  return { feed, readers };
}

describe('a published event on many live GET streams', () => {
  it('writes every stream the framing of sseMessageJson, sharing the bytes among equal positions', async () => {
    const { feed, readers } = await liveStreams(3);
    const primings = await Promise.all(readers.map((reader) => reader.read()));
    for (const { value } of primings) expect(decoder.decode(value)).toMatch(/^id: get\.0~\S+\nretry: 1000\n/);
    const { event } = await feed.publish(
      { type: 'deploy.finished', data: { text: 'déployé ✓' } },
      { kind: 'global' },
    );
    const chunks = (await Promise.all(readers.map((reader) => reader.read()))).map(({ value }) => value);
    const id = decoder.decode(chunks[0]).match(/^event: message\nid: (\S+)\n/)?.[1] as string;
    expect(id).toMatch(/^get\.0~/);
    const expected = sseMessageJson(eventNotificationJson(event).json, id);
    for (const chunk of chunks) expect(decoder.decode(chunk)).toBe(expected);
    // One copy for the three streams, all at the same position.
    expect(chunks[1]).toBe(chunks[0]);
    expect(chunks[2]).toBe(chunks[0]);
  });

  it('keeps the order and the ids of successive events on each stream', async () => {
    const { feed, readers } = await liveStreams(2);
    await Promise.all(readers.map((reader) => reader.read()));
    const events = [];
    for (let n = 0; n < 3; n++)
      events.push((await feed.publish({ type: 'tick', data: { n } }, { kind: 'global' })).event);
    for (const reader of readers) {
      const ids: string[] = [];
      for (const event of events) {
        const text = decoder.decode((await reader.read()).value);
        const id = text.match(/^event: message\nid: (\S+)\n/)?.[1] as string;
        expect(text).toBe(sseMessageJson(eventNotificationJson(event).json, id));
        ids.push(id);
      }
      expect([...ids].sort()).toEqual(ids); // ids grow with the global cursor
      expect(new Set(ids).size).toBe(3);
    }
  });
});
