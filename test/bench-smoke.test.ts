// `npm run bench` is not part of npm test (it takes minutes and its figures are the point), but its
// machinery must keep working, at a tiny size: both subjects' cold-start bundles build and answer their
// first request of each era; the built Lambda artifact and the SDK anchor artifact import and answer a
// Function URL event (buffered and streaming, memory and DynamoDB); `npm start`'s server and the SDK anchor
// server answer over HTTP; fan-out runs end to end with readers in two other processes; the memory-store
// curve holds its cap and idle expiry; and the DynamoDB cost section counts what the budget test budgets.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactBuild, buildArtifacts } from '../bench/artifact/build.js';
import { ARTIFACT_CASES, measureArtifactCold } from '../bench/artifact/measure.js';
import { type Bundle, buildBundles, coldStart } from '../bench/cold/measure.js';
import { readConfig } from '../bench/config.js';
import { fdShortfall, measureFanoutSizes } from '../bench/fanout/measure.js';
import { measureHttp } from '../bench/http/measure.js';
import { measureDynamoCost } from '../bench/state/dynamo-cost.js';
import { measureSessions } from '../bench/state/sessions.js';
import type { SubjectName } from '../bench/subjects/types.js';

let dir: string;
let bundles: Record<SubjectName, Bundle>;
let built: ArtifactBuild;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-mcp-bench-smoke-'));
  // Both builds at once: the cold-start bundles and the two Lambda artifacts.
  [bundles, built] = await Promise.all([
    buildBundles(join(dir, 'cold'), false),
    buildArtifacts(join(dir, 'artifacts')),
  ]);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the benchmark', () => {
  it.each([
    ['ours', 'modern'],
    ['ours', 'legacy'],
    ['sdk', 'modern'],
    ['sdk', 'legacy'],
  ] as const)('cold-starts %s and answers its first %s request', async (subject, request) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    // coldStart rejects with the child's error unless the answer is an HTTP 200 JSON-RPC result.
    const sample = await coldStart(bundles[subject].file, request, env);
    expect(sample.requestMs).toBeGreaterThan(0);
    expect(sample.loadMs).toBeGreaterThan(0);
  });

  it('reads the new knobs, refusing malformed ones', () => {
    expect(readConfig({})).toMatchObject({
      sections: ['cold', 'warm', 'artifact', 'http', 'fanout', 'state', 'cost'],
      artifactRuns: 7,
      fanoutSizes: [100, 1000, 5000],
      stateSizes: [1000, 10_000, 50_000],
      stateMaxSessions: 10_000,
    });
    expect(
      readConfig({ BENCH_FANOUT_SIZES: '5000, 100', BENCH_SECTIONS: 'http,cost', BENCH_STATE_SIZES: '0' }),
    ).toMatchObject({ fanoutSizes: [100, 5000], sections: ['http', 'cost'], stateSizes: [] });
    expect(() => readConfig({ BENCH_FANOUT_SIZES: '10,x' })).toThrow(/BENCH_FANOUT_SIZES/);
    expect(() => readConfig({ BENCH_SECTIONS: 'cold,nope' })).toThrow(/not nope/);
  });
});

describe('the artifact cold start', () => {
  it('imports and invokes every case (ours buffered and streaming on memory and DynamoDB, the SDK anchor)', async () => {
    // Rejects with the child's error unless every first answer is an HTTP 200 JSON-RPC result.
    const result = await measureArtifactCold(built, { runs: 1, warmup: 0 });
    expect(result.rows).toHaveLength(ARTIFACT_CASES.length);
    expect(result.staticBytes.ours).toBeGreaterThan(result.staticBytes.sdk);
    for (const row of result.rows) {
      expect(row.importP50, `${row.subject} ${row.handler} ${row.store}`).toBeGreaterThan(0);
      expect(row.answerP50).toBeGreaterThan(0);
      expect(row.wall.p50).toBeGreaterThan(row.totalP50);
      expect(row.ratio).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('the HTTP path', () => {
  it("drives npm start's server (INFO and SILENT) and the SDK anchor server over HTTP", async () => {
    const result = await measureHttp({ requests: 20, warmup: 5, rounds: 2 });
    expect(result.rows.map((row) => `${row.scenario} ${row.subject}`)).toEqual([
      'modern ours',
      'modern ours-silent',
      'modern sdk',
      'legacy ours',
      'legacy ours-silent',
      'legacy sdk',
    ]);
    for (const row of result.rows) {
      expect(row.latency.n).toBe(20);
      expect(row.latency.min).toBeGreaterThan(0);
      expect(row.ratioP50).toBeGreaterThan(0);
    }
    expect(result.rows.find((row) => row.scenario === 'legacy' && row.subject === 'ours')?.label).toMatch(
      /in a session/,
    );
  }, 60_000);
});

describe('the fan-out benchmark', () => {
  it('delivers every event to every stream, readers in two other processes, and reports the figures', async () => {
    const streams = 20;
    const events = 20;
    const burst = 50;
    const warmup = 5;
    // measureFanout rejects when a stream misses, repeats or reorders an event, or the bus drops a stream.
    const { sizes } = await measureFanoutSizes([streams], {
      events,
      burst,
      warmup,
      intervalMs: 2,
      streamsPerReader: 10,
    });
    const result = sizes[0];
    if (!result || 'skipped' in result) throw new Error(`not run: ${JSON.stringify(result)}`);
    const total = warmup + events + burst;
    expect(result).toMatchObject({
      streams,
      readerProcesses: 2,
      streamCapacity: 1024,
      warmupEvents: warmup,
      latency: { events, intervalMs: 2, offeredEventsPerSecond: 500 },
      throughput: { events: burst, deliveries: streams * burst },
      bus: { subscribers: streams, published: total, delivered: total * streams, dropped: 0 },
      verified: { streams, eventsPerStream: total, deliveries: total * streams },
      otherMessages: 0,
      reportedErrors: [],
    });
    expect(result.latency.deliveryMs.n).toBe(streams * events);
    expect(result.latency.deliveryMs.min).toBeGreaterThan(0);
    expect(result.throughput.deliveriesPerSecond).toBeGreaterThan(0);
    expect(result.server.rss.primed).toBeGreaterThan(0);
    expect(result.server.rss.peak).toBeGreaterThanOrEqual(result.server.rss.primed);
  }, 60_000);

  it('says when the file-descriptor limit cannot hold a size', () => {
    expect(fdShortfall(5000, 1024)).toMatch(
      /5000 streams need about 5064 file descriptors.*`ulimit -n` is 1024/,
    );
    expect(fdShortfall(100, 1024)).toBeUndefined();
    expect(fdShortfall(100, null)).toBeUndefined();
  });
});

describe('the state benchmarks', () => {
  it('measures sessions on the memory store, and eviction and idle expiry hold', async () => {
    // measureSessions throws unless the cap and the idle expiry held.
    const result = await measureSessions({ sizes: [50, 150], cap: 100, concurrency: 10 });
    expect(result.uncapped.points.map((point) => [point.opened, point.held])).toEqual([
      [50, 50],
      [150, 150],
    ]);
    expect(result.capped.points.map((point) => [point.opened, point.held])).toEqual([[150, 100]]);
    expect(result.capped.firstSessionStatus).toBe(404);
    expect(result.uncapped.points[1]?.bytesPerSession).toBeGreaterThan(0);
    expect([result.uncapped.leftAfterIdle, result.capped.leftAfterIdle]).toEqual([0, 0]);
  }, 60_000);

  it('counts the DynamoDB calls test/dynamo-budget.test.ts budgets, with their request units and price', async () => {
    const { prices, rows } = await measureDynamoCost();
    const commands = Object.fromEntries(rows.map((row) => [row.kind, row.commands.join(' + ')]));
    expect(commands).toMatchObject({
      '2026-07-28 tools/call': '',
      '2025 initialize': 'PutItem',
      '2025 notifications/initialized': 'GetItem',
      '2025 tools/call (no state change)': 'GetItem',
      '2025 GET stream (poll snapshot)': 'GetItem + Query',
      '2025 logging/setLevel (state change)': 'GetItem + UpdateItem',
      '2025 tools/call streaming 3 notifications': 'GetItem + PutItem + PutItem + PutItem + PutItem',
      '2025 tools/call, first after 60 s idle (activity refresh)': 'GetItem + UpdateItem',
      'publishGlobalEvent (one event)': 'PutItem',
      'SNS delivery (one message)': 'PutItem + PutItem',
      'SNS redelivery (duplicate message)': 'PutItem (refused) + GetItem + GetItem',
      '2025 GET stream resumed (Last-Event-ID)': 'GetItem + Query + Query',
      // One durable task's lifecycle (the Tasks extension), as test/tasks-multi-instance.test.ts counts it.
      'task created (2026-07-28 tools/call)': 'PutItem + PutItem + GetItem + UpdateItem',
      'task completed (result stored, status logged)': 'UpdateItem + PutItem',
      'tasks/get': 'GetItem',
      'task heartbeat (each TASK_HEARTBEAT_SECONDS while it runs)': 'UpdateItem',
    });
    const initialize = rows.find((row) => row.kind === '2025 initialize');
    expect(initialize).toMatchObject({ readUnits: 0, writeUnits: 1, usdPerMillion: prices.writePerMillion });
    const call = rows.find((row) => row.kind === '2025 tools/call (no state change)');
    expect(call).toMatchObject({ readUnits: 1, writeUnits: 0, usdPerMillion: prices.readPerMillion });
  }, 30_000);
});
