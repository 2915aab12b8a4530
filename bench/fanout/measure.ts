// Fan-out measured with the readers out of the server's process: one server process (server.ts) holds
// `streams` 2025-11-25 sessions with one live GET SSE stream each, opened over HTTP by ceil(streams / 1000)
// reader processes (reader.ts), and publishes global events to all of them. The bench process drives the
// phases (warm-up, paced latency events, a back-to-back burst) and computes delivery latency (receive time in
// a reader minus publish time in the server, on the machine's shared clock), deliveries per second and the
// server's memory per stream. Every stream must get every event once and in order, and the bus must drop
// none, or the run fails. Sizes the file-descriptor limit cannot hold are skipped with the reason.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BroadcastStats } from '../../packages/lambda-mcp/src/events/broadcast.js';
import { DEFAULTS } from '../../packages/lambda-mcp/src/options.js';
import { type Summary, summarize } from '../stats.js';
import { IpcChild } from './ipc.js';
import type { FromReader, FromServer, Phase, ToReader, ToServer } from './protocol.js';

/** What one fan-out size runs. */
export interface FanoutOptions {
  streams: number;
  /** Paced events of the latency phase. */
  events: number;
  /** Events of the burst. */
  burst: number;
  /** One latency-phase event every this many ms. Default 100. */
  intervalMs?: number;
  /** Unmeasured (checked) events before the latency phase. Default 20. */
  warmup?: number;
  /** Streams per reader process. Default 1000. */
  streamsPerReader?: number;
  /** GET streams a reader opens at once. Default 50. */
  openConcurrency?: number;
  /** Fail when a step (priming, a phase) takes longer than this, in ms. Default 120000. */
  stepTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

/** The figures of one size. */
export interface FanoutResult {
  streams: number;
  readerProcesses: number;
  /** The readers' HTTP client (`BENCH_FANOUT_READER`): `http` (node:http) or `fetch` (undici). */
  reader: 'http' | 'fetch';
  streamCapacity: number;
  setup: { sessionsMs: number; primeMs: number };
  warmupEvents: number;
  latency: {
    events: number;
    intervalMs: number;
    offeredEventsPerSecond: number;
    publishedEventsPerSecond: number;
    /** Receive (reader process) minus publish (server process) time, ms, over every stream × event. */
    deliveryMs: Summary;
  };
  throughput: {
    events: number;
    deliveries: number;
    publishMs: number;
    /** First publish → the last stream of any reader receiving the last event, ms. */
    deliverMs: number;
    publishedEventsPerSecond: number;
    deliveriesPerSecond: number;
  };
  /** The server process only; readings other than the peak follow a full collection. */
  server: {
    rss: { beforeSessions: number; beforeStreams: number; primed: number; peak: number };
    heap: { beforeSessions: number; beforeStreams: number; primed: number };
    /** (primed − before streams) / streams, RSS and heap + external. */
    rssPerStreamKiB: number;
    heapPerStreamKiB: number;
    /** (before streams − before sessions) / streams, heap + external. */
    heapPerSessionKiB: number;
  };
  /**
   * Where the latency phase's time went: CPU per paced event in the server process and in the readers
   * (summed over reader processes), and per event the server's publish → all writes on the sockets.
   */
  cost: { serverCpuMsPerEvent: number; readerCpuMsPerEvent: number; serverFlushMs: Summary };
  bus: BroadcastStats;
  verified: { streams: number; eventsPerStream: number; deliveries: number };
  otherMessages: number;
  reportedErrors: string[];
}

/** A size that was not run, and why. */
export interface FanoutSkipped {
  streams: number;
  skipped: string;
}

/** `ulimit -n`, or null when it cannot be read; `Infinity` for unlimited. */
export function openFileLimit(): number | null {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text) || null;
  } catch {
    return null;
  }
}

/** Why `streams` cannot run under `limit` (the server holds one socket per stream, a reader up to 1000), or undefined. */
export function fdShortfall(
  streams: number,
  limit: number | null,
  streamsPerReader = 1000,
): string | undefined {
  const needed = streams + 64;
  const perReader = Math.min(streams, streamsPerReader) + 64;
  if (limit === null || limit >= Math.max(needed, perReader)) return undefined;
  return (
    `${streams} streams need about ${needed} file descriptors in the server process, but \`ulimit -n\` is ` +
    `${limit}: raise it (ulimit -n ${needed}) or leave this size out of BENCH_FANOUT_SIZES`
  );
}

/**
 * `BENCH_FANOUT_PROFILE=<dir>`: every fan-out process (server and readers) writes a V8 CPU profile there
 * when it exits (`node --cpu-prof`), to see where a delivery's time goes on either side.
 */
function profileArgs(): string[] {
  const dir = process.env.BENCH_FANOUT_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

type Server = IpcChild<ToServer, FromServer>;
type Reader = IpcChild<ToReader, FromReader>;

/** Runs one size; see the module comment. Stops every process it started. */
export async function measureFanout(options: FanoutOptions): Promise<FanoutResult> {
  const { streams, events, burst } = options;
  const intervalMs = options.intervalMs ?? 100;
  const warmup = options.warmup ?? 20;
  const perReader = options.streamsPerReader ?? 1000;
  const step = options.stepTimeoutMs ?? 120_000;
  const progress = options.onProgress ?? (() => {});
  if (streams < 1 || events < 1 || burst < 1) {
    throw new Error('fan-out needs at least one stream, one paced event and one burst event');
  }
  const profile = profileArgs();
  const server: Server = new IpcChild('fan-out server', 'bench/fanout/server.ts', [
    '--expose-gc',
    ...profile,
  ]);
  const readers: Reader[] = [];
  try {
    const ready = await server.next('ready', step);
    progress(`${streams} streams: opening the sessions in the server process`);
    server.send({ type: 'sessions', count: streams });
    const sessions = await server.next('sessions', step);

    const count = Math.ceil(streams / perReader);
    progress(
      `${streams} streams: ${count} reader process(es) opening the GET streams over HTTP (${ready.url})`,
    );
    const primeStarted = performance.now();
    for (let i = 0; i < count; i++) {
      const reader: Reader = new IpcChild(
        `fan-out reader ${i + 1}/${count}`,
        'bench/fanout/reader.ts',
        profile,
      );
      readers.push(reader);
      reader.send({
        type: 'open',
        url: ready.url,
        sessions: sessions.ids.slice(i * perReader, (i + 1) * perReader),
        counts: [warmup, events, burst],
        openConcurrency: options.openConcurrency ?? 50,
      });
    }
    await Promise.all(readers.map((reader) => reader.next('primed', step)));
    const primeMs = performance.now() - primeStarted;
    server.send({ type: 'primed', streams });
    const primed = await server.next('primed', step);

    const phase = async (which: Phase, eventCount: number, what: string) => {
      progress(`${streams} streams: ${what}`);
      server.send({ type: 'publish', phase: which, count: eventCount, intervalMs });
      const [published, ...done] = await Promise.all([
        server.next('published', step),
        ...readers.map((reader) => reader.next('phase', step)),
      ]);
      const reached = done as Extract<FromReader, { type: 'phase' }>[];
      const lastAt = Math.max(...reached.map((message) => message.lastAt));
      const readerCpuMs = reached.reduce((sum, message) => sum + message.cpuMs, 0);
      return { published: published as Extract<FromServer, { type: 'published' }>, lastAt, readerCpuMs };
    };
    const warmed = warmup > 0 ? await phase(0, warmup, `${warmup} warm-up events`) : undefined;
    const latency = await phase(1, events, `${events} latency events, one every ${intervalMs} ms`);
    const thrown = await phase(2, burst, `a burst of ${burst} events`);

    for (const reader of readers) reader.send({ type: 'report' });
    const reports = await Promise.all(readers.map((reader) => reader.next('report', step)));
    server.send({ type: 'finish' });
    const finished = await server.next('finished', step);
    for (const reader of readers) reader.send({ type: 'close' });
    // They exit on their own once every socket is closed; `finally` kills any still there after 10 s.
    await Promise.race([
      Promise.all([server.exited, ...readers.map((reader) => reader.exited)]),
      sleep(10_000, undefined, { ref: false }),
    ]);

    const total = warmup + events + burst;
    const { bus } = finished;
    if (bus.dropped !== 0 || bus.published !== total || bus.delivered !== total * streams) {
      throw new Error(
        `fan-out: the bus dropped or missed deliveries: ${JSON.stringify(bus)} ` +
          `(expected published ${total}, delivered ${total * streams}, dropped 0)`,
      );
    }
    const received = reports.reduce((sum, report) => sum + report.received, 0);
    if (received !== total * streams) {
      throw new Error(`fan-out: the readers received ${received} events, not ${total * streams}`);
    }
    const before = ready.beforeSessions;
    const deliverMs = thrown.lastAt - thrown.published.startedAt;
    return {
      streams,
      readerProcesses: count,
      reader: process.env.BENCH_FANOUT_READER === 'fetch' ? 'fetch' : 'http',
      streamCapacity: Number(process.env.BENCH_FANOUT_CAPACITY) || DEFAULTS.streamCapacity,
      setup: { sessionsMs: sessions.ms, primeMs },
      warmupEvents: warmup,
      latency: {
        events,
        intervalMs,
        offeredEventsPerSecond: intervalMs > 0 ? 1000 / intervalMs : Number.POSITIVE_INFINITY,
        publishedEventsPerSecond: events > 1 ? ((events - 1) / latency.published.ms) * 1000 : Number.NaN,
        deliveryMs: summarize(reports.flatMap((report) => report.latency)),
      },
      throughput: {
        events: burst,
        deliveries: burst * streams,
        publishMs: thrown.published.ms,
        deliverMs,
        publishedEventsPerSecond: (burst / thrown.published.ms) * 1000,
        deliveriesPerSecond: ((burst * streams) / deliverMs) * 1000,
      },
      server: {
        rss: {
          beforeSessions: before.rss,
          beforeStreams: sessions.memory.rss,
          primed: primed.memory.rss,
          peak: finished.peakRss,
        },
        heap: {
          beforeSessions: before.heap,
          beforeStreams: sessions.memory.heap,
          primed: primed.memory.heap,
        },
        rssPerStreamKiB: (primed.memory.rss - sessions.memory.rss) / streams / 1024,
        heapPerStreamKiB: (primed.memory.heap - sessions.memory.heap) / streams / 1024,
        heapPerSessionKiB: (sessions.memory.heap - before.heap) / streams / 1024,
      },
      cost: {
        serverCpuMsPerEvent: latency.published.cpuMs / events,
        // Without a warm-up the readers' CPU includes opening the streams.
        readerCpuMsPerEvent: (latency.readerCpuMs - (warmed?.readerCpuMs ?? 0)) / events,
        serverFlushMs: summarize(latency.published.flushMs),
      },
      bus,
      verified: { streams, eventsPerStream: total, deliveries: total * streams },
      otherMessages: reports.reduce((sum, report) => sum + report.other, 0),
      reportedErrors: finished.errors,
    };
  } finally {
    await Promise.all([server.stop(), ...readers.map((reader) => reader.stop())]);
  }
}

/**
 * Runs every size in turn (skipping those the descriptor limit cannot hold). With `burstDeliveries`, a
 * size's burst is cut to that many deliveries (at least one event), so large sizes stay within minutes.
 */
export async function measureFanoutSizes(
  sizes: readonly number[],
  options: Omit<FanoutOptions, 'streams'> & { burstDeliveries?: number },
): Promise<{ openFileLimit: number | null; sizes: (FanoutResult | FanoutSkipped)[] }> {
  const { burstDeliveries, ...rest } = options;
  const limit = openFileLimit();
  const results: (FanoutResult | FanoutSkipped)[] = [];
  for (const streams of sizes) {
    const shortfall = fdShortfall(streams, limit, options.streamsPerReader);
    if (shortfall) {
      options.onProgress?.(`fan-out ${streams}: skipped: ${shortfall}`);
      results.push({ streams, skipped: shortfall });
      continue;
    }
    const burst =
      burstDeliveries === undefined
        ? rest.burst
        : Math.max(1, Math.min(rest.burst, Math.floor(burstDeliveries / streams)));
    results.push(await measureFanout({ ...rest, burst, streams }));
  }
  return { openFileLimit: limit === Number.POSITIVE_INFINITY ? null : limit, sizes: results };
}
