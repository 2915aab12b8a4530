// `npm run bench`: lambda-mcp's handler against the SDK's bare `createMcpHandler` over the same server, in
// one run: cold start (bundled child processes) and warm latency (in process); the built Lambda artifact's
// cold start against an SDK artifact; the HTTP path of `npm start` against the SDK on node:http; then
// lambda-mcp alone: fan-out of published events to live GET streams (readers in other processes), sessions
// on the memory store at scale, and DynamoDB calls and cost per request kind. Prints a report and writes
// bench/results/latest.json. Knobs: environment variables, see bench/README.md.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { buildArtifacts } from './artifact/build.js';
import { measureArtifactCold } from './artifact/measure.js';
import { buildBundles, measureCold, writeBaseline } from './cold/measure.js';
import { readConfig } from './config.js';
import { measureFanoutSizes } from './fanout/measure.js';
import { measureHttp } from './http/measure.js';
import { type BenchResults, formatReport, type Machine, ratios } from './report.js';
import { measureDynamoCost } from './state/dynamo-cost.js';
import { measureSessions } from './state/sessions.js';
import { createOurs } from './subjects/ours.js';
import { createSdk } from './subjects/sdk.js';
import type { Subject, SubjectName } from './subjects/types.js';
import { measureWarm, type WarmResult } from './warm.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SDK_PACKAGE = new URL('../node_modules/@modelcontextprotocol/server/package.json', import.meta.url);

const progress = (message: string) => process.stderr.write(`${message}\n`);

/** The output of a git command that reads state, or `unknown`. */
function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

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
    gitCommit: git(['log', '-1', '--format=%h']),
    gitChangedFiles: git(['status', '--short']).split('\n').filter(Boolean).length,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = readConfig();
  const facts = await machine();
  const dir = await mkdtemp(join(tmpdir(), 'lambda-mcp-bench-'));
  const subjects: Record<SubjectName, Subject> = { ours: createOurs(), sdk: createSdk() };
  const runs = (section: (typeof config.sections)[number]) => config.sections.includes(section);
  try {
    let bundles: Awaited<ReturnType<typeof buildBundles>> | undefined;
    let cold: Awaited<ReturnType<typeof measureCold>> | undefined;
    if (runs('cold')) {
      progress(`bundling cold-start children into ${dir}`);
      bundles = await buildBundles(dir, config.minify);
      const baselineFile = await writeBaseline(dir);
      const spawns = config.coldRuns * 5;
      progress(`cold start: ${spawns} measured spawns (+${config.coldWarmup * 5} unmeasured)`);
      cold = await measureCold(bundles, baselineFile, {
        runs: config.coldRuns,
        warmup: config.coldWarmup,
        onProgress: (done, total) => {
          if (done % 10 === 0 || done === total) progress(`  ${done}/${total}`);
        },
      });
    }

    const warm: WarmResult[] = [];
    for (const scenario of runs('warm') ? (['modern', 'legacy'] as const) : []) {
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

    let artifact: BenchResults['artifact'] = null;
    if (runs('artifact')) {
      progress(`artifact cold start: building both artifacts into ${dir}`);
      const built = await buildArtifacts(join(dir, 'artifacts'));
      artifact = await measureArtifactCold(built, {
        runs: config.artifactRuns,
        onProgress: (done, total) => {
          if (done % 10 === 0 || done === total) progress(`  ${done}/${total}`);
        },
      });
    }

    const http = runs('http')
      ? await measureHttp({
          requests: config.httpRequests,
          warmup: config.httpWarmup,
          rounds: config.warmRounds,
          onProgress: progress,
        })
      : null;

    let fanout: BenchResults['fanout'] = null;
    if (runs('fanout') && config.fanoutSizes.length > 0) {
      progress(`fan-out: ${config.fanoutSizes.join(', ')} streams, ${config.fanoutEvents} paced events`);
      // Rejects (failing the run) when any stream missed, repeated or reordered an event, or was dropped.
      fanout = await measureFanoutSizes(config.fanoutSizes, {
        events: config.fanoutEvents,
        burst: config.fanoutBurst,
        burstDeliveries: config.fanoutBurstDeliveries,
        intervalMs: config.fanoutIntervalMs,
        onProgress: (message) => progress(`  ${message}`),
      });
    }

    const sessions =
      runs('state') && config.stateSizes.length > 0
        ? await measureSessions({
            sizes: config.stateSizes,
            cap: config.stateMaxSessions,
            onProgress: progress,
          })
        : null;
    if (runs('cost')) progress('DynamoDB calls and cost per request kind (dynalite)');
    const cost = runs('cost') ? await measureDynamoCost() : null;

    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      durationMs: performance.now() - started,
      machine: facts,
      config,
      bundles: bundles
        ? {
            ours: { subject: 'ours', bytes: bundles.ours.bytes, composition: bundles.ours.composition },
            sdk: { subject: 'sdk', bytes: bundles.sdk.bytes, composition: bundles.sdk.composition },
          }
        : null,
      cold: cold?.results ?? [],
      coldBaseline: cold?.baseline ?? null,
      warm,
      ratios: ratios(cold?.results ?? [], warm),
      reportedErrors: {
        ours: subjects.ours.errors.map(String),
        sdk: subjects.sdk.errors.map(String),
      },
      artifact,
      http,
      fanout,
      sessions,
      cost,
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
