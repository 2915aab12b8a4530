// `npm run bench`: lambda-mcp's handler against the SDK's bare `createMcpHandler` over the same server, in
// one run: cold start (bundled child processes) and warm latency (in process); then lambda-mcp's fan-out of
// published events to live GET streams over HTTP. Prints a report and writes bench/results/latest.json.
// Knobs: environment variables, see bench/README.md.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { buildBundles, measureCold, writeBaseline } from './cold/measure.js';
import { readConfig } from './config.js';
import { measureFanoutInChild } from './fanout.js';
import { type BenchResults, formatReport, type Machine, ratios } from './report.js';
import { createOurs } from './subjects/ours.js';
import { createSdk } from './subjects/sdk.js';
import type { Subject, SubjectName } from './subjects/types.js';
import { measureWarm, type WarmResult } from './warm.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SDK_PACKAGE = new URL('../node_modules/@modelcontextprotocol/server/package.json', import.meta.url);

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function machine(): Promise<Machine> {
  let sdkVersion = 'unknown';
  try {
    sdkVersion = (JSON.parse(await readFile(SDK_PACKAGE, 'utf8')) as { version: string }).version;
  } catch {
    // Not hoisted to the root: the version is only informative.
  }
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    availableParallelism: availableParallelism(),
    totalMemoryGiB: totalmem() / 1024 ** 3,
    loadAverage1m: loadavg()[0] ?? 0,
    sdkVersion,
    esbuildVersion,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = readConfig();
  const facts = await machine();
  const dir = await mkdtemp(join(tmpdir(), 'lambda-mcp-bench-'));
  const subjects: Record<SubjectName, Subject> = { ours: createOurs(), sdk: createSdk() };
  try {
    progress(`bundling cold-start children into ${dir}`);
    const bundles = await buildBundles(dir, config.minify);
    const baselineFile = await writeBaseline(dir);

    const spawns = config.coldRuns * 5;
    progress(`cold start: ${spawns} measured spawns (+${config.coldWarmup * 5} unmeasured)`);
    const cold = await measureCold(bundles, baselineFile, {
      runs: config.coldRuns,
      warmup: config.coldWarmup,
      onProgress: (done, total) => {
        if (done % 10 === 0 || done === total) progress(`  ${done}/${total}`);
      },
    });

    const warm: WarmResult[] = [];
    for (const scenario of ['modern', 'legacy'] as const) {
      progress(
        `warm ${scenario}: ${config.warmRequests} requests per subject after ${config.warmup} warm-up`,
      );
      warm.push(
        ...(await measureWarm(subjects, scenario, {
          requests: config.warmRequests,
          warmup: config.warmup,
          rounds: config.warmRounds,
        })),
      );
    }

    let fanout: BenchResults['fanout'] = null;
    if (config.fanoutStreams > 0) {
      progress(
        `fan-out: ${config.fanoutStreams} streams, ${config.fanoutEvents} paced events, ` +
          `burst of ${config.fanoutBurst}`,
      );
      // In a fresh process, for clean RSS figures. Rejects (failing the run) when any stream missed, repeated
      // or reordered an event, or was dropped.
      fanout = await measureFanoutInChild({
        streams: config.fanoutStreams,
        events: config.fanoutEvents,
        burst: config.fanoutBurst,
        intervalMs: config.fanoutIntervalMs,
        onProgress: (message) => progress(`  ${message}`),
      });
    }

    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      durationMs: performance.now() - started,
      machine: facts,
      config,
      bundles: {
        ours: { subject: 'ours', bytes: bundles.ours.bytes, composition: bundles.ours.composition },
        sdk: { subject: 'sdk', bytes: bundles.sdk.bytes, composition: bundles.sdk.composition },
      },
      cold: cold.results,
      coldBaseline: cold.baseline,
      warm,
      ratios: ratios(cold.results, warm),
      reportedErrors: {
        ours: subjects.ours.errors.map(String),
        sdk: subjects.sdk.errors.map(String),
      },
      fanout,
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\n${formatReport(results)}\n`);
  } finally {
    await Promise.all([subjects.ours.close(), subjects.sdk.close()]);
    if (config.keepBundles) progress(`bundles kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
