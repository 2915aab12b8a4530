// The body of one memory-store scale point (`node --import tsx --expose-gc bench/state/sessions-child.ts
// <json>`): a `createLambdaMcp(createAwsMonitorServer)` handler on the default in-memory stores, capped by
// MEMORY_MAX_SESSIONS (read with `optionsFromEnv`, as every entry point does) and with a clock it moves;
// opens `count` 2025-11-25 sessions in process (initialize + notifications/initialized each), measures the
// JS heap plus external memory after a full collection before and after, then moves the clock past
// `sessionIdleSeconds` and sweeps. Sessions are opened `concurrency` at a time, and the figures are taken
// at each of `sizes` on the way up to the largest. Prints one JSON line (the result, or the error).
import { createLambdaMcp, type MemorySessionStore, optionsFromEnv, resolveOptions } from 'lambda-mcp';
import { createAwsMonitorServer } from '../../examples/aws-monitor/src/server.js';
import { memory } from '../fanout/protocol.js';
import {
  checkAnswer,
  legacyInitialize,
  legacyInitialized,
  legacySessionInfo,
  readAnswer,
} from '../requests.js';
import { BENCH_KEY } from '../subjects/key.js';

/** What the child is asked. */
export interface SessionsChildInput {
  /** Ascending: the memory reading points; the last is the number of sessions opened. */
  sizes: number[];
  /** Sessions being opened at once. */
  concurrency: number;
  /** MEMORY_MAX_SESSIONS. */
  maxSessions: number;
  /** The handler's `sessionIdleSeconds` (SESSION_IDLE_SECONDS of the reference server). */
  idleSeconds: number;
}

/** One reading point. Bytes are heap used + external after a full collection; RSS alongside. */
export interface SessionsPoint {
  /** Sessions opened so far. */
  opened: number;
  /** Sessions the store holds. */
  held: number;
  /** Time opening them took so far, ms. */
  createMs: number;
  memory: { rss: number; heap: number };
  /** (memory − before) heap + external / held. */
  bytesPerSession: number;
  rssBytesPerSession: number;
}

/** What it answers. */
export interface SessionsChildResult extends SessionsChildInput {
  before: { rss: number; heap: number };
  points: SessionsPoint[];
  /** Sessions the sweep removed once the clock passed the idle time, and what was left. */
  swept: number;
  leftAfterIdle: number;
  afterIdle: { rss: number; heap: number };
  /** HTTP status of a 2025 tools/call in the last session opened, after it went idle (404 expected). */
  idleSessionStatus: number;
  /** HTTP status of a tools/call in the first session opened, before the idle step (404 once evicted). */
  firstSessionStatus: number;
}

async function run(input: SessionsChildInput): Promise<SessionsChildResult> {
  const clock = { now: Date.now() };
  const resolved = resolveOptions({
    ...optionsFromEnv({ MEMORY_MAX_SESSIONS: String(input.maxSessions) }),
    requestStateKey: BENCH_KEY,
    sessionIdleSeconds: input.idleSeconds,
    now: () => clock.now,
  });
  const store = resolved.sessionStore as MemorySessionStore;
  const handler = createLambdaMcp(createAwsMonitorServer, resolved);
  const open = async (): Promise<string> => {
    const response = await handler.fetch(legacyInitialize(0));
    const sessionId = response.headers.get('mcp-session-id');
    checkAnswer(await readAnswer(response), 0);
    if (!sessionId) throw new Error('initialize answered without mcp-session-id');
    const initialized = await handler.fetch(legacyInitialized(sessionId));
    if (initialized.status !== 202) throw new Error(`initialized answered ${initialized.status}`);
    return sessionId;
  };
  // A pilot session, deleted again, so code loaded on first use is not counted per session.
  const pilot = await open();
  checkAnswer(await readAnswer(await handler.fetch(legacySessionInfo(1, pilot))), 1);
  await store.delete(pilot);

  const before = memory();
  const points: SessionsPoint[] = [];
  const ids: string[] = [];
  let createMs = 0;
  for (const size of input.sizes) {
    const started = performance.now();
    while (ids.length < size) {
      const batch = Math.min(input.concurrency, size - ids.length);
      ids.push(...(await Promise.all(Array.from({ length: batch }, open))));
      // Activity in order: the least recently active is the oldest, as under real traffic.
      clock.now += 1;
    }
    createMs += performance.now() - started;
    const now = memory();
    const held = store.size;
    points.push({
      opened: ids.length,
      held,
      createMs,
      memory: now,
      bytesPerSession: (now.heap - before.heap) / held,
      rssBytesPerSession: (now.rss - before.rss) / held,
    });
  }
  const firstSessionStatus = (await handler.fetch(legacySessionInfo(2, ids[0]))).status;

  clock.now += (input.idleSeconds + 1) * 1000;
  const swept = store.sweep();
  const leftAfterIdle = store.size;
  const idleSessionStatus = (await handler.fetch(legacySessionInfo(3, ids.at(-1)))).status;
  const afterIdle = memory();
  await handler.close();
  return {
    ...input,
    before,
    points,
    swept,
    leftAfterIdle,
    afterIdle,
    idleSessionStatus,
    firstSessionStatus,
  };
}

try {
  const result = await run(JSON.parse(process.argv[2] ?? '{}') as SessionsChildInput);
  process.stdout.write(`${JSON.stringify({ result })}\n`);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ error: error instanceof Error ? error.stack : String(error) })}\n`,
  );
  process.exitCode = 1;
}
