// Issue 14, "sessions end everywhere" and "safe defaults for notifications", over two instances sharing a
// DynamoDB global log on dynalite and shared session and event stores: a DELETE on one instance closes the
// session's live GET stream on the other within a poll interval (through a session-scoped marker in the
// log), and `resources/updated` reaches only the streams of sessions subscribed to that URI.
import { MemoryEventStore, MemorySessionStore } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { openSession, post, testHandler, URL_ } from './helpers.js';
import { messageOf, readSse, type SseItem } from './support/sse-reader.js';

const VERSION = '2025-11-25';
const POLL_MS = 50;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** A memory session store that counts its reads. */
class CountingSessionStore extends MemorySessionStore {
  reads = 0;
  override get(id: string) {
    this.reads++;
    return super.get(id);
  }
}

/** Two instances over one shared DynamoDB global log and shared session and event stores. */
async function twoInstances() {
  const { eventLog } = createDynamoStores({ client: dynamo.client, tableName: await dynamo.newTable() });
  const sessionStore = new CountingSessionStore();
  const shared = {
    eventLog,
    eventStore: new MemoryEventStore(),
    sessionStore,
    pollIntervalMs: POLL_MS,
    sse: 'live' as const,
    keepAliveMs: 0,
  };
  return { a: testHandler(shared), b: testHandler(shared), sessionStore };
}

type Handler = ReturnType<typeof testHandler>;
type Message = { method?: string; params?: { uri?: string; data?: { type?: string } } };

/** Opens a live GET stream; `next` resolves its next message, or `'ended'` when the stream ends. */
async function openStream(on: Handler, sessionId: string) {
  const response = await on.fetch(
    new Request(URL_, {
      method: 'GET',
      headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': VERSION },
    }),
  );
  expect(response.status).toBe(200);
  const items = readSse(response.body as ReadableStream<Uint8Array>);
  const next = async (): Promise<Message | 'ended'> => {
    for (;;) {
      const { value, done } = await items.next();
      if (done) return 'ended';
      const message = messageOf(value as SseItem);
      if (message) return message as Message;
    }
  };
  return { next, stop: () => items.return(undefined) };
}

/** Resolves `promise`, or `'timeout'` after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([
    promise,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms)),
  ]);
}

describe('sessions end everywhere', () => {
  it('a DELETE on instance B closes the session’s live GET stream on instance A, which gets no further events', async () => {
    const { a, b } = await twoInstances();
    try {
      const id = await openSession(a, VERSION);
      const stream = await openStream(a, id);
      // The stream is live and polling the shared log: a global event from B reaches it.
      await b.publishGlobalEvent({ type: 'before.delete' });
      expect(await within(stream.next(), 5000)).toMatchObject({
        method: 'notifications/message',
        params: { data: { type: 'before.delete' } },
      });

      const deleted = await b.fetch(
        new Request(URL_, {
          method: 'DELETE',
          headers: { 'mcp-session-id': id, 'mcp-protocol-version': VERSION },
        }),
      );
      expect(deleted.status).toBe(200);
      const started = Date.now();
      // Global events published after the DELETE must not reach the ended session's stream.
      await b.publishGlobalEvent({ type: 'after.delete.1' });
      await b.publishGlobalEvent({ type: 'after.delete.2' });
      const after = await within(stream.next(), 5000);
      expect(after).toBe('ended');
      // Within about one poll interval (plus the log's settle window and dynalite's latency).
      expect(Date.now() - started).toBeLessThan(POLL_MS * 20 + 1000);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('resources/updated reaches subscribed sessions only', () => {
  it('sends resources/updated to the sessions subscribed to its URI, other events to every session', async () => {
    const { a, b, sessionStore } = await twoInstances();
    try {
      const subscribed = await openSession(a, VERSION);
      const other = await openSession(a, VERSION);
      const onSubscribed = await openStream(a, subscribed);
      const onOther = await openStream(a, other);
      // Subscribed after its stream opened, on the other instance.
      const answer = await post(
        b,
        { jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'test://note' } },
        { 'mcp-session-id': subscribed, 'mcp-protocol-version': VERSION },
      );
      expect(answer.status).toBe(200);
      const readsBefore = sessionStore.reads;

      await b.publishGlobalEvent({ type: 'resources/updated', data: { uri: 'test://note' } });
      await b.publishGlobalEvent({ type: 'resources/updated', data: { uri: 'test://elsewhere' } });
      await b.publishGlobalEvent({ type: 'resources/list_changed' });
      await b.publishGlobalEvent({ type: 'marker' });

      const seen = async (stream: Awaited<ReturnType<typeof openStream>>) => {
        const messages: Message[] = [];
        for (;;) {
          const message = await within(stream.next(), 5000);
          if (message === 'timeout' || message === 'ended') throw new Error(`the stream gave ${message}`);
          messages.push(message);
          if (message.params?.data?.type === 'marker') return messages.map((m) => m.params?.uri ?? m.method);
        }
      };
      expect(await seen(onSubscribed)).toEqual([
        'test://note',
        'notifications/resources/list_changed',
        'notifications/message',
      ]);
      expect(await seen(onOther)).toEqual(['notifications/resources/list_changed', 'notifications/message']);
      // The subscription change cost one read, on the subscribed session's stream; the updates cost none.
      expect(sessionStore.reads - readsBefore).toBe(1);
      await onSubscribed.stop();
      await onOther.stop();
      expect(a.errors).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
