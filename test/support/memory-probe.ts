// Measures what one load leaves on the heap (and in buffers outside it), in a process of its own (`node --expose-gc --import tsx`), so the
// test runner's heap does not blur the figure: a full GC before and after, then one JSON line on stdout.
// Scenarios (argv[2]):
//   initialize <maxSessions>  1,000 `initialize` calls with 60 KiB of params each (under the 64 KiB a session
//                             may store), then 50 with 1 MiB (refused 413), on the in-memory store
//   expired                   2,000 sessions with 8 KiB params, then the clock passes their idle time and the
//                             store's sweep runs with nobody reading them
//   streams <capacity> <n>    n live GET streams whose clients read only the priming event, then 100 global
//                             events of 16 KiB: with capacity 64 each stream falls behind and is cut off
import { createLambdaMcp, MemoryEventStore, MemorySessionStore } from 'lambda-mcp';
import { createTestServer } from '../fixtures/test-server.js';
import { initializeMessage, openSession, post, TEST_KEY, URL_ } from '../helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const MiB = 1024 * 1024;

/** The JS heap plus memory held outside it by JS objects (the encoded chunks queued on streams). */
function heapMiB(): number {
  gc?.();
  gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / MiB;
}

const pad = (bytes: number) => 'x'.repeat(bytes);

async function initializeScenario(maxSessions: number) {
  const handler = createLambdaMcp(createTestServer, {
    requestStateKey: TEST_KEY,
    maxSessions,
    onerror: () => {},
  });
  const send = (i: number, bytes: number) =>
    post(handler, initializeMessage('2025-11-25', `c${i}`, { experimental: { pad: { value: pad(bytes) } } }));
  // Warm the code paths first, so the baseline holds the compiled code and the SDK's caches.
  for (let i = 0; i < 20; i++) await (await send(i, 1024)).text();
  const before = heapMiB();
  const statuses: Record<string, number> = {};
  const count = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  for (let i = 0; i < 1000; i++) {
    const response = await send(i, 60 * 1024);
    count(response.status);
    await response.text();
  }
  for (let i = 0; i < 50; i++) {
    const response = await send(i, MiB);
    count(response.status);
    await response.text();
  }
  const after = heapMiB();
  await handler.close();
  return { before, after, grownMiB: after - before, statuses };
}

async function expiredScenario() {
  const clock = { t: Date.now() };
  const now = () => clock.t;
  const sessions = new MemorySessionStore({ now, sweepIntervalMs: 50 });
  const handler = createLambdaMcp(createTestServer, {
    requestStateKey: TEST_KEY,
    sessionStore: sessions,
    eventStore: new MemoryEventStore({ sessions }),
    sessionIdleSeconds: 60,
    now,
    onerror: () => {},
  });
  for (let i = 0; i < 20; i++) await (await post(handler, initializeMessage('2025-11-25', `w${i}`))).text();
  clock.t += 120_000;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = heapMiB();
  for (let i = 0; i < 2000; i++) {
    const message = initializeMessage('2025-11-25', `c${i}`, {
      experimental: { pad: { value: pad(8 * 1024) } },
    });
    await (await post(handler, message)).text();
  }
  const held = heapMiB();
  const live = (await sessions.list({ limit: 100 })).sessions.length;
  clock.t += 120_000;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = heapMiB();
  const left = (await sessions.list({ limit: 100 })).sessions.length;
  await handler.close();
  sessions.close();
  return { before, held, after, heldMiB: held - before, grownMiB: after - before, live, left };
}

async function streamsScenario(capacity: number, streams: number) {
  const handler = createLambdaMcp(createTestServer, {
    requestStateKey: TEST_KEY,
    keepAliveMs: 0,
    streamCapacity: capacity,
    onerror: () => {},
  });
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  // Each stream resumes at a session-log position of its own, so its event ids, and so the bytes it queues,
  // are its own too (streams at one position share one copy of an event's frame).
  let head: string | undefined;
  const open = async () => {
    const sessionId = await openSession(handler);
    const response = await handler.fetch(
      new Request(URL_, {
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2025-11-25',
          ...(head && { 'last-event-id': `get.${readers.length}~${head}` }),
        },
      }),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // The priming event; then this client stops reading.
    const priming = new TextDecoder().decode((await reader.read()).value);
    head ??= /^id: get\.\d+~(\S+)$/m.exec(priming)?.[1];
    readers.push(reader);
  };
  for (let i = 0; i < 5; i++) await open();
  const before = heapMiB();
  for (let i = 0; i < streams; i++) await open();
  const opened = handler.feed.bus.stats().subscribers;
  // Distinct payloads: a stream that kept its queue would hold up to 100 × 16 KiB of its own.
  for (let i = 0; i < 100; i++) {
    await handler.publishGlobalEvent({ type: 'test.tick', data: { i, pad: `${i}`.padEnd(16 * 1024, 'y') } });
  }
  const after = heapMiB();
  const { subscribers, dropped } = handler.feed.bus.stats();
  await handler.close();
  return { before, after, grownMiB: after - before, opened, subscribers, dropped, readers: readers.length };
}

const scenario = process.argv[2];
const result =
  scenario === 'initialize'
    ? await initializeScenario(Number(process.argv[3]))
    : scenario === 'expired'
      ? await expiredScenario()
      : scenario === 'streams'
        ? await streamsScenario(Number(process.argv[3]), Number(process.argv[4]))
        : undefined;
if (!result) throw new Error(`unknown scenario ${scenario}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
