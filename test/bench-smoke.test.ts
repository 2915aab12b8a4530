// `npm run bench` is not part of npm test (it takes a minute and its figures are the point), but its
// machinery must keep working: both subjects' cold-start bundles build and answer their first request of
// each era, as a bench run would ask them to, and the fan-out measurement runs end to end on a few streams.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, buildBundles, coldStart } from '../bench/cold/measure.js';
import { measureFanoutInChild } from '../bench/fanout.js';
import type { SubjectName } from '../bench/subjects/types.js';

describe('the benchmark', () => {
  let dir: string;
  let bundles: Record<SubjectName, Bundle>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambda-mcp-bench-smoke-'));
    bundles = await buildBundles(dir, false);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

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
});

describe('the fan-out benchmark', () => {
  it('delivers every event to every live stream over HTTP, once and in order, and reports the figures', async () => {
    const streams = 20;
    const events = 20;
    const burst = 50;
    const warmup = 5;
    // As `npm run bench` runs it: measureFanout in a child process, which rejects when a stream misses,
    // repeats or reorders an event, or the bus drops a stream.
    const result = await measureFanoutInChild({ streams, events, burst, warmup, intervalMs: 2 });
    const total = warmup + events + burst;
    expect(result).toMatchObject({
      streams,
      streamCapacity: 1024,
      warmupEvents: warmup,
      latency: { events, intervalMs: 2, offeredEventsPerSecond: 500 },
      throughput: { events: burst, deliveries: streams * burst },
      bus: { subscribers: streams, published: total, delivered: total * streams, dropped: 0 },
      verified: { streams, eventsPerStream: total, deliveries: total * streams },
      otherMessages: 0,
      reportedErrors: [],
      collected: true,
    });
    expect(result.latency.deliveryMs.n).toBe(streams * events);
    expect(result.latency.deliveryMs.min).toBeGreaterThan(0);
    expect(result.latency.deliveryMs.max).toBeGreaterThanOrEqual(result.latency.deliveryMs.p99);
    expect(result.throughput.deliveriesPerSecond).toBeGreaterThan(0);
    expect(result.throughput.publishedEventsPerSecond).toBeGreaterThan(0);
    expect(result.rss.primedBytes).toBeGreaterThan(0);
    expect(result.rss.peakBytes).toBeGreaterThanOrEqual(result.rss.primedBytes);
    expect(result.heap.primedBytes).toBeGreaterThan(0);
  });
});
