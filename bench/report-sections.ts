// The printed sections of the measurements that run what Lambda and `npm start` run: the built artifact's
// cold start, the HTTP path, fan-out with readers in other processes, memory-store scale and DynamoDB cost.
// Pure formatting; run.ts gathers the figures.
import type { ArtifactColdResult } from './artifact/measure.js';
import type { FanoutResult, FanoutSkipped } from './fanout/measure.js';
import { ms, table } from './format.js';
import type { HttpResult } from './http/measure.js';
import type { CostRow, PRICES } from './state/dynamo-cost.js';
import type { SessionsResult } from './state/sessions.js';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(2)} s`;

const FIRST = { modern: '2026-07-28 tools/call', legacy: '2025-11-25 initialize' } as const;
const HANDLER = { handler: 'buffered', streamingHandler: 'streaming' } as const;

/** The artifact cold-start table. */
export function formatArtifact(a: ArtifactColdResult): string[] {
  return [
    `Cold start of the built artifacts (medians of ${a.runs} runs per row, spawned one at a time, order ` +
      'alternating): `node` runs a small runner that installs the `awslambda` stand-in, imports the artifact ' +
      '(its top-level await included) and invokes it once with a Function URL event',
    `ours: http/index.mjs as build:lambda builds it, into a temporary folder (loaded at start ${kib(a.staticBytes.ours)}); ` +
      `sdk: bare createMcpHandler + toLambdaHandler, same esbuild options (loaded ${kib(a.staticBytes.sdk)}). ` +
      'The SDK anchor has no store: ours on DynamoDB is compared with the same anchor, and ours streaming ' +
      'with the buffered anchor.',
    table(
      [
        'first request',
        'subject',
        'handler',
        'store',
        'import',
        'answer',
        'total',
        'spawn->line',
        'RSS',
        'ours/sdk',
      ],
      a.rows.map((r) => [
        FIRST[r.request],
        r.subject,
        HANDLER[r.handler],
        r.subject === 'sdk' ? '-' : r.store,
        ms(r.importP50, 1),
        ms(r.answerP50, 1),
        ms(r.totalP50, 1),
        ms(r.wall.p50, 1),
        `${r.rssP50MiB.toFixed(0)} MiB`,
        r.subject === 'sdk' ? '' : `${r.ratio.toFixed(2)}x`,
      ]),
      'llllrrrrrr',
    ),
    'import: `import()` of the artifact (init phase); answer: the first invocation until the whole answer ' +
      '(on DynamoDB: the first DynamoDB call included, a 2025 initialize writes the session); total: median ' +
      'of import + answer per run; ratio: total over the SDK anchor with the same first request.',
  ];
}

const HTTP_LABEL = {
  ours: 'ours (npm start, LOG_LEVEL INFO)',
  'ours-silent': 'ours (npm start, LOG_LEVEL=SILENT)',
  sdk: 'sdk (createMcpHandler on node:http)',
} as const;

/** The HTTP path table. */
export function formatHttp(h: HttpResult): string[] {
  return [
    `HTTP path: sequential fetch over loopback keep-alive to a server child process, ms (${h.requests} ` +
      `requests per row after ${h.warmup} warm-up, ${h.rounds} rounds in rotating order)`,
    table(
      ['request', 'server', 'lane', 'p50', 'p95', 'p99', 'max', 'req/s', 'p50 / sdk', 'p99 / sdk'],
      h.rows.map((r) => [
        r.scenario === 'modern' ? '2026-07-28 tools/call' : '2025-11-25 tools/call',
        HTTP_LABEL[r.subject],
        r.scenario === 'modern' ? '' : r.subject === 'sdk' ? 'stateless, no session' : 'in a session',
        ms(r.latency.p50, 3),
        ms(r.latency.p95, 3),
        ms(r.latency.p99, 3),
        ms(r.latency.max, 1),
        r.requestsPerSecond.toFixed(0),
        `${r.ratioP50.toFixed(2)}x`,
        `${r.ratioP99.toFixed(2)}x`,
      ]),
      'lllrrrrrrr',
    ),
    'The 2025 rows compare a sessionful lane with a stateless one: not like for like. INFO vs SILENT is ' +
      'the cost of the per-request log line.',
  ];
}

/** The fan-out table, one row per size. */
export function formatFanoutSizes(f: {
  openFileLimit: number | null;
  sizes: (FanoutResult | FanoutSkipped)[];
}): string[] {
  const run = f.sizes.filter((size): size is FanoutResult => !('skipped' in size));
  const out = [
    'Fan-out: one server process (createAwsMonitorServer, memory stores, live SSE, keepAliveMs 0) holding N ' +
      'live GET SSE streams (one 2025-11-25 session each) over HTTP on 127.0.0.1; the readers run in ' +
      `ceil(N/1000) other processes (${run[0]?.reader === 'fetch' ? 'undici fetch' : 'node:http'} clients, ` +
      `BENCH_FANOUT_READER). \`ulimit -n\`: ${f.openFileLimit ?? 'unlimited'}.`,
  ];
  if (run.length > 0) {
    out.push(
      table(
        [
          'streams',
          'readers',
          'paced/s',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'burst',
          'deliveries/s',
          'RSS/stream',
          'heap/stream',
          'heap/session',
          'RSS primed',
          'RSS peak',
        ],
        run.map((r) => {
          const saturated = r.latency.publishedEventsPerSecond < 0.9 * r.latency.offeredEventsPerSecond;
          return [
            String(r.streams),
            String(r.readerProcesses),
            `${r.latency.publishedEventsPerSecond.toFixed(1)}${saturated ? ' (sat.)' : ''}`,
            ms(r.latency.deliveryMs.p50, 1),
            ms(r.latency.deliveryMs.p95, 1),
            ms(r.latency.deliveryMs.p99, 1),
            ms(r.latency.deliveryMs.max, 1),
            String(r.throughput.events),
            r.throughput.deliveriesPerSecond.toFixed(0),
            `${r.server.rssPerStreamKiB.toFixed(1)} KiB`,
            `${r.server.heapPerStreamKiB.toFixed(1)} KiB`,
            `${r.server.heapPerSessionKiB.toFixed(1)} KiB`,
            mib(r.server.rss.primed),
            mib(r.server.rss.peak),
          ];
        }),
        'rrrrrrrrrrrrrr',
      ),
      `latency: ${run[0]?.latency.events} events offered one every ${run[0]?.latency.intervalMs} ms, publish ` +
        '(server) -> chunk read (reader process) on the shared clock, over every stream x event; "(sat.)": ' +
        'the schedule slipped. burst: events published back to back (cut to keep deliveries bounded); ' +
        'deliveries/s: streams x burst / (first publish -> last stream got the last event).',
      `cpu per paced event: ${run
        .map(
          (r) =>
            `${r.streams}: server ${r.cost.serverCpuMsPerEvent.toFixed(1)} ms, readers ` +
            `${r.cost.readerCpuMsPerEvent.toFixed(1)} ms, publish -> last socket write p50 ${ms(r.cost.serverFlushMs.p50, 1)} ms`,
        )
        .join('; ')}.`,
      'memory: the server process only, after a full GC (peak excepted); per stream = primed minus sessions ' +
        'open, per session = sessions open minus none. Every stream got every event once, in order; the bus ' +
        `dropped none (${run.map((r) => `${r.streams}: ${r.bus.delivered} delivered`).join(', ')}).`,
    );
    for (const r of run) {
      if (r.reportedErrors.length > 0)
        out.push(`${r.streams} streams: ${r.reportedErrors.length} errors, first: ${r.reportedErrors[0]}`);
    }
  }
  for (const size of f.sizes)
    if ('skipped' in size) out.push(`${size.streams} streams: not run: ${size.skipped}`);
  return out;
}

/** The memory-store scale table. */
export function formatSessions(s: SessionsResult): string[] {
  const { uncapped, capped } = s;
  const largest = capped.points.at(-1);
  return [
    `Sessions on the memory store (2025-11-25 initialize + initialized each, in process, ${uncapped.concurrency} ` +
      `at a time, MEMORY_MAX_SESSIONS=${uncapped.maxSessions}); memory after a full GC in a fresh child`,
    table(
      ['sessions', 'held', 'open time', 'sessions/s', 'heap+external', 'per session', 'RSS'],
      uncapped.points.map((p) => [
        String(p.opened),
        String(p.held),
        seconds(p.createMs),
        ((p.opened / p.createMs) * 1000).toFixed(0),
        mib(p.memory.heap),
        `${(p.bytesPerSession / 1024).toFixed(2)} KiB`,
        mib(p.memory.rss),
      ]),
      'rrrrrrr',
    ),
    `baseline before sessions: heap+external ${mib(uncapped.before.heap)}, RSS ${mib(uncapped.before.rss)} ` +
      '(RSS keeps the garbage of the requests, so only heap+external is per-session memory)',
    `eviction: ${largest?.opened} sessions under MEMORY_MAX_SESSIONS=${capped.maxSessions} -> ${largest?.held} held ` +
      `(${s.evictionHeld ? 'held' : 'FAILED'}; the oldest session then answers HTTP ${capped.firstSessionStatus}), ` +
      `${mib(largest?.memory.heap ?? 0)} heap+external`,
    `idle expiry: clock moved past sessionIdleSeconds ${uncapped.idleSeconds} -> the sweep removed ` +
      `${uncapped.swept} and ${capped.swept}, ${uncapped.leftAfterIdle + capped.leftAfterIdle} left; an idle ` +
      `session answers HTTP ${uncapped.idleSessionStatus} (${s.idleExpiryHeld ? 'held' : 'FAILED'})`,
  ];
}

/** The DynamoDB cost table. */
export function formatCost(c: { prices: typeof PRICES; rows: CostRow[] }): string[] {
  return [
    `DynamoDB per request kind, counted on the client against dynalite (request units from ConsumedCapacity), ` +
      `priced ${c.prices.region} on-demand $${c.prices.writePerMillion}/M WRU, $${c.prices.readPerMillion}/M ` +
      `RRU (${c.prices.asOf})`,
    table(
      ['request', 'calls', 'RRU', 'WRU', '$ per 1M requests'],
      c.rows.map((r) => [
        r.kind,
        r.commands.length === 0 ? 'none' : r.commands.join(' + '),
        String(r.readUnits),
        String(r.writeUnits),
        r.usdPerMillion.toFixed(3),
      ]),
      'llrrr',
    ),
    'Reads: strongly consistent, 1 RRU per 4 KB (at least 1 for a read that finds nothing, 0.5 for an ' +
      'eventually consistent one); writes: 1 WRU per 1 KB of the larger of old and new item; a refused ' +
      'conditional write is billed 1 WRU. Storage, streams, backups and data transfer are not included.',
  ];
}
