// What a live 2025 GET stream reads from the session's event log when the global log is shared (DynamoDB on
// dynalite). A message stored by the stream's own instance reaches it through the in-process hub, so the
// session-log marker that follows it through the shared log must cost no read; a message stored by another
// instance reaches it through exactly one read. The two instances share the session and event stores.
import { MemoryEventStore, MemorySessionStore } from 'lambda-mcp';
import { createDynamoStores } from 'lambda-mcp/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../packages/lambda-mcp/test/dynamo-harness.js';
import { openSession, post, testHandler, URL_ } from './helpers.js';
import { messageOf, readSse, type SseItem } from './support/sse-reader.js';

/** A memory event store that counts its reads. */
class CountingEventStore extends MemoryEventStore {
  reads = 0;
  override read(...args: Parameters<MemoryEventStore['read']>) {
    this.reads++;
    return super.read(...args);
  }
}

const VERSION = '2025-11-25';
/** The type of the marker a GET-stream message leaves in a shared log (internal to lambda-mcp). */
const SESSION_LOG_EVENT = 'lambda-mcp/session-log';
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe('a live GET stream over a shared event log', () => {
  it('reads the session log for a message another instance stored, never for its own', async () => {
    const { eventLog } = createDynamoStores({ client: dynamo.client, tableName: await dynamo.newTable() });
    const eventStore = new CountingEventStore();
    const shared = {
      eventLog,
      eventStore,
      sessionStore: new MemorySessionStore(),
      pollIntervalMs: 50,
      sse: 'live' as const,
      keepAliveMs: 0,
    };
    const a = testHandler(shared);
    const b = testHandler(shared);
    try {
      const id = await openSession(a, VERSION);
      const headers = { 'mcp-session-id': id, 'mcp-protocol-version': VERSION };
      const head = await eventLog.head();
      const response = await a.fetch(
        new Request(URL_, { method: 'GET', headers: { accept: 'text/event-stream', ...headers } }),
      );
      expect(response.status).toBe(200);
      const items = readSse(response.body as ReadableStream<Uint8Array>);
      const nextMessage = async () => {
        for (;;) {
          const { value, done } = await items.next();
          if (done) throw new Error('the GET stream ended');
          const message = messageOf(value as SseItem) as { method?: string; params?: { data?: unknown } };
          if (message) return message;
        }
      };
      const announce = async (on: typeof a, text: string, requestId: number) => {
        const params = { name: 'announce', arguments: { text } };
        const answer = await post(
          on,
          { jsonrpc: '2.0', id: requestId, method: 'tools/call', params },
          headers,
        );
        expect(answer.status).toBe(200);
      };
      /** Waits until the shared log holds `count` markers, then publishes an event logged after them. */
      const publishAfterMarkers = async (count: number, type: string) => {
        for (const deadline = Date.now() + 10_000; ; ) {
          if (Date.now() > deadline) throw new Error(`fewer than ${count} markers in the log`);
          const { events } = await eventLog.read(head);
          if (events.filter((e) => e.event.type === SESSION_LOG_EVENT).length >= count) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // The log orders by time, then id: this id sorts after a marker's UUID within one millisecond too.
        await a.publishGlobalEvent({ type, id: `zz-${type}` });
      };
      const openedWith = eventStore.reads;

      // Stored by this instance: through the hub; the marker that follows through the log reads nothing.
      await announce(a, 'from a', 2);
      expect((await nextMessage()).params?.data).toBe('from a');
      await publishAfterMarkers(1, 'after.a');
      expect((await nextMessage()).params?.data).toMatchObject({ type: 'after.a' });
      expect(eventStore.reads - openedWith).toBe(0);

      // Stored by the other instance: its marker makes this stream read the session log, once.
      await announce(b, 'from b', 3);
      expect((await nextMessage()).params?.data).toBe('from b');
      expect(eventStore.reads - openedWith).toBe(1);
      await items.return(undefined);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
