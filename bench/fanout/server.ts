// The fan-out server process (`node --import tsx --expose-gc bench/fanout/server.ts`, IPC to the bench
// process): one `createLambdaMcp(createAwsMonitorServer)` handler (memory stores, live SSE, no keep-alive
// comments) served with `serve` from `lambda-mcp/node` on a free port of 127.0.0.1. On command it opens
// 2025-11-25 sessions in process, confirms every GET stream is subscribed, publishes each phase's global
// events (each carrying its number and publish time) and reports memory, the bus counters and its errors.
// It holds no client: the streams' readers are other processes.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { createLambdaMcp } from 'lambda-mcp';
import { serve } from 'lambda-mcp/node';
import { createAwsMonitorServer } from '../../examples/aws-monitor/src/server.js';
import { checkAnswer, LEGACY_VERSION, legacyInitialize, legacyInitialized, readAnswer } from '../requests.js';
import { BENCH_KEY } from '../subjects/key.js';
import { cpuMs, epochMs, type FromServer, memory, PHASES, type ToServer } from './protocol.js';

const send = (message: FromServer) =>
  new Promise<void>((resolve) =>
    (process.send as NonNullable<typeof process.send>)(message, () => resolve()),
  );

const errors: string[] = [];
const report = (error: unknown) => errors.push(error instanceof Error ? error.message : String(error));
const streamCapacity = Number(process.env.BENCH_FANOUT_CAPACITY) || undefined;
const handler = createLambdaMcp(createAwsMonitorServer, {
  requestStateKey: BENCH_KEY,
  sse: 'live',
  keepAliveMs: 0,
  ...(streamCapacity && { streamCapacity }),
  onerror: report,
});
const served = await serve(handler, { port: 0, host: '127.0.0.1', onError: report });

async function openSession(): Promise<string> {
  const response = await handler.fetch(legacyInitialize(0));
  const sessionId = response.headers.get('mcp-session-id');
  checkAnswer(await readAnswer(response), 0);
  if (!sessionId) throw new Error('fan-out: initialize answered without mcp-session-id');
  const initialized = await handler.fetch(legacyInitialized(sessionId));
  if (initialized.status !== 202) throw new Error(`fan-out: initialized answered ${initialized.status}`);
  return sessionId;
}

/** A pilot session and stream, closed again, so code loaded on first use is not counted per stream. */
async function pilot(): Promise<void> {
  const controller = new AbortController();
  // Over HTTP like the readers' streams (this process's only client request).
  const response = await fetch(`${served.url}/mcp`, {
    headers: {
      accept: 'text/event-stream',
      'mcp-session-id': await openSession(),
      'mcp-protocol-version': LEGACY_VERSION,
    },
    signal: controller.signal,
  });
  await response.body?.getReader().read();
  controller.abort();
  for (let waited = 0; handler.feed.bus.size > 0; waited += 10) {
    if (waited > 5000) throw new Error('fan-out: the pilot stream stayed subscribed');
    await sleep(10);
  }
}

let peakRss = 0;
let sampler: NodeJS.Timeout | undefined;
let n = 0;

async function onMessage(message: ToServer): Promise<void> {
  if (message.type === 'sessions') {
    const started = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < message.count; i++) ids.push(await openSession());
    await send({ type: 'sessions', ids, ms: performance.now() - started, memory: memory() });
  } else if (message.type === 'primed') {
    for (let waited = 0; handler.feed.bus.size !== message.streams; waited += 10) {
      if (waited > 10_000) {
        throw new Error(
          `fan-out: ${handler.feed.bus.size} bus subscribers for ${message.streams} primed streams`,
        );
      }
      await sleep(10);
    }
    const primed = memory();
    peakRss = primed.rss;
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    await send({ type: 'primed', memory: primed });
  } else if (message.type === 'publish') {
    const type = PHASES[message.phase];
    const publish = () =>
      handler.publishGlobalEvent({ type, source: 'bench', data: { n: n++, t: epochMs() } });
    const startedAt = epochMs();
    const started = performance.now();
    const cpuAtStart = cpuMs();
    const flushMs: number[] = [];
    for (let i = 0; i < message.count; i++) {
      if (message.phase === 2) {
        // The burst: back to back, yielding to the event loop every 50 events.
        await publish();
        if (i % 50 === 49) await nextTurn();
        continue;
      }
      // Paced (open loop); behind schedule, publish at once but let I/O run in between.
      const wait = started + i * message.intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      else await nextTurn();
      const at = performance.now();
      await publish();
      // Every stream's chunk is on its socket once the microtasks and ticks the publish started have run.
      await nextTurn();
      flushMs.push(performance.now() - at);
    }
    await send({
      type: 'published',
      phase: message.phase,
      startedAt,
      ms: performance.now() - started,
      cpuMs: cpuMs() - cpuAtStart,
      flushMs,
    });
  } else {
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const bus = handler.feed.bus.stats();
    await handler.close();
    await served.close();
    await send({ type: 'finished', bus, peakRss, errors });
    process.disconnect();
  }
}

process.on('message', (message: ToServer) => {
  onMessage(message).catch(async (error: unknown) => {
    await send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
});
await pilot();
await send({ type: 'ready', url: `${served.url}/mcp`, beforeSessions: memory() });
