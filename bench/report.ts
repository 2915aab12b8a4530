// Turns the measurements into what `npm run bench` prints: machine facts, bundle sizes, the cold-start and
// warm tables, the ours/SDK ratios and the fan-out figures. Pure formatting; `run.ts` gathers the figures.

import { LAMBDA_TARGET } from '../scripts/build-lambda.js';
import type { Bundle, ColdBaseline, ColdResult } from './cold/measure.js';
import type { BenchConfig } from './config.js';
import type { FanoutResult } from './fanout.js';
import type { SubjectName } from './subjects/types.js';
import type { WarmResult } from './warm.js';

/** Facts about the machine and toolchain a reader needs to compare runs. */
export interface Machine {
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryGiB: number;
  loadAverage1m: number;
  sdkVersion: string;
  esbuildVersion: string;
}

/** One ours/SDK comparison; below 1 means ours is faster. */
export interface Ratio {
  measurement: string;
  oursMs: number;
  sdkMs: number;
  ratio: number;
  note?: string;
}

/** Everything a run produced, as written to `bench/results/latest.json`. */
export interface BenchResults {
  generatedAt: string;
  durationMs: number;
  machine: Machine;
  config: BenchConfig;
  bundles: Record<SubjectName, Omit<Bundle, 'file'>>;
  cold: ColdResult[];
  /** A Node process that only prints its line: the floor under every cold-start figure. */
  coldBaseline: ColdBaseline;
  warm: WarmResult[];
  ratios: Ratio[];
  /** What each subject's `onerror` reported during the warm runs. */
  reportedErrors: Record<SubjectName, string[]>;
  /** Live GET stream fan-out of published events (ours only); null when skipped (`BENCH_FANOUT_STREAMS=0`). */
  fanout: FanoutResult | null;
}

const COLD_TITLES = { modern: '2026-07-28 tools/call', legacy: '2025-11-25 initialize' } as const;
const COLD_SUBJECTS = {
  modern: { ours: 'ours', sdk: 'sdk' },
  legacy: { ours: 'ours (creates a session)', sdk: 'sdk (stateless lane)' },
} as const;
const WARM_TITLES = { modern: '2026-07-28 tools/call', legacy: '2025-11-25 tools/call' } as const;
const WARM_SUBJECTS = {
  modern: { ours: 'ours', sdk: 'sdk' },
  legacy: { ours: 'ours (in a session)', sdk: 'sdk (stateless, no session)' },
} as const;

/** The ratios the report and the JSON carry: cold p50 per first request, warm p50 and p99 per scenario. */
export function ratios(cold: ColdResult[], warm: WarmResult[]): Ratio[] {
  const list: Ratio[] = [];
  const add = (measurement: string, oursMs: number, sdkMs: number, note?: string) =>
    list.push({ measurement, oursMs, sdkMs, ratio: oursMs / sdkMs, ...(note && { note }) });
  const stateless = 'sessionful vs stateless: not like for like';
  for (const request of ['modern', 'legacy'] as const) {
    const ours = cold.find((r) => r.request === request && r.subject === 'ours');
    const sdk = cold.find((r) => r.request === request && r.subject === 'sdk');
    if (ours && sdk) {
      add(
        `cold ${COLD_TITLES[request]} p50`,
        ours.wall.p50,
        sdk.wall.p50,
        request === 'legacy' ? stateless : '',
      );
    }
  }
  for (const scenario of ['modern', 'legacy'] as const) {
    const ours = warm.find((r) => r.scenario === scenario && r.subject === 'ours');
    const sdk = warm.find((r) => r.scenario === scenario && r.subject === 'sdk');
    if (!ours || !sdk) continue;
    const note = scenario === 'legacy' ? stateless : '';
    add(`warm ${WARM_TITLES[scenario]} p50`, ours.latency.p50, sdk.latency.p50, note);
    add(`warm ${WARM_TITLES[scenario]} p99`, ours.latency.p99, sdk.latency.p99, note);
  }
  return list;
}

/** Left-aligns text columns and right-aligns numeric ones (`align` holds 'l' or 'r' per column). */
function table(header: string[], rows: string[][], align: string): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ms = (value: number, digits: number) => value.toFixed(digits);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(2)} s`;

/** The fan-out section: one line per measurement, labels in a column. */
export function formatFanout(f: FanoutResult | null): string[] {
  if (!f) return ['Fan-out: skipped (BENCH_FANOUT_STREAMS=0)'];
  const { latency: l, throughput: t, rss, heap } = f;
  const d = l.deliveryMs;
  const total = f.verified.eventsPerStream;
  // Below 90 % of the offered rate the schedule slipped: events then go out one per event-loop turn.
  const saturated = l.publishedEventsPerSecond < 0.9 * l.offeredEventsPerSecond;
  const row = (label: string, text: string) => `${label.padEnd(12)}${text}`;
  const out = [
    `Fan-out: ${f.streams} live GET SSE streams (one 2025-11-25 session each) over HTTP on 127.0.0.1, one ` +
      `handler: ${f.server}, streamCapacity ${f.streamCapacity}`,
    'The readers run in this process next to the server, so their HTTP and JSON parsing is in every figure ' +
      "(a real deployment's clients are elsewhere).",
    row(
      'setup',
      `${f.streams} sessions opened in ${seconds(f.setup.sessionsMs)} (in process); ${f.streams} streams ` +
        `primed in ${seconds(f.setup.primeMs)}`,
    ),
    row(
      'latency',
      `${l.events} events offered one every ${l.intervalMs} ms (${l.offeredEventsPerSecond.toFixed(0)}/s), ` +
        `published at ${l.publishedEventsPerSecond.toFixed(0)}/s` +
        (saturated ? ' (saturated: the schedule slipped to one event per event-loop turn)' : ''),
    ),
    row(
      '',
      `publish -> received by a stream, ms (${d.n} samples): p50 ${ms(d.p50, 1)}, p95 ${ms(d.p95, 1)}, ` +
        `p99 ${ms(d.p99, 1)}, max ${ms(d.max, 1)}`,
    ),
    row(
      'throughput',
      `burst of ${t.events} events (yielding every 50): published at ${t.publishedEventsPerSecond.toFixed(0)}` +
        ` events/s; ${t.deliveries} deliveries in ${seconds(t.deliverMs)} = ` +
        `${t.deliveriesPerSecond.toFixed(0)} deliveries/s`,
    ),
    row(
      'RSS',
      `before sessions ${mib(rss.beforeSessionsBytes)}, before streams ${mib(rss.beforeStreamsBytes)}, primed ` +
        `${mib(rss.primedBytes)}, peak during the phases ${mib(rss.peakBytes)}` +
        (f.collected ? ' (after a full GC, peak excepted)' : ''),
    ),
    row(
      '',
      `RSS per session and stream ${rss.perSessionAndStreamKiB.toFixed(1)} KiB; JS heap + external per ` +
        `stream ${heap.perStreamKiB.toFixed(1)} KiB, per session ${heap.perSessionKiB.toFixed(1)} KiB`,
    ),
    row(
      'verified',
      `every stream received all ${total} events (${f.warmupEvents} warm-up, ${l.events} paced, ${t.events} ` +
        `burst) exactly once, in order; bus: published ${f.bus.published}, delivered ${f.bus.delivered}, ` +
        `dropped ${f.bus.dropped}`,
    ),
  ];
  if (f.otherMessages > 0) out.push(row('', `${f.otherMessages} other messages on the streams`));
  if (f.reportedErrors.length > 0) {
    out.push(row('errors', `${f.reportedErrors.length} reported, first: ${f.reportedErrors[0]}`));
  }
  return out;
}

/** The printed report. */
export function formatReport(results: BenchResults): string {
  const { machine: m, config: c } = results;
  const out: string[] = [];
  const memory = `${m.totalMemoryGiB.toFixed(1)} GiB`;
  const minified = c.minify ? 'minified' : 'not minified';
  out.push(
    `Machine: node ${m.node}, ${m.platform}, ${m.cpuModel}, ${m.cores} cores ` +
      `(${m.availableParallelism} available), ${memory}, load ${m.loadAverage1m.toFixed(2)}`,
    `Versions: @modelcontextprotocol/server ${m.sdkVersion}, esbuild ${m.esbuildVersion}`,
    '',
    `Bundles (esbuild: one ESM file, platform node, target ${LAMBDA_TARGET}, ${minified})`,
  );
  out.push(
    table(
      ['subject', 'size', 'largest parts'],
      (['ours', 'sdk'] as const).map((subject) => {
        const bundle = results.bundles[subject];
        const parts = bundle.composition.slice(0, 5).map((p) => `${p.origin} ${kb(p.bytes)}`);
        return [subject, kb(bundle.bytes), parts.join(', ')];
      }),
      'lrl',
    ),
    '',
    `Cold start: spawn of \`node bundle.mjs\` -> answer line received, ms (${c.coldRuns} runs per row, ` +
      `${c.coldWarmup} unmeasured first)`,
    'load/create/request: medians measured inside the child from its process start; spawn+pipe: the rest',
  );
  out.push(
    table(
      ['first request', 'subject', 'p50', 'p95', 'min', 'max', 'load', 'create', 'request', 'spawn+pipe'],
      results.cold.map((r) => [
        COLD_TITLES[r.request],
        COLD_SUBJECTS[r.request][r.subject],
        ms(r.wall.p50, 1),
        ms(r.wall.p95, 1),
        ms(r.wall.min, 1),
        ms(r.wall.max, 1),
        ms(r.phasesP50.load, 1),
        ms(r.phasesP50.create, 1),
        ms(r.phasesP50.request, 1),
        ms(r.phasesP50.spawnAndPipe, 1),
      ]),
      'llrrrrrrrr',
    ),
    `Baseline, empty ESM file that prints one line: p50 ${ms(results.coldBaseline.wall.p50, 1)}, ` +
      `p95 ${ms(results.coldBaseline.wall.p95, 1)} (Node start-up to first statement: ` +
      `${ms(results.coldBaseline.loadP50, 1)})`,
    '',
    `Warm: sequential in-process fetch, ms (${c.warmRequests} requests per row after ${c.warmup} warm-up, ` +
      `${c.warmRounds} alternating rounds)`,
  );
  out.push(
    table(
      ['request', 'subject', 'p50', 'p95', 'p99', 'max', 'req/s'],
      results.warm.map((r) => [
        WARM_TITLES[r.scenario],
        WARM_SUBJECTS[r.scenario][r.subject],
        ms(r.latency.p50, 3),
        ms(r.latency.p95, 3),
        ms(r.latency.p99, 3),
        ms(r.latency.max, 1),
        r.requestsPerSecond.toFixed(0),
      ]),
      'llrrrrr',
    ),
    '',
    'Ours / SDK (1.00 = equal, above 1 = ours slower)',
  );
  out.push(
    table(
      ['measurement', 'ours ms', 'sdk ms', 'ours/sdk', 'note'],
      results.ratios.map((r) => [
        r.measurement,
        ms(r.oursMs, r.measurement.startsWith('cold') ? 1 : 3),
        ms(r.sdkMs, r.measurement.startsWith('cold') ? 1 : 3),
        `${r.ratio.toFixed(2)}x`,
        r.note ?? '',
      ]),
      'lrrrl',
    ),
  );
  for (const subject of ['ours', 'sdk'] as const) {
    const errors = results.reportedErrors[subject];
    if (errors.length > 0) {
      out.push('', `${subject}: onerror reported ${errors.length} error(s), first: ${errors[0]}`);
    }
  }
  out.push('', ...formatFanout(results.fanout));
  out.push('', `Total ${(results.durationMs / 1000).toFixed(1)} s. JSON: bench/results/latest.json`);
  return out.join('\n');
}
