// Cold start: bundles each subject's child entry once with esbuild (one ESM file, the Lambda target, as a Lambda
// deployment would ship it), then spawns `node <bundle> <request>` repeatedly and times spawn → answer line.

import { stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { composition, embeddedDataDefine, LAMBDA_TARGET } from '../../scripts/build-lambda.js';
import { type Summary, summarize } from '../stats.js';
import type { SubjectName } from '../subjects/types.js';
import { timedChild } from '../timed-child.js';
import type { ChildReport, ColdRequest } from './child.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES: Record<SubjectName, string> = {
  ours: fileURLToPath(new URL('./entry-ours.ts', import.meta.url)),
  sdk: fileURLToPath(new URL('./entry-sdk.ts', import.meta.url)),
};
/** ESM output has no `require`; bundled CommonJS that calls it for a Node built-in needs one. */
const REQUIRE_SHIM =
  "import { createRequire as __benchCreateRequire } from 'node:module';\n" +
  'const require = __benchCreateRequire(import.meta.url);';

/** One subject's bundle. `composition` is bytes in the output by origin, largest first. */
export interface Bundle {
  subject: SubjectName;
  file: string;
  bytes: number;
  composition: { origin: string; bytes: number }[];
}

/** Builds both child bundles into `dir`. */
export async function buildBundles(dir: string, minify: boolean): Promise<Record<SubjectName, Bundle>> {
  const result = await build({
    entryPoints: ENTRIES,
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_TARGET,
    minify,
    banner: { js: REQUIRE_SHIM },
    // The reference server's config files, embedded as in the Lambda build (no data/ folder beside the bundle).
    define: embeddedDataDefine(),
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  const bundles = {} as Record<SubjectName, Bundle>;
  for (const subject of Object.keys(ENTRIES) as SubjectName[]) {
    const file = join(dir, `${subject}.mjs`);
    bundles[subject] = {
      subject,
      file,
      bytes: (await stat(file)).size,
      composition: composition(result.metafile, relative(ROOT, file)),
    };
  }
  return bundles;
}

/** Groups an output's inputs by package (or by workspace folder for the repository's own sources). */
/** One measured cold start, in ms. The child's figures count from its own process start. */
export interface ColdSample {
  /** Parent: `spawn()` called → answer line received. */
  wallMs: number;
  /** Parent: `spawn()` called → child exited. */
  exitMs: number;
  /** Child: process start → bundle evaluated (Node bootstrap, parse, module top levels). */
  loadMs: number;
  /** Child: handler construction. */
  createMs: number;
  /** Child: first `fetch` until its body was fully read. */
  requestMs: number;
}

/** A child that only reports and exits: what Node itself costs, to read the subjects' figures against. */
const BASELINE = `const t = performance.now();
process.stdout.write(JSON.stringify({ ok: true, loadedMs: t, createdMs: t, answeredMs: t }) + '\\n');
process.exit(0);
`;

/** Writes the baseline child next to the bundles; returns its path. */
export async function writeBaseline(dir: string): Promise<string> {
  const file = join(dir, 'baseline.mjs');
  await writeFile(file, BASELINE);
  return file;
}

/** Spawns one child and times it. Rejects when the child fails or its answer was wrong. */
export async function coldStart(
  file: string,
  request: ColdRequest,
  env: NodeJS.ProcessEnv,
): Promise<ColdSample> {
  const run = await timedChild([file, request], env, ROOT, (out) => out.includes('\n'));
  const what = `cold start of ${file} (${request})`;
  if (run.lineMs === undefined)
    throw new Error(`${what}: no answer line, exit code ${run.code}\n${run.stderr}`);
  const report = JSON.parse(run.stdout.slice(0, run.stdout.indexOf('\n'))) as ChildReport;
  if (!report.ok) throw new Error(`${what}: ${report.error}\n${run.stderr}`);
  return {
    wallMs: run.lineMs,
    exitMs: run.exitMs,
    loadMs: report.loadedMs,
    createMs: report.createdMs - report.loadedMs,
    requestMs: report.answeredMs - report.createdMs,
  };
}

/** The cold starts of one child for one first request, summarized. */
export interface ColdResult {
  request: ColdRequest;
  subject: SubjectName;
  wall: Summary;
  exit: Summary;
  /** Medians of the child's own phases; `spawnAndPipe` is the wall-time median not covered by them. */
  phasesP50: { load: number; create: number; request: number; spawnAndPipe: number };
  samples: ColdSample[];
}

/** The baseline child's figures: spawn → line of a Node process that does nothing else. */
export interface ColdBaseline {
  wall: Summary;
  /** Median of Node's own start-up up to the first statement of an (empty) ESM entry. */
  loadP50: number;
}

function summarizeCold(request: ColdRequest, subject: SubjectName, list: ColdSample[]): ColdResult {
  const p50 = (pick: (s: ColdSample) => number) => summarize(list.map(pick)).p50;
  return {
    request,
    subject,
    wall: summarize(list.map((s) => s.wallMs)),
    exit: summarize(list.map((s) => s.exitMs)),
    phasesP50: {
      load: p50((s) => s.loadMs),
      create: p50((s) => s.createMs),
      request: p50((s) => s.requestMs),
      spawnAndPipe: p50((s) => s.wallMs - s.loadMs - s.createMs - s.requestMs),
    },
    samples: list,
  };
}

/**
 * Measures every (request, subject) pair and the baseline `runs` times, interleaved run by run and
 * alternating which subject goes first, so slow drift of the machine hits every row alike.
 */
export async function measureCold(
  bundles: Record<SubjectName, Bundle>,
  baselineFile: string,
  options: { runs: number; warmup: number; onProgress?: (done: number, total: number) => void },
): Promise<{ results: ColdResult[]; baseline: ColdBaseline }> {
  const env = { ...process.env };
  // A loader the parent runs under (tsx) must not reach the children: they run the bundle only.
  delete env.NODE_OPTIONS;
  const requests: ColdRequest[] = ['modern', 'legacy'];
  const subjects: SubjectName[] = ['ours', 'sdk'];
  const samples = new Map<string, ColdSample[]>();
  const baseline: ColdSample[] = [];
  for (let i = 0; i < options.warmup; i++) await coldStart(baselineFile, 'modern', env);
  for (const request of requests) {
    for (const subject of subjects) {
      samples.set(`${request}/${subject}`, []);
      for (let i = 0; i < options.warmup; i++) await coldStart(bundles[subject].file, request, env);
    }
  }
  const total = options.runs * (requests.length * subjects.length + 1);
  let done = 0;
  for (let run = 0; run < options.runs; run++) {
    baseline.push(await coldStart(baselineFile, 'modern', env));
    options.onProgress?.(++done, total);
    for (const request of requests) {
      const order = run % 2 === 0 ? subjects : [...subjects].reverse();
      for (const subject of order) {
        samples.get(`${request}/${subject}`)?.push(await coldStart(bundles[subject].file, request, env));
        options.onProgress?.(++done, total);
      }
    }
  }
  return {
    results: requests.flatMap((request) =>
      subjects.map((subject) => summarizeCold(request, subject, samples.get(`${request}/${subject}`) ?? [])),
    ),
    baseline: {
      wall: summarize(baseline.map((s) => s.wallMs)),
      loadP50: summarize(baseline.map((s) => s.loadMs)).p50,
    },
  };
}
