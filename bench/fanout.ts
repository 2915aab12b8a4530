// Fan-out: one lambda-mcp handler served over real HTTP on loopback, `streams` 2025-11-25 sessions each
// holding one live GET SSE stream, and global events published to all of them. Measures delivery latency
// (paced events carrying their publish time), burst throughput (deliveries per second) and memory (RSS), and
// checks while measuring that every stream got every event exactly once and in order, and that the bus
// dropped no stream: a lost event fails the run. The readers share this process with the server, so their
// HTTP and JSON parsing is part of every figure.
import { execFileSync, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createLambdaMcp } from 'lambda-mcp';
import { serve } from 'lambda-mcp/node';
import { createAwsMonitorServer } from '../examples/aws-monitor/src/server.js';
import type { BroadcastStats } from '../packages/lambda-mcp/src/events/broadcast.js';
import { EVENT_LOGGER } from '../packages/lambda-mcp/src/events/model.js';
import { DEFAULTS } from '../packages/lambda-mcp/src/options.js';
import { SseParser } from '../packages/lambda-mcp-client/src/runner/sse.js';
import { checkAnswer, LEGACY_VERSION, legacyInitialize, legacyInitialized, readAnswer } from './requests.js';
import { type Summary, summarize } from './stats.js';
import { BENCH_KEY } from './subjects/key.js';

/** What {@link measureFanout} runs. */
export interface FanoutOptions {
  /** Sessions, each with one live GET stream. */
  streams: number;
  /** Paced events of the latency phase. */
  events: number;
  /** Events of the throughput burst. */
  burst: number;
  /** Latency phase: one event every this many ms (an open-loop schedule). Default 5. */
  intervalMs?: number;
  /** Unmeasured (but checked) events before the latency phase. Default 20. */
  warmup?: number;
  /** The handler's `streamCapacity`. Default: lambda-mcp's (`DEFAULTS.streamCapacity`). */
  streamCapacity?: number;
  /** RSS sampling interval during the phases, in ms. Default 50. */
  rssSampleMs?: number;
  /** Fail when no stream receives anything for this long while events are outstanding, in ms. Default 30000. */
  stallMs?: number;
  /** GET streams being opened at once. Default 50. */
  openConcurrency?: number;
  onProgress?: (message: string) => void;
}

/** The fan-out figures, as the report prints them and `latest.json` holds them. */
export interface FanoutResult {
  server: string;
  streams: number;
  streamCapacity: number;
  /** `ulimit -n` of this process, when it could be read (each stream holds two descriptors here). */
  openFileLimit: number | null;
  setup: {
    /** Opening the sessions in process (initialize + notifications/initialized each), in ms. */
    sessionsMs: number;
    /** From the first GET to every stream's priming event read, in ms. */
    primeMs: number;
  };
  warmupEvents: number;
  latency: {
    events: number;
    intervalMs: number;
    /** Events per second the schedule offered (1000 / intervalMs). */
    offeredEventsPerSecond: number;
    /** Events per second actually published (the schedule slips when the process is saturated). */
    publishedEventsPerSecond: number;
    /** Receive time minus publish time, ms, over every stream × event. */
    deliveryMs: Summary;
  };
  throughput: {
    events: number;
    deliveries: number;
    /** From the first publish to the return of the last one, in ms. */
    publishMs: number;
    /** From the first publish to the last stream receiving the last event, in ms. */
    deliverMs: number;
    publishedEventsPerSecond: number;
    deliveriesPerSecond: number;
  };
  /** `process.memoryUsage().rss`; readings other than the peak follow a full collection when `collected`. */
  rss: {
    /** Server listening (after a pilot session and stream), no session yet. */
    beforeSessionsBytes: number;
    /** Sessions open, no stream yet. */
    beforeStreamsBytes: number;
    /** Every stream primed. */
    primedBytes: number;
    /** (primed − beforeStreams) / streams; RSS does not shrink on demand, so this one can mislead. */
    perStreamKiB: number;
    /** (primed − beforeSessions) / streams: a session and its stream. */
    perSessionAndStreamKiB: number;
    /** Highest sample (every 50 ms) during the warm-up, latency and throughput phases. */
    peakBytes: number;
  };
  /** JS heap used plus external memory at the same moments: steadier than RSS, but blind to native memory. */
  heap: {
    beforeSessionsBytes: number;
    beforeStreamsBytes: number;
    primedBytes: number;
    perSessionKiB: number;
    perStreamKiB: number;
  };
  /** Whether the readings followed a full collection (`--expose-gc`, as in the child run). */
  collected: boolean;
  /** The broadcast bus's counters after the phases (checked: nothing dropped, every delivery made). */
  bus: BroadcastStats;
  /** What the readers checked: every stream received `eventsPerStream` events, exactly once each, in order. */
  verified: { streams: number; eventsPerStream: number; deliveries: number };
  /** Messages on the streams that were not benchmark events (none expected). */
  otherMessages: number;
  /** What the handler's `onerror` and the HTTP server reported while measuring. */
  reportedErrors: string[];
}

const SERVER = 'createAwsMonitorServer (examples/aws-monitor), memory stores, sse live, keepAliveMs 0';

const WARMUP = 'bench.warmup';
const LATENCY = 'bench.latency';
const BURST = 'bench.burst';

/** RSS and heap after a full collection when `--expose-gc` is on (the child run): less garbage in deltas. */
function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
}

/** `ulimit -n`, or null when it cannot be read; `Infinity` for unlimited. */
function openFileLimit(): number | null {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text) || null;
  } catch {
    return null;
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** A promise with its settle functions. */
function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Shared by the readers: what they saw, and the phase milestones the driver waits for. */
class Tally {
  /** Highest `n` a stream must reach at the end of each phase (warm-up, latency, burst). */
  readonly ends: number[];
  readonly complete: number[];
  readonly phaseDone: Deferred<void>[];
  readonly failed = deferred<never>();
  readonly latency: Float64Array;
  readonly lastAt: Float64Array;
  primed = 0;
  readonly allPrimed = deferred();
  received = 0;
  other = 0;
  failure: Error | undefined;

  constructor(
    readonly streams: number,
    readonly warmup: number,
    readonly events: number,
    readonly burst: number,
  ) {
    this.ends = [warmup, warmup + events, warmup + events + burst];
    this.complete = [0, 0, 0];
    this.phaseDone = this.ends.map(() => deferred<void>());
    this.latency = new Float64Array(streams * events);
    this.lastAt = new Float64Array(streams);
    this.failed.promise.catch(() => {}); // Observed through the races below.
    this.ends.forEach((end, phase) => {
      if (end === 0 || (phase > 0 && end === this.ends[phase - 1])) this.#finish(phase);
    });
  }

  fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    this.failed.reject(error);
  }

  /** A stream's `expected`-th event arrived: counts the phases it has completed. */
  reached(stream: number, next: number, at: number) {
    this.received++;
    this.ends.forEach((end, phase) => {
      if (next !== end) return;
      if (phase === 2) this.lastAt[stream] = at;
      const complete = (this.complete[phase] ?? 0) + 1;
      this.complete[phase] = complete;
      if (complete === this.streams) this.#finish(phase);
      // Phases without events of their own complete together with the one before.
    });
  }

  #finish(phase: number) {
    this.complete[phase] = this.streams;
    this.phaseDone[phase]?.resolve();
  }
}

/** The benchmark event a notification carries, or undefined for any other message. */
function benchEvent(message: unknown): { type: string; n: number; t: number } | undefined {
  const params = (message as { method?: string; params?: { logger?: string; data?: unknown } }).params;
  if (
    (message as { method?: string }).method !== 'notifications/message' ||
    params?.logger !== EVENT_LOGGER
  ) {
    return undefined;
  }
  const event = params.data as { type?: string; data?: { n?: unknown; t?: unknown } } | undefined;
  if (typeof event?.type !== 'string' || !event.type.startsWith('bench.')) return undefined;
  const { n, t } = event.data ?? {};
  if (typeof n !== 'number' || typeof t !== 'number') return undefined;
  return { type: event.type, n, t };
}

/**
 * Reads one SSE body incrementally (with the client's SSE parser, comments kept): the priming event (empty
 * data) primes the stream; every benchmark event must carry the next `n`; a `dropped` comment or an early
 * end fails the run.
 */
async function readStream(
  stream: number,
  body: ReadableStream<Uint8Array>,
  tally: Tally,
  closing: () => boolean,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser({ comments: true });
  let primed = false;
  let next = 0;
  const fail = (why: string) => tally.fail(new Error(`fan-out stream ${stream}: ${why}`));
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        if (!closing()) fail(`ended after ${next} events`);
        return;
      }
      const at = performance.now();
      for (const sse of parser.push(decoder.decode(value, { stream: true }))) {
        if (sse.comment !== undefined && sse.data === undefined) {
          if (sse.comment.includes('dropped'))
            fail(`cut off by the server after ${next} events (${sse.comment.trim()})`);
          continue;
        }
        const data = sse.data ?? '';
        if (data === '') {
          if (!primed) {
            primed = true;
            if (++tally.primed === tally.streams) tally.allPrimed.resolve();
          }
          continue;
        }
        const event = benchEvent(JSON.parse(data));
        if (!event) {
          tally.other++;
          continue;
        }
        if (event.n !== next) {
          fail(`expected event #${next}, got #${event.n} (${event.type}): lost, duplicated or reordered`);
          return;
        }
        if (event.type === LATENCY) {
          tally.latency[stream * tally.events + (next - tally.warmup)] = at - event.t;
        }
        next++;
        tally.reached(stream, next, at);
      }
    }
  } catch (error) {
    if (!closing()) fail(`read failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let index = 0;
  const worker = async () => {
    while (index < items.length) await task(items[index++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** See the module comment. Rejects when an event is lost, duplicated, reordered or dropped. */
export async function measureFanout(options: FanoutOptions): Promise<FanoutResult> {
  const { streams, events, burst } = options;
  const intervalMs = options.intervalMs ?? 5;
  const warmup = options.warmup ?? 20;
  const stallMs = options.stallMs ?? 30_000;
  const progress = options.onProgress ?? (() => {});
  if (streams < 1 || events < 1 || burst < 1) {
    throw new Error('measureFanout needs at least one stream, one paced event and one burst event');
  }

  const limit = openFileLimit();
  const needed = 2 * streams + 64; // a client and a server socket per stream, plus the process's own
  if (limit !== null && limit < needed) {
    throw new Error(
      `fan-out: ${streams} streams need about ${needed} file descriptors here (client and server side), but ` +
        `\`ulimit -n\` is ${limit}. Raise it (ulimit -n ${needed}) or lower BENCH_FANOUT_STREAMS.`,
    );
  }

  const errors: string[] = [];
  let measuring = true;
  const report = (error: unknown) => {
    if (measuring) errors.push(error instanceof Error ? error.message : String(error));
  };
  const handler = createLambdaMcp(createAwsMonitorServer, {
    requestStateKey: BENCH_KEY,
    sse: 'live',
    keepAliveMs: 0,
    ...(options.streamCapacity !== undefined && { streamCapacity: options.streamCapacity }),
    onerror: report,
  });
  const served = await serve(handler, { port: 0, host: '127.0.0.1', onError: report });
  const controllers: AbortController[] = [];
  const readers: Promise<void>[] = [];
  const settled: Promise<void>[] = [];
  let closing = false;
  let sampler: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const tally = new Tally(streams, warmup, events, burst);

  /** Waits for `promise`, failing on a reader's failure or when the readers make no progress for `stallMs`. */
  const until = async <T>(promise: Promise<T>, what: string): Promise<T> => {
    const progressed = () => tally.received + tally.primed;
    let seen = progressed();
    let quietSince = performance.now();
    const stalled = new Promise<never>((_, reject) => {
      watchdog = setInterval(() => {
        if (progressed() !== seen) {
          seen = progressed();
          quietSince = performance.now();
        } else if (performance.now() - quietSince > stallMs) {
          reject(
            new Error(
              `fan-out: ${what} stalled for ${stallMs} ms (streams primed ${tally.primed}/${streams}, ` +
                `streams done per phase ${tally.complete.join('/')}, bus ${JSON.stringify(handler.feed.bus.stats())})`,
            ),
          );
        }
      }, 250);
    });
    try {
      return await Promise.race([promise, tally.failed.promise, stalled]);
    } finally {
      clearInterval(watchdog);
    }
  };

  try {
    const openSession = async (): Promise<string> => {
      const response = await handler.fetch(legacyInitialize(0));
      const sessionId = response.headers.get('mcp-session-id');
      checkAnswer(await readAnswer(response), 0);
      if (!sessionId) throw new Error('fan-out: initialize answered without mcp-session-id');
      const initialized = await handler.fetch(legacyInitialized(sessionId));
      if (initialized.status !== 202) throw new Error(`fan-out: initialized answered ${initialized.status}`);
      return sessionId;
    };
    const openStream = async (
      sessionId: string,
      signal: AbortSignal,
    ): Promise<ReadableStream<Uint8Array>> => {
      const response = await fetch(`${served.url}/mcp`, {
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': LEGACY_VERSION,
        },
        signal,
      });
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
        throw new Error(`fan-out: GET answered ${response.status} ${type}: ${await response.text()}`);
      }
      return response.body;
    };

    // A pilot session and stream, closed again, so that code loaded on first use (fetch's client, the
    // session and GET paths) is in the baseline rather than in the per-stream figures.
    const pilot = new AbortController();
    const pilotBody = await openStream(await openSession(), pilot.signal);
    await pilotBody.getReader().read();
    pilot.abort();
    for (let waited = 0; handler.feed.bus.size > 0; waited += 10) {
      if (waited > 5000) throw new Error('fan-out: the pilot stream stayed subscribed after its client left');
      await sleep(10);
    }

    const beforeSessions = memory();
    progress(`opening ${streams} sessions`);
    const sessionsStarted = performance.now();
    const sessions: string[] = [];
    for (let i = 0; i < streams; i++) sessions.push(await openSession());
    const sessionsMs = performance.now() - sessionsStarted;
    const beforeStreams = memory();

    progress(`opening ${streams} GET streams over HTTP (${served.url})`);
    const primeStarted = performance.now();
    const opening = pool(
      sessions.map((sessionId, stream) => ({ sessionId, stream })),
      options.openConcurrency ?? 50,
      async ({ sessionId, stream }) => {
        if (closing) return;
        const controller = new AbortController();
        controllers.push(controller);
        const body = await openStream(sessionId, controller.signal);
        readers.push(readStream(stream, body, tally, () => closing));
      },
    );
    settled.push(opening.catch(() => {})); // A failure is observed through `until`.
    await until(
      opening.then(() => tally.allPrimed.promise),
      'priming',
    );
    const primeMs = performance.now() - primeStarted;
    if (handler.feed.bus.size !== streams) {
      throw new Error(`fan-out: ${handler.feed.bus.size} bus subscribers for ${streams} primed streams`);
    }
    const primed = memory();

    let peak = primed.rss;
    sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, options.rssSampleMs ?? 50);

    let n = 0;
    const publish = (type: string) =>
      handler.publishGlobalEvent({ type, source: 'bench', data: { n: n++, t: performance.now() } });

    if (warmup > 0) {
      progress(`${warmup} warm-up events`);
      for (let i = 0; i < warmup; i++) {
        await publish(WARMUP);
        await sleep(intervalMs);
      }
    }
    await until(tally.phaseDone[0]?.promise as Promise<void>, 'warm-up');

    progress(`latency, ${events} events one every ${intervalMs} ms to ${streams} streams`);
    const latencyStarted = performance.now();
    for (let i = 0; i < events; i++) {
      const due = latencyStarted + i * intervalMs;
      const wait = due - performance.now();
      // Behind schedule (a saturated process): publish at once, but let I/O run in between.
      if (wait > 0) await sleep(wait);
      else await nextTurn();
      await publish(LATENCY);
    }
    const latencyPublishMs = performance.now() - latencyStarted;
    await until(tally.phaseDone[1]?.promise as Promise<void>, 'latency phase');

    progress(`burst of ${burst} events to ${streams} streams`);
    const burstStarted = performance.now();
    for (let i = 0; i < burst; i++) {
      await publish(BURST);
      if (i % 50 === 49 && i < burst - 1) await nextTurn();
    }
    const publishMs = performance.now() - burstStarted;
    await until(tally.phaseDone[2]?.promise as Promise<void>, 'burst');
    const lastAt = tally.lastAt.reduce((max, at) => Math.max(max, at), burstStarted);
    const deliverMs = lastAt - burstStarted;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const bus = handler.feed.bus.stats();
    const total = warmup + events + burst;
    if (bus.dropped !== 0 || bus.published !== total || bus.delivered !== total * streams) {
      throw new Error(
        `fan-out: the bus dropped or missed deliveries: ${JSON.stringify(bus)} ` +
          `(expected published ${total}, delivered ${total * streams}, dropped 0)`,
      );
    }
    if (tally.failure) throw tally.failure;
    measuring = false;

    const capacity = options.streamCapacity ?? DEFAULTS.streamCapacity;
    return {
      server: SERVER,
      streams,
      streamCapacity: capacity,
      openFileLimit: limit === Number.POSITIVE_INFINITY ? null : limit,
      setup: { sessionsMs, primeMs },
      warmupEvents: warmup,
      latency: {
        events,
        intervalMs,
        offeredEventsPerSecond: 1000 / intervalMs,
        publishedEventsPerSecond: events > 1 ? ((events - 1) / latencyPublishMs) * 1000 : Number.NaN,
        deliveryMs: summarize(Array.from(tally.latency)),
      },
      throughput: {
        events: burst,
        deliveries: burst * streams,
        publishMs,
        deliverMs,
        publishedEventsPerSecond: (burst / publishMs) * 1000,
        deliveriesPerSecond: ((burst * streams) / deliverMs) * 1000,
      },
      rss: {
        beforeSessionsBytes: beforeSessions.rss,
        beforeStreamsBytes: beforeStreams.rss,
        primedBytes: primed.rss,
        perStreamKiB: (primed.rss - beforeStreams.rss) / streams / 1024,
        perSessionAndStreamKiB: (primed.rss - beforeSessions.rss) / streams / 1024,
        peakBytes: peak,
      },
      heap: {
        beforeSessionsBytes: beforeSessions.heap,
        beforeStreamsBytes: beforeStreams.heap,
        primedBytes: primed.heap,
        perSessionKiB: (beforeStreams.heap - beforeSessions.heap) / streams / 1024,
        perStreamKiB: (primed.heap - beforeStreams.heap) / streams / 1024,
      },
      collected: typeof (globalThis as { gc?: unknown }).gc === 'function',
      bus,
      verified: { streams, eventsPerStream: total, deliveries: total * streams },
      otherMessages: tally.other,
      reportedErrors: errors,
    };
  } finally {
    measuring = false;
    closing = true;
    clearInterval(sampler);
    clearInterval(watchdog);
    for (const controller of controllers) controller.abort();
    await Promise.all(settled); // No GET is being opened any more.
    for (const controller of controllers) controller.abort();
    await Promise.allSettled(readers);
    await handler.close();
    await served.close();
  }
}

type ChildOptions = Omit<FanoutOptions, 'onProgress'>;
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs {@link measureFanout} in a fresh Node process (this file under tsx, `--expose-gc`), so its RSS
 * figures start from a clean heap and are taken after a collection, and its load and garbage do not linger
 * in the caller. Progress lines are passed on; rejects with the child's error when it fails.
 */
export function measureFanoutInChild(options: FanoutOptions): Promise<FanoutResult> {
  const { onProgress, ...rest } = options;
  // tsx as the loader, whatever started the caller (tsx, vitest); resolved from the repository root.
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', THIS_FILE, JSON.stringify(rest)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (let end = stderr.indexOf('\n'); end !== -1; end = stderr.indexOf('\n')) {
      const line = stderr.slice(0, end);
      stderr = stderr.slice(end + 1);
      if (line.startsWith('progress: ')) onProgress?.(line.slice('progress: '.length));
      else process.stderr.write(`${line}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (stderr) process.stderr.write(stderr);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      const answer = (() => {
        try {
          return JSON.parse(last) as { result?: FanoutResult; error?: string };
        } catch {
          return {};
        }
      })();
      if (code === 0 && answer.result) resolve(answer.result);
      else reject(new Error(answer.error ?? `the fan-out child exited with ${signal ?? code}`));
    });
  });
}

/** The child's side: options from argv, progress on stderr, one JSON line (result or error) on stdout. */
async function childMain(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
  try {
    const result = await measureFanout({
      ...options,
      onProgress: (message) => process.stderr.write(`progress: ${message}\n`),
    });
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } catch (error) {
    process.stdout.write(
      `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
    );
    process.exitCode = 1;
  }
  // No process.exit(): the child must end on its own once every socket and timer is closed.
}

/** Whether this file is the process's entry point (the child), not imported. */
function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(THIS_FILE);
  } catch {
    return false;
  }
}

if (isEntryPoint()) await childMain();
