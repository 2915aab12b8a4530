// Turns the measurements into what `npm run bench` prints: machine facts, bundle sizes, the cold-start and
// warm tables and the ours/SDK ratios, then the sections of report-sections.ts (artifact cold start, HTTP
// path, fan-out, state, DynamoDB cost). Pure formatting; `run.ts` gathers the figures.

import { LAMBDA_TARGET } from '../scripts/build-lambda.js';
import type { ArtifactColdResult } from './artifact/measure.js';
import type { Bundle, ColdBaseline, ColdResult } from './cold/measure.js';
import type { BenchConfig } from './config.js';
import type { FanoutResult, FanoutSkipped } from './fanout/measure.js';
import { ms, table } from './format.js';
import type { HttpResult } from './http/measure.js';
import {
  formatArtifact,
  formatCost,
  formatFanoutSizes,
  formatHttp,
  formatSessions,
} from './report-sections.js';
import type { CostRow, PRICES } from './state/dynamo-cost.js';
import type { SessionsResult } from './state/sessions.js';
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
  /** `git log -1 --format=%h` and `git status --short | wc -l`: the code measured, and how far it is from it. */
  gitCommit: string;
  gitChangedFiles: number;
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
  /** The cold-start bundles; null when the cold section did not run. */
  bundles: Record<SubjectName, Omit<Bundle, 'file'>> | null;
  cold: ColdResult[];
  /** A Node process that only prints its line: the floor under every cold-start figure. */
  coldBaseline: ColdBaseline | null;
  warm: WarmResult[];
  ratios: Ratio[];
  /** What each subject's `onerror` reported during the warm runs. */
  reportedErrors: Record<SubjectName, string[]>;
  /** The sections below are null when BENCH_SECTIONS left them out. */
  artifact: ArtifactColdResult | null;
  http: HttpResult | null;
  /** Live GET stream fan-out of published events (ours only), one entry per size. */
  fanout: { openFileLimit: number | null; sizes: (FanoutResult | FanoutSkipped)[] } | null;
  sessions: SessionsResult | null;
  cost: { prices: typeof PRICES; rows: CostRow[] } | null;
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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The printed report. */
export function formatReport(results: BenchResults): string {
  const { machine: m, config: c } = results;
  const out: string[] = [];
  const memory = `${m.totalMemoryGiB.toFixed(1)} GiB`;
  out.push(
    `Machine: node ${m.node}, ${m.platform}, ${m.cpuModel}, ${m.cores} cores ` +
      `(${m.availableParallelism} available), ${memory}, load ${m.loadAverage1m.toFixed(2)}`,
    `Versions: @modelcontextprotocol/server ${m.sdkVersion}, esbuild ${m.esbuildVersion}; code at ` +
      `${m.gitCommit} with ${m.gitChangedFiles} changed file(s) in the working tree`,
  );
  if (results.bundles && results.coldBaseline)
    out.push('', ...formatCold(results, results.bundles, results.coldBaseline));
  if (results.warm.length > 0) out.push('', ...formatWarm(results));
  if (results.ratios.length > 0) {
    out.push(
      '',
      'Ours / SDK (1.00 = equal, above 1 = ours slower)',
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
  }
  for (const subject of ['ours', 'sdk'] as const) {
    const errors = results.reportedErrors[subject];
    if (errors.length > 0) {
      out.push('', `${subject}: onerror reported ${errors.length} error(s), first: ${errors[0]}`);
    }
  }
  if (results.artifact) out.push('', ...formatArtifact(results.artifact));
  if (results.http) out.push('', ...formatHttp(results.http));
  if (results.fanout) out.push('', ...formatFanoutSizes(results.fanout));
  if (results.sessions) out.push('', ...formatSessions(results.sessions));
  if (results.cost) out.push('', ...formatCost(results.cost));
  out.push(
    '',
    `Total ${(results.durationMs / 1000).toFixed(1)} s (sections: ${c.sections.join(', ')}). JSON: bench/results/latest.json`,
  );
  return out.join('\n');
}

/** The bundle sizes and the in-process cold-start table. */
function formatCold(
  results: BenchResults,
  bundles: NonNullable<BenchResults['bundles']>,
  baseline: ColdBaseline,
): string[] {
  const c = results.config;
  const minified = c.minify ? 'minified' : 'not minified';
  return [
    `Bundles (esbuild: one ESM file, platform node, target ${LAMBDA_TARGET}, ${minified})`,
    table(
      ['subject', 'size', 'largest parts'],
      (['ours', 'sdk'] as const).map((subject) => {
        const bundle = bundles[subject];
        const parts = bundle.composition.slice(0, 5).map((p) => `${p.origin} ${kb(p.bytes)}`);
        return [subject, kb(bundle.bytes), parts.join(', ')];
      }),
      'lrl',
    ),
    '',
    `Cold start: spawn of \`node bundle.mjs\` -> answer line received, ms (${c.coldRuns} runs per row, ` +
      `${c.coldWarmup} unmeasured first)`,
    'load/create/request: medians measured inside the child from its process start; spawn+pipe: the rest',
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
    `Baseline, empty ESM file that prints one line: p50 ${ms(baseline.wall.p50, 1)}, ` +
      `p95 ${ms(baseline.wall.p95, 1)} (Node start-up to first statement: ${ms(baseline.loadP50, 1)})`,
  ];
}

/** The in-process warm table. */
function formatWarm(results: BenchResults): string[] {
  const c = results.config;
  return [
    `Warm: sequential in-process fetch, ms (${c.warmRequests} requests per row after ${c.warmup} warm-up, ` +
      `${c.warmRounds} alternating rounds)`,
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
  ];
}
